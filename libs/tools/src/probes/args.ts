/**
 * What the generic probe tools (trace, argdist) read at a probe and filter on: argument slots, the return
 * value, tracepoint fields. Their params schema fragments, and the rules JSON Schema cannot state (which
 * probe type has which values, which operator a string allows), checked in the API against the parsed
 * spec so a wrong combination is a 400 naming the field. Pure: the host side (tracefs formats, the
 * kernel's configuration, decoding) is args-config.ts; the kernel side libs/bpf/include/probe_args.bpf.h.
 */
import type { ParamsError } from '../validate-params.js';
import type { ProbeType } from './spec.js';

export const ARG_TYPES = ['s64', 'u64', 'str', 'ptr'] as const;
/** How a value is read and shown: signed / unsigned 64-bit number, a string it points to, an address (hex). */
export type ArgType = (typeof ARG_TYPES)[number];
export const FILTER_OPS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** Argument slots a probe offers (calling-convention registers, USDT slots): 0..5. */
export const MAX_ARG_SLOT = 5;
/** Bytes of a string slot in the kernel (probe_args.bpf.h PROBE_STR_LEN): 63 bytes of text and the NUL. */
export const STR_LEN = 64;
const MAX_STR_BYTES = STR_LEN - 1;

const argSlot = {
  type: 'integer',
  minimum: 0,
  maximum: MAX_ARG_SLOT,
  description: 'Argument slot 0..5: for u: and k: probes the calling convention’s argument registers, for usdt: the probe’s own arguments.',
} as const;

const fieldName = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  maxLength: 64,
  description: 'For t: probes: a field of the event’s format (tracefs events/CATEGORY/EVENT/format), e.g. prev_pid.',
} as const;

const argType = {
  enum: ARG_TYPES,
  description: `s64 / u64: a signed / unsigned number; str: the string it points to (at most ${MAX_STR_BYTES} bytes kept); ptr: an address, shown in hex. For a field, default from its format.`,
} as const;

/** One of trace's `args`: an argument slot with its type, or a tracepoint field. */
export const traceArgSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { index: argSlot, field: fieldName, type: argType },
} as const;

/** A value argdist or a filter reads: an argument slot or the return value (`arg`), or a tracepoint field. */
const argRef = { enum: [0, 1, 2, 3, 4, 5, 'retval'], description: 'Argument slot 0..5, or retval (r: and kr: probes).' } as const;

/** argdist's `value`. */
export const valueSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { arg: argRef, field: fieldName, type: argType },
} as const;

export const filterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['op', 'value'],
  properties: {
    arg: argRef,
    field: fieldName,
    op: { enum: FILTER_OPS, description: 'Numbers: any operator (signed or unsigned by the value’s type); strings: == and != only.' },
    value: {
      anyOf: [{ type: 'integer' }, { type: 'string', maxLength: MAX_STR_BYTES }],
      description: `A number, or a string compared over its first ${MAX_STR_BYTES} bytes.`,
    },
  },
  description: 'Keep only the hits where this value compares true (in the kernel): { arg | field, op, value }.',
} as const;

/** Where a value comes from. */
export type ArgRef = { slot: number } | { retval: true } | { field: string };

/** A value to read: where, and how (`type`; for a field, undefined means as its format says). */
export interface ValueSelection {
  ref: ArgRef;
  type?: ArgType;
}

export interface FilterSelection {
  ref: ArgRef;
  op: FilterOp;
  value: number | string;
  /** The type the caller gave this value elsewhere in the same probe (its `args` entry, `retval`, argdist's `value`). */
  type?: ArgType;
}

/** The params shapes the schemas above produce. */
export interface TraceArgParam {
  index?: number;
  field?: string;
  type?: ArgType;
}
export interface ValueParam {
  arg?: number | 'retval';
  field?: string;
  type?: ArgType;
}
export interface FilterParam {
  arg?: number | 'retval';
  field?: string;
  op: FilterOp;
  value: number | string;
}

const refOf = (slotOrRetval: number | 'retval' | undefined, field: string | undefined): ArgRef | undefined => {
  if ((slotOrRetval === undefined) === (field === undefined)) return undefined;
  if (field !== undefined) return { field };
  return slotOrRetval === 'retval' ? { retval: true } : { slot: slotOrRetval! };
};

const sameRef = (a: ArgRef, b: ArgRef) =>
  ('slot' in a && 'slot' in b && a.slot === b.slot) || ('retval' in a && 'retval' in b) || ('field' in a && 'field' in b && a.field === b.field);

