import { useId } from 'preact/hooks';
import type { Draft, EnumValue, FieldDraft, FieldSpec } from './schema-fields';

interface Props {
  fields: readonly FieldSpec[];
  draft: Draft;
  errors: Record<string, string>;
  onChange(name: string, value: FieldDraft): void;
}

/** The params of a tool as labelled controls, each with its description and the API's error beside it. */
export function SchemaForm({ fields, draft, errors, onChange }: Props) {
  if (fields.length === 0) return <p class="hint">This tool takes no parameters.</p>;
  return (
    <>
      {fields.map((field) => (
        <SchemaField key={field.name} field={field} value={draft[field.name]!} error={errors[field.name]} onChange={(value) => onChange(field.name, value)} />
      ))}
    </>
  );
}

const optionLabel = (value: EnumValue) => String(value);

function SchemaField({ field, value, error, onChange }: { field: FieldSpec; value: FieldDraft; error?: string; onChange(value: FieldDraft): void }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.description && hintId, error && errorId].filter(Boolean).join(' ') || undefined;
  const common = { id, name: `params.${field.name}`, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined };
  const label = (
    <>
      {field.name}
      {field.required && <span aria-hidden="true"> *</span>}
      {field.required && <span class="visually-hidden"> (required)</span>}
    </>
  );
  const hint = (
    <>
      {field.description && (
        <p id={hintId} class="hint">
          {field.description}
          {field.kind === 'list' && ' Separate values with commas.'}
          {field.kind === 'json' && ' As JSON.'}
          {field.default !== undefined && field.kind !== 'boolean' && ` Default: ${JSON.stringify(field.default)}.`}
        </p>
      )}
      {error && (
        <p id={errorId} class="field-error">
          {error}
        </p>
      )}
    </>
  );

  if (field.kind === 'multi-enum') {
    const chosen = value as EnumValue[];
    return (
      <fieldset class={`field${error ? ' invalid' : ''}`} aria-describedby={describedBy}>
        <legend>{label}</legend>
        {field.options.map((option) => (
          <label key={String(option)} class="inline">
            <input
              type="checkbox"
              name={`params.${field.name}`}
              checked={chosen.includes(option)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, option] : chosen.filter((o) => o !== option))}
            />
            {optionLabel(option)}
          </label>
        ))}
        {hint}
      </fieldset>
    );
  }
  if (field.kind === 'boolean') {
    return (
      <div class={`field checkbox${error ? ' invalid' : ''}`}>
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>{label}</label>
        {hint}
      </div>
    );
  }
  let control;
  if (field.kind === 'enum') {
    control = (
      <select {...common} value={value as string} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{field.default === undefined ? '(none)' : `default (${optionLabel(field.default as EnumValue)})`}</option>
        {field.options.map((option) => (
          <option key={String(option)} value={JSON.stringify(option)}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'json' || field.kind === 'textarea') {
    control = <textarea {...common} rows={field.kind === 'json' ? 5 : 8} value={value as string} onInput={(e) => onChange(e.currentTarget.value)} />;
  } else {
    control = (
      <input
        {...common}
        type="text"
        inputMode={field.kind === 'number' ? 'numeric' : undefined}
        placeholder={field.default !== undefined ? String(field.default) : undefined}
        value={value as string}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {control}
      {hint}
    </div>
  );
}
