import { CliError } from '../errors.js';

/** The parts of a JSON Schema (a tool's paramsSchema, GET /v1/tools) that decide how text becomes a value. */
export interface ParamSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: ParamSchema[];
  oneOf?: ParamSchema[];
  items?: ParamSchema;
  properties?: Record<string, ParamSchema>;
}

/**
 * `-p key=value` options → a job's `params`, each value typed by the tool's paramsSchema: an integer or
 * number where the schema allows one and the text is one, `true`/`false` for a boolean, and for an array
 * param the items of every `-p` of that key, each split at commas (`-p by=pid,comm` = `-p by=pid -p by=comm`).
 * Text that is not a literal of an allowed type stays a string, and an unknown key is passed on as is:
 * the API validates the params and names the offending one (`params.pid: must be integer`).
 * A key given twice that is not an array, or an option without `=`, is a usage error.
 */
export function parseParams(options: readonly string[], schema: ParamSchema): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const option of options) {
    const at = option.indexOf('=');
    if (at <= 0) throw new CliError(`-p/--param: expected key=value like pid=123, got "${option}"`);
    const key = option.slice(0, at);
    const text = option.slice(at + 1);
    const property = schema.properties?.[key] ?? {};
    if (allowedTypes(property).has('array')) {
      const items = text.split(',').map((item) => coerce(item, property.items ?? {}));
      params[key] = [...((params[key] as unknown[] | undefined) ?? []), ...items];
    } else if (Object.hasOwn(params, key)) {
      throw new CliError(`-p ${key}: given twice, but it takes one value`);
    } else {
      params[key] = coerce(text, property);
    }
  }
  return params;
}

function coerce(text: string, schema: ParamSchema): unknown {
  const types = allowedTypes(schema);
  if ((types.has('integer') && /^-?\d+$/.test(text)) || (types.has('number') && text.trim() !== '' && Number.isFinite(Number(text)))) {
    return Number(text);
  }
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** The JSON types a schema accepts, its enum's values' types and its alternatives' included. */
function allowedTypes(schema: ParamSchema): Set<string> {
  const types = new Set<string>([schema.type ?? []].flat());
  for (const value of schema.enum ?? []) types.add(typeof value === 'number' ? 'number' : typeof value);
  for (const alternative of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    for (const type of allowedTypes(alternative)) types.add(type);
  }
  return types;
}
