import type { FastifyInstance } from 'fastify';
import { invalidFields, type FieldProblem } from '../utils/errors.js';

/** Deeper than any body this API takes (a job's params nest 4 or 5 levels): refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys no body, params or query of this API has, and that a JavaScript object treats specially: refused as
 * unknown fields rather than dropped by a transformer or, worse, set as a prototype.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty']);

/**
 * The depth of the JSON text's deepest array or object, counted without parsing it, so that thousands of
 * levels cost a loop, not a stack overflow in the parser or in a transformer after it. Stops at `limit + 1`.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * What Postgres and the kernel cannot take, wherever it is in a parsed body or query: strings (values and
 * keys) with NUL or a lone surrogate (jsonb refuses both), and reserved keys. Each problem names its field
 * (`params.comm`, `hosts.2`). Walks with an explicit stack: no recursion on caller-controlled depth.
 */
export function inputProblems(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: [unknown, string][] = [[value, root]];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const checkString = (text: string, field: string) => {
    if (text.includes('\u0000')) problems.push({ field: field || 'body', message: 'must not contain a NUL character' });
    else if (!text.isWellFormed()) problems.push({ field: field || 'body', message: 'must be valid Unicode (it has a lone surrogate)' });
  };
  while (stack.length > 0 && problems.length < 20) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') checkString(current, path);
    else if (Array.isArray(current)) current.forEach((item, i) => stack.push([item, join(path, String(i))]));
    else if (typeof current === 'object' && current !== null) {
      for (const key of Object.keys(current)) {
        const field = join(path, key);
        if (RESERVED_KEYS.has(key)) problems.push({ field, message: 'is not a known field' });
        else checkString(key, field);
        stack.push([(current as Record<string, unknown>)[key], field]);
      }
    }
  }
  return problems;
}

/**
 * The API's only body parser: JSON, its depth bounded before parsing, its strings and keys checked after,
 * so that every such body is a 400 naming the field before any validator or transformer sees it.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, text, done) => {
    const body = String(text);
    if (body.trim() === '') {
      done(invalidFields([{ field: 'body', message: 'must be a JSON object, got an empty body' }]), undefined);
      return;
    }
    if (jsonDepth(body) > MAX_JSON_DEPTH) {
      done(invalidFields([{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]), undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      done(invalidFields([{ field: 'body', message: `malformed JSON (${(error as Error).message})` }]), undefined);
      return;
    }
    const problems = inputProblems(parsed);
    done(problems.length > 0 ? invalidFields(problems) : null, parsed);
  });
  // Query strings reach the validators as objects too.
  fastify.addHook('preValidation', async (request) => {
    const problems = inputProblems(request.query);
    if (problems.length > 0) throw invalidFields(problems);
  });
}
