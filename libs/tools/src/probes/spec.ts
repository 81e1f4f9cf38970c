/**
 * Probe specs of the generic tools (funccount, stackcount, trace, argdist), in BCC's letters, parsed into a
 * validated structure. Pure: the API loads it to answer 400 naming the field; the agent parses again
 * before resolving on the host (resolve.ts). Nothing a caller typed becomes program text: a spec only
 * selects where precompiled programs attach, so the grammar is strict rather than escaped.
 *
 *   t:CATEGORY:EVENT             tracepoint
 *   u:BINARY_OR_LIB:FUNC         uprobe (function entry)
 *   r:BINARY_OR_LIB:FUNC         uretprobe (function return)
 *   usdt:BINARY:PROVIDER:PROBE   USDT probe
 *   k:FUNC / kr:FUNC             kprobe / kretprobe (only on hosts with kprobes)
 */
import type { Capability } from '../../../contracts/src/index.js';
import type { ParamsError } from '../validate-params.js';

export type ProbeType = 'tracepoint' | 'uprobe' | 'uretprobe' | 'usdt' | 'kprobe' | 'kretprobe';

export type ProbeSpec =
  | { type: 'tracepoint'; category: string; event: string }
  | { type: 'uprobe' | 'uretprobe'; target: string; func: string }
  | { type: 'usdt'; target: string; provider: string; probe: string }
  | { type: 'kprobe' | 'kretprobe'; func: string };

/** What a tool accepts beyond the grammar. */
export interface SpecRules {
  /** `*` in the function / event part (funccount, stackcount), expanded on the host. */
  wildcards: boolean;
}

/** Probes one run may attach, after wildcard expansion (resolve.ts refuses more); also the most specs a list may hold. */
export const MAX_PROBES = 1000;
const MAX_PATH = 1024;
const MAX_LIBRARY_NAME = 128;
const MAX_IDENTIFIER = 256;
/** A spec's longest form: `usdt:` + a path + two identifiers. */
export const MAX_SPEC_LENGTH = 5 + MAX_PATH + 2 * (MAX_IDENTIFIER + 1);

const LETTERS: Record<string, { type: ProbeType; parts: string[] }> = {
  t: { type: 'tracepoint', parts: ['category', 'event'] },
  u: { type: 'uprobe', parts: ['binary', 'function'] },
  r: { type: 'uretprobe', parts: ['binary', 'function'] },
  usdt: { type: 'usdt', parts: ['binary', 'provider', 'probe'] },
  k: { type: 'kprobe', parts: ['function'] },
  kr: { type: 'kretprobe', parts: ['function'] },
};
const LETTER_OF: Record<ProbeType, string> = Object.fromEntries(Object.entries(LETTERS).map(([letter, { type }]) => [type, letter])) as Record<ProbeType, string>;

/** A spec the grammar refuses; `message` says which part and why, in words. */
export class ProbeSpecError extends Error {
  override readonly name = 'ProbeSpecError';
}

const quote = (text: string) => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);

/** A user-space function name (`malloc`, `memcpy@GLIBC_2.14`, `foo.cold`); kernel ones the same. */
function identifier(what: string, text: string, wildcard: boolean, extra = '.@'): string {
  if (text.length > MAX_IDENTIFIER) throw new ProbeSpecError(`${what} is longer than ${MAX_IDENTIFIER} characters`);
  if (text.includes('*') && !wildcard) throw new ProbeSpecError(`${what} ${quote(text)}: wildcards (*) are not allowed here`);
  const body = `A-Za-z0-9_${extra.replace(/[.@]/g, (c) => `\\${c}`)}${wildcard ? '*' : ''}`;
  if (!new RegExp(`^[A-Za-z_${wildcard ? '*' : ''}][${body}]*$`).test(text)) {
    throw new ProbeSpecError(`${what} ${quote(text)} is not an identifier (a letter or _ first, then letters, digits, _${extra ? ` ${[...extra].join(' ')}` : ''}${wildcard ? ', * as a wildcard' : ''})`);
  }
  return text;
}

/** An absolute path without `.`/`..` segments and with no character a shell or a parser could trip on, or a library name. */
function binary(text: string): string {
  if (!text.startsWith('/')) {
    if (text.includes('/')) throw new ProbeSpecError(`binary ${quote(text)} must be an absolute path or a library name (libc, libpthread)`);
    if (text.length > MAX_LIBRARY_NAME) throw new ProbeSpecError(`library name is longer than ${MAX_LIBRARY_NAME} characters`);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(text)) {
      throw new ProbeSpecError(`library name ${quote(text)} may only hold letters, digits and _ . + - (e.g. libc, libpthread, libstdc++)`);
    }
    return text;
  }
  if (text.length > MAX_PATH) throw new ProbeSpecError(`binary path is longer than ${MAX_PATH} characters`);
  if (!/^[A-Za-z0-9_./+@-]+$/.test(text)) throw new ProbeSpecError(`binary path ${quote(text)} may only hold letters, digits and _ . / + @ -`);
  const segments = text.slice(1).split('/');
  if (segments.some((s) => s === '.' || s === '..')) throw new ProbeSpecError(`binary path ${quote(text)} must not hold "." or ".." segments`);
  if (segments.some((s) => s === '')) throw new ProbeSpecError(`binary path ${quote(text)} must name a file (no empty segment, no trailing /)`);
  return text;
}

