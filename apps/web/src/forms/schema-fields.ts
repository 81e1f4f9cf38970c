/**
 * The new-job form generated from a tool's `paramsSchema` (JSON Schema 2020-12, GET /v1/tools): one field per
 * top-level property. Scalars, enums and lists get their own controls; anything nested (objects, arrays of
 * objects, `anyOf`) is edited as JSON, since a generic nested editor would be a form builder of its own.
 * The API validates everything again and names the offending field, which the form shows beside it.
 */

type Schema = Record<string, unknown>;
export type EnumValue = string | number | boolean;

type FieldKind = 'number' | 'text' | 'textarea' | 'boolean' | 'enum' | 'multi-enum' | 'list' | 'json';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  description: string;
  required: boolean;
  /** `number`: integers only; `list`: items are integers. */
  integer: boolean;
  minimum?: number;
  maximum?: number;
  /** `enum` / `multi-enum`: the allowed values. */
  options: EnumValue[];
  default?: unknown;
}

/** What a control holds while the user edits: text for inputs, a boolean for checkboxes, the chosen values. */
export type FieldDraft = string | boolean | EnumValue[];
export type Draft = Record<string, FieldDraft>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  return typeof type === 'string' ? type : undefined;
}

/** Free text allowed longer than a path (PATH_MAX, 4096) is a program (bpftrace): a multi-line box. */
const LONG_TEXT = 4096;

function kindOf(schema: Schema): Pick<FieldSpec, 'kind' | 'integer' | 'options'> {
  const type = typeOf(schema);
  if (Array.isArray(schema.enum)) return { kind: 'enum', integer: false, options: schema.enum as EnumValue[] };
  if (type === 'integer' || type === 'number') return { kind: 'number', integer: type === 'integer', options: [] };
  if (type === 'boolean') return { kind: 'boolean', integer: false, options: [] };
  if (type === 'string') {
    const long = typeof schema.maxLength === 'number' && schema.maxLength > LONG_TEXT;
    return { kind: long ? 'textarea' : 'text', integer: false, options: [] };
  }
  if (type === 'array' && isSchema(schema.items)) {
    const items = schema.items;
    if (Array.isArray(items.enum)) return { kind: 'multi-enum', integer: false, options: items.enum as EnumValue[] };
    const itemType = typeOf(items);
    if (itemType === 'string' || itemType === 'integer' || itemType === 'number') {
      return { kind: 'list', integer: itemType !== 'string', options: [] };
    }
  }
  return { kind: 'json', integer: false, options: [] };
}

/** The form's fields, in the schema's property order. */
export function fieldsOf(paramsSchema: Schema): FieldSpec[] {
  const properties = isSchema(paramsSchema.properties) ? paramsSchema.properties : {};
  const required = new Set(Array.isArray(paramsSchema.required) ? (paramsSchema.required as string[]) : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, Schema] => isSchema(entry[1]))
    .map(([name, schema]) => ({
      name,
      ...kindOf(schema),
      description: typeof schema.description === 'string' ? schema.description : '',
      required: required.has(name),
      minimum: typeof schema.minimum === 'number' ? schema.minimum : undefined,
      maximum: typeof schema.maximum === 'number' ? schema.maximum : undefined,
      default: schema.default,
    }));
}

/**
 * The controls' starting values: `params` (an example, or a job's params) where given, else the schema's
 * defaults for checkboxes and multiple choices, and empty text (the API fills the default in).
 */
export function draftOf(fields: readonly FieldSpec[], params: Record<string, unknown> = {}): Draft {
  const draft: Draft = {};
  for (const field of fields) {
    const value = params[field.name] ?? (field.kind === 'boolean' || field.kind === 'multi-enum' ? field.default : undefined);
    draft[field.name] = toDraft(field, value);
  }
  return draft;
}

function toDraft(field: FieldSpec, value: unknown): FieldDraft {
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'multi-enum':
      return Array.isArray(value) ? (value as EnumValue[]) : [];
    case 'enum':
      return value === undefined ? '' : JSON.stringify(value);
    case 'list':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    default:
      return value === undefined ? '' : String(value);
  }
}

export interface ParamsOutcome {
  params: Record<string, unknown>;
  /** Fields whose text cannot even be sent (JSON that does not parse), by field name. */
  problems: Record<string, string>;
}

/**
 * The `params` to send. Empty controls are left out, so the API applies the schema's defaults. Text that
 * is not a number where one is expected is sent as written: the API's validator then names the field
 * (`params.pid: must be integer`), so the form and the CLI report the same rules in the same words.
 */
export function paramsOf(fields: readonly FieldSpec[], draft: Draft): ParamsOutcome {
  const params: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const value = draft[field.name];
    if (field.kind === 'boolean') {
      if (value !== (field.default ?? false)) params[field.name] = value === true;
      continue;
    }
    if (field.kind === 'multi-enum') {
      if (Array.isArray(value) && value.length > 0) params[field.name] = value;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') continue;
    switch (field.kind) {
      case 'number':
        params[field.name] = numberOrText(text);
        break;
      case 'enum':
        params[field.name] = JSON.parse(text) as EnumValue;
        break;
      case 'list':
        params[field.name] = text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .map((item) => (field.integer ? numberOrText(item) : item));
        break;
      case 'json':
        try {
          params[field.name] = JSON.parse(text);
        } catch (error) {
          problems[field.name] = `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
        }
        break;
      default:
        params[field.name] = text;
    }
  }
  return { params, problems };
}

const numberOrText = (text: string): number | string => (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? Number(text) : text);

/**
 * The API's 400 `details` by the form control they belong to: `params.pid` → `pid`, a nested
 * `params.probes.0.probe` → `probes` (with `0.probe:` kept in the message), and body fields (`hosts`,
 * `durationSec`, `selector`) under their own name. Several problems of one control are joined.
 */
export function errorsByControl(details: readonly { field: string; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { field, message } of details) {
    const path = field.split('.');
    const [control, rest] = path[0] === 'params' && path.length > 1 ? [path[1]!, path.slice(2)] : [path[0]!, path.slice(1)];
    const text = rest.length > 0 ? `${rest.join('.')}: ${message}` : message;
    errors[control] = errors[control] ? `${errors[control]}; ${text}` : text;
  }
  return errors;
}
