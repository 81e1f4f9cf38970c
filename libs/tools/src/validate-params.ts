import type { SchemaValidateFunction } from 'ajv';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ToolDefinition } from './definition.js';
import { intervalProblems } from './time-series.js';

export interface ParamsError {
  /** Dotted path from the body root, e.g. `params.maxArgs`. */
  field: string;
  message: string;
}


/**
 * `maxBytes`: a string's length in UTF-8 bytes, for strings the kernel keeps in fixed byte arrays (a comm is
 * 15 bytes plus its NUL): `maxLength` counts characters, so "é" × 15 would pass it and fail on the agent.
 */
const maxBytes: SchemaValidateFunction = (limit: number, data: string): boolean => {
  const ok = Buffer.byteLength(data, 'utf8') <= limit;
  maxBytes.errors = ok ? [] : [{ keyword: 'maxBytes', message: `must not be longer than ${limit} bytes in UTF-8`, params: { limit } }];
  return ok;
};
/** An Ajv in strict mode that knows the keywords params schemas use beyond JSON Schema (`maxBytes`). */
export function createParamsAjv(options: { useDefaults?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...options });
  ajv.addKeyword({ keyword: 'maxBytes', type: 'string', schemaType: 'number', validate: maxBytes, errors: true });
  return ajv;
}

// useDefaults fills the schema's defaults in, so agents and stored jobs see the effective params.
const ajv = createParamsAjv({ useDefaults: true });
const compiled = new WeakMap<ToolDefinition, ValidateFunction>();

function validatorFor(tool: ToolDefinition): ValidateFunction {
  let validate = compiled.get(tool);
  if (!validate) {
    validate = ajv.compile(tool.paramsSchema);
    compiled.set(tool, validate);
  }
  return validate;
}

function describe(error: ErrorObject): ParamsError {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    const extra = String(error.params.additionalProperty);
    return { field: ['params', path, extra].filter(Boolean).join('.'), message: 'is not a known parameter' };
  }
  return { field: ['params', path].filter(Boolean).join('.'), message: error.message ?? 'is invalid' };
}

/** What params are checked against besides themselves: the job they run in. */
export interface JobContext {
  durationSec: number;
}

/**
 * Validates `params` in place against the tool's schema, filling in defaults, then against the tool's own
 * cross-field rules, and with `job` against the job too (a series tool's `intervalSec` against `durationSec`:
 * pass it wherever the job is known, the API before queueing and the agent before running). Returns the
 * errors, each naming its field; an empty list means the params are valid.
 */
export function validateParams(tool: ToolDefinition, params: unknown, job?: JobContext): ParamsError[] {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return [{ field: 'params', message: 'must be an object' }];
  }
  const validate = validatorFor(tool);
  if (!validate(params)) return (validate.errors ?? []).map(describe);
  const checked = params as Record<string, unknown>;
  const jobErrors = tool.series && job ? intervalProblems(checked.intervalSec as number | undefined, job.durationSec) : [];
  return [...tool.check(checked), ...jobErrors];
}