/** Parses one spec; throws ProbeSpecError naming the part that is wrong. */
export function parseProbeSpec(text: string, rules: SpecRules): ProbeSpec {
  if (text.length > MAX_SPEC_LENGTH) throw new ProbeSpecError(`is longer than ${MAX_SPEC_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new ProbeSpecError('holds a control character');
  const [letter, ...parts] = text.split(':');
  const form = Object.hasOwn(LETTERS, letter) ? LETTERS[letter] : undefined;
  if (!form) throw new ProbeSpecError(`unknown probe type ${quote(letter)}: expected t, u, r, usdt, k or kr (e.g. t:sched:sched_switch, u:libc:malloc)`);
  const shape = [letter, ...form.parts.map((p) => p.toUpperCase())].join(':');
  if (parts.length !== form.parts.length) throw new ProbeSpecError(`${quote(text)} does not have the form ${shape}`);
  const empty = form.parts.find((_, i) => parts[i] === '');
  if (empty) throw new ProbeSpecError(`the ${empty} of ${shape} is empty`);
  switch (form.type) {
    case 'tracepoint':
      return { type: form.type, category: identifier('category', parts[0], false, ''), event: identifier('event', parts[1], rules.wildcards, '') };
    case 'uprobe':
    case 'uretprobe':
      return { type: form.type, target: binary(parts[0]), func: identifier('function', parts[1], rules.wildcards) };
    case 'usdt':
      return { type: form.type, target: binary(parts[0]), provider: identifier('provider', parts[1], false, ''), probe: identifier('probe', parts[2], false, '') };
    default:
      return { type: form.type, func: identifier('function', parts[0], rules.wildcards, '.') };
  }
}

/** The spec in its text form (also the `probe` of a resolved probe, with the binary as a path). */
export function formatProbeSpec(spec: ProbeSpec): string {
  const letter = LETTER_OF[spec.type];
  switch (spec.type) {
    case 'tracepoint':
      return `${letter}:${spec.category}:${spec.event}`;
    case 'uprobe':
    case 'uretprobe':
      return `${letter}:${spec.target}:${spec.func}`;
    case 'usdt':
      return `${letter}:${spec.target}:${spec.provider}:${spec.probe}`;
    default:
      return `${letter}:${spec.func}`;
  }
}

/** The host capability a probe type needs. */
export function capabilityOf(type: ProbeType): Capability {
  if (type === 'tracepoint') return 'tracepoint';
  if (type === 'usdt') return 'usdt';
  return type === 'uprobe' || type === 'uretprobe' ? 'uprobe' : 'kprobe';
}

/** The capabilities these specs need (specs the grammar refuses are skipped: `check` reports them). */
export function capabilitiesOf(specs: readonly string[], rules: SpecRules): Capability[] {
  const needed = new Set<Capability>();
  for (const text of specs) {
    try {
      needed.add(capabilityOf(parseProbeSpec(text, rules).type));
    } catch {
      /* refused by checkProbeSpecs */
    }
  }
  return [...needed];
}

/**
 * For a tool definition's `check`: every spec parsed, each refusal naming its field (`params.probes.2`,
 * or `params.probe` for a single spec).
 */
export function checkProbeSpecs(specs: string | readonly string[], field: string, rules: SpecRules): ParamsError[] {
  const list = typeof specs === 'string' ? [[field, specs] as const] : specs.map((s, i) => [`${field}.${i}`, s] as const);
  const errors: ParamsError[] = [];
  for (const [name, text] of list) {
    try {
      parseProbeSpec(text, rules);
    } catch (err) {
      if (!(err instanceof ProbeSpecError)) throw err;
      errors.push({ field: name, message: err.message });
    }
  }
  return errors;
}

const SPEC_DESCRIPTION =
  'A probe spec: t:CATEGORY:EVENT (tracepoint), u:BINARY_OR_LIB:FUNC (uprobe), r:BINARY_OR_LIB:FUNC (uretprobe), usdt:BINARY:PROVIDER:PROBE, k:FUNC / kr:FUNC (hosts with kprobes). BINARY is an absolute path or a library name (libc, libpthread).';

/** JSON Schema of one spec; the grammar itself is `checkProbeSpecs` (its messages name the part that is wrong). */
export const probeSpecSchema = { type: 'string', minLength: 1, maxLength: MAX_SPEC_LENGTH, description: SPEC_DESCRIPTION } as const;

/** JSON Schema of a list of specs (funccount `probes`). */
export const probeSpecListSchema = {
  type: 'array',
  items: probeSpecSchema,
  minItems: 1,
  maxItems: MAX_PROBES,
  uniqueItems: true,
} as const;