export const traceArgSelection = (a: TraceArgParam): ValueSelection => ({ ref: refOf(a.index, a.field)!, type: a.type });
export const valueSelection = (v: ValueParam): ValueSelection => ({ ref: refOf(v.arg, v.field)!, type: v.type });

/** The filter, with the type the same value has among `values` (the probe's args, its retval). */
export function filterSelection(f: FilterParam, values: readonly ValueSelection[]): FilterSelection {
  const ref = refOf(f.arg, f.field)!;
  return { ref, op: f.op, value: f.value, type: values.find((v) => sameRef(v.ref, ref) && v.type)?.type };
}

const RETURNS: ProbeType[] = ['uretprobe', 'kretprobe'];
const HAS_SLOTS: ProbeType[] = ['uprobe', 'kprobe', 'usdt'];

/** Why `ref` cannot be read at a probe of this type, or undefined when it can. */
function refRefusal(probe: ProbeType, ref: ArgRef): string | undefined {
  if ('field' in ref) return probe === 'tracepoint' ? undefined : 'names a tracepoint field: only t: probes have fields (use an argument slot)';
  if ('retval' in ref) return RETURNS.includes(probe) ? undefined : 'only r: and kr: probes have a return value';
  if (HAS_SLOTS.includes(probe)) return undefined;
  if (probe === 'tracepoint') return 'a tracepoint’s values are the fields of its format: give field (e.g. { "field": "prev_pid" })';
  return 'at a function’s return its arguments are gone: only retval can be read';
}

/**
 * The rules of one value (`slotKey` is the name of its slot property: `index` in trace's args, `arg`
 * elsewhere), its errors naming `at.<property>`.
 */
function checkValue(probe: ProbeType, v: { slot?: number | 'retval'; field?: string; type?: ArgType }, at: string, slotKey: string): ParamsError[] {
  const ref = refOf(v.slot, v.field);
  if (!ref) {
    const choice = `${slotKey} (${slotKey === 'arg' ? 'an argument slot or retval' : 'an argument slot'}) or field (a tracepoint field)`;
    return [{ field: at, message: v.field === undefined ? `give ${choice}` : `give ${choice}, not both` }];
  }
  const refusal = refRefusal(probe, ref);
  if (refusal) return [{ field: `${at}.${'field' in ref ? 'field' : slotKey}`, message: refusal }];
  if (!('field' in ref) && !v.type) return [{ field: `${at}.type`, message: `is required with ${slotKey} (s64, u64, str or ptr)` }];
  return [];
}

/** trace's `args` entry. */
export const checkTraceArg = (probe: ProbeType, a: TraceArgParam, at: string) => checkValue(probe, { slot: a.index, field: a.field, type: a.type }, at, 'index');

/** argdist's `value`. */
export const checkValueParam = (probe: ProbeType, v: ValueParam, at: string) => checkValue(probe, { slot: v.arg, field: v.field, type: v.type }, at, 'arg');

/** A probe's `filter`; `values` are the probe's other selections, whose types the filter's value must agree with. */
export function checkFilter(probe: ProbeType, f: FilterParam, values: readonly ValueSelection[], at: string): ParamsError[] {
  // A filter's type comes from its value (string or number), so only where it reads is checked here.
  const errors = checkValue(probe, { slot: f.arg, field: f.field, type: 's64' }, at, 'arg');
  if (errors.length) return errors;
  const { type } = filterSelection(f, values);
  if (typeof f.value === 'string') {
    if (f.op !== '==' && f.op !== '!=') return [{ field: `${at}.op`, message: `a string is compared with == or != only, not ${f.op}` }];
    // An address may be compared by the string it points to; a number may not.
    if (type === 's64' || type === 'u64') return [{ field: `${at}.value`, message: `the value is read as ${type}: compare it with a number` }];
    if (Buffer.byteLength(f.value, 'utf8') > MAX_STR_BYTES) return [{ field: `${at}.value`, message: `must not be longer than ${MAX_STR_BYTES} bytes in UTF-8` }];
    return [];
  }
  if (type === 'str') return [{ field: `${at}.value`, message: 'the value is read as str: compare it with a string' }];
  if (!Number.isSafeInteger(f.value)) return [{ field: `${at}.value`, message: 'must be an integer within ±(2^53 − 1)' }];
  return [];
}
