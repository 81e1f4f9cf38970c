/**
 * The host side of probe arguments (args.ts): each probe's selections become a `struct probe_arg_config`
 * (libs/bpf/include/probe_args.bpf.h) written into the object's `probe_configs` map under the probe's
 * index. Tracepoint fields are looked up in the event's tracefs `format` (offset, size, signedness, how a
 * string is stored); a field the event lacks or cannot be read fails the run with a sentence naming it.
 */
import { readFileSync } from 'node:fs';
import { bytes, defineStruct, ensureTracefs, u16, u64, u8, type BpfObject, type FieldType } from '../../../bpf/src/index.js';
import { STR_LEN, type ArgRef, type ArgType, type FilterOp, type FilterSelection, type ValueSelection } from './args.js';
import { ProbeResolveError, type ResolvedProbe } from './resolve.js';

/** probe_args.bpf.h PROBE_ARGS_MAX: values one probe shows. */
export const MAX_PROBE_ARGS = 6;

const SOURCE = { none: 0, slot: 1, retval: 2, field: 3 } as const;
const KIND = { num: 0, str: 1 } as const;
const FLAG = { signed: 1, user: 2, inline: 4, dataLoc: 8 } as const;
const OP: Record<FilterOp, number> = { '==': 0, '!=': 1, '<': 2, '<=': 3, '>': 4, '>=': 5 };

/** Mirrors `struct probe_arg_spec`. */
export const ProbeArgSpec = defineStruct({ source: u8, kind: u8, flags: u8, slot: u8, offset: u16, size: u16 });
type ArgSpec = ReturnType<typeof ProbeArgSpec.decode>;
const argSpecOf = (fields: Partial<ArgSpec>): ArgSpec => ({ source: SOURCE.none, kind: KIND.num, flags: 0, slot: 0, offset: 0, size: 0, ...fields });

/** `T name[n]` of a mirrored struct. */
export function arrayOf<T>(type: FieldType<T>, n: number): FieldType<T[]> {
  return {
    size: type.size * n,
    align: type.align,
    read: (b, o) => Array.from({ length: n }, (_, i) => type.read(b, o + i * type.size)),
    write(b, o, values) {
      values.forEach((v, i) => type.write(b, o + i * type.size, v));
    },
  };
}

/** Mirrors `struct probe_arg_filter`. */
export const ProbeArgFilter = defineStruct({ arg: ProbeArgSpec, op: u8, pad: bytes(7), num: u64, str: bytes(STR_LEN) });
/** Mirrors `struct probe_arg_config`. */
export const ProbeArgConfig = defineStruct({ args: arrayOf(ProbeArgSpec, MAX_PROBE_ARGS), ret: ProbeArgSpec, filter: ProbeArgFilter });

/** One field of a tracepoint's format. */
export interface TracepointField {
  name: string;
  /** Its C declaration as the format gives it, e.g. `const char * filename`, `__data_loc char[] name`. */
  decl: string;
  offset: number;
  size: number;
  signed: boolean;
}

/** The event's own fields (the `common_*` header left out), from tracefs `events/CATEGORY/EVENT/format`. */
export function tracepointFields(category: string, event: string): TracepointField[] {
  const text = readFileSync(`${ensureTracefs()}/events/${category}/${event}/format`, 'utf8');
  const fields: TracepointField[] = [];
  for (const m of text.matchAll(/^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/gm)) {
    const decl = m[1].trim();
    const name = /(\w+)\s*(\[[^\]]*\])?$/.exec(decl)?.[1];
    if (name && !name.startsWith('common_')) fields.push({ name, decl, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1' });
  }
  return fields;
}

/** How a field can be read: its default type and the spec of each type it allows. */
function fieldReading(probe: Extract<ResolvedProbe, { type: 'tracepoint' }>, f: TracepointField): { default: ArgType; specs: Partial<Record<ArgType, ArgSpec>> } {
  const at = { source: SOURCE.field, offset: f.offset, size: f.size };
  const what = `field ${f.name} (${f.decl}) of ${probe.category}:${probe.event}`;
  if (/__data_loc\b/.test(f.decl)) {
    if (!/\bchar\b/.test(f.decl)) throw new ProbeResolveError(`${what} is a dynamic array: only strings and numbers can be read`);
    return { default: 'str', specs: { str: argSpecOf({ ...at, kind: KIND.str, flags: FLAG.dataLoc }) } };
  }
  if (/\[[^\]]*\]$/.test(f.decl)) {
    if (!/^(const\s+)?(unsigned\s+)?char\b/.test(f.decl)) throw new ProbeResolveError(`${what} is an array: only strings and numbers can be read`);
    return { default: 'str', specs: { str: argSpecOf({ ...at, kind: KIND.str, flags: FLAG.inline }) } };
  }
  if (![1, 2, 4, 8].includes(f.size)) throw new ProbeResolveError(`${what} is ${f.size} bytes: only numbers of 1, 2, 4 or 8 bytes can be read`);
  const unsigned = argSpecOf(at);
  const specs: Partial<Record<ArgType, ArgSpec>> = { s64: { ...unsigned, flags: FLAG.signed }, u64: unsigned, ptr: unsigned };
  if (f.decl.includes('*')) {
    // A syscall tracepoint's pointers are the caller's: user memory.
    if (/\bchar\s*\*/.test(f.decl)) specs.str = argSpecOf({ ...at, kind: KIND.str, flags: probe.category === 'syscalls' ? FLAG.user : 0 });
    return { default: 'ptr', specs };
  }
  return { default: f.signed ? 's64' : 'u64', specs };
}

/** Reads each tracepoint's format once per run. */
export class FieldTables {
  readonly #fields = new Map<string, TracepointField[]>();

  field(probe: Extract<ResolvedProbe, { type: 'tracepoint' }>, name: string): TracepointField {
    let fields = this.#fields.get(probe.probe);
    if (!fields) {
      fields = tracepointFields(probe.category, probe.event);
      this.#fields.set(probe.probe, fields);
    }
    const field = fields.find((f) => f.name === name);
    if (!field) {
      throw new ProbeResolveError(`no field ${name} in ${probe.category}:${probe.event} (its fields: ${fields.map((f) => f.name).join(', ') || 'none'})`);
    }
    return field;
  }
}

/** The spec reading `sel` at `probe`, and the type its value is shown as. */
function argSpec(probe: ResolvedProbe, sel: ValueSelection, fields: FieldTables): { spec: ArgSpec; type: ArgType } {
  if ('field' in sel.ref) {
    if (probe.type !== 'tracepoint') throw new ProbeResolveError(`${probe.probe} has no fields`);
    const reading = fieldReading(probe, fields.field(probe, sel.ref.field));
    const type = sel.type ?? reading.default;
    const spec = reading.specs[type];
    if (!spec) {
      throw new ProbeResolveError(`field ${sel.ref.field} of ${probe.category}:${probe.event} cannot be read as ${type} (it reads as ${Object.keys(reading.specs).join(', ')})`);
    }
    return { spec, type };
  }
  const type = sel.type ?? 's64';
  const user = probe.type === 'uprobe' || probe.type === 'uretprobe' || probe.type === 'usdt';
  const flags = (type === 's64' ? FLAG.signed : 0) | (type === 'str' && user ? FLAG.user : 0);
  const source = 'retval' in sel.ref ? { source: SOURCE.retval, slot: 0 } : { source: SOURCE.slot, slot: sel.ref.slot };
  return { spec: argSpecOf({ ...source, kind: type === 'str' ? KIND.str : KIND.num, flags }), type };
}

function filterSpec(probe: ResolvedProbe, f: FilterSelection, fields: FieldTables) {
  const text = typeof f.value === 'string' ? f.value : undefined;
  // A string value compares the string; a number keeps the value's own type (a field's: from its format).
  const { spec, type } = argSpec(probe, { ref: f.ref, type: text !== undefined ? 'str' : f.type }, fields);
  if (text === undefined && type === 'str') throw new ProbeResolveError(`${describeRef(probe, f.ref)} is a string: filter it with a string and == or !=`);
  const str = Buffer.alloc(STR_LEN);
  if (text !== undefined) Buffer.from(text, 'utf8').copy(str);
  return { arg: spec, op: OP[f.op], pad: Buffer.alloc(7), num: text !== undefined ? 0n : BigInt.asUintN(64, BigInt(f.value)), str };
}

const describeRef = (probe: ResolvedProbe, ref: ArgRef) =>
  'field' in ref && probe.type === 'tracepoint' ? `field ${ref.field} of ${probe.category}:${probe.event}` : 'slot' in ref ? `arg ${ref.slot}` : 'retval';

/** What one probe reads and filters on. */
export interface ProbeSelections {
  args: readonly ValueSelection[];
  ret?: ValueSelection;
  filter?: FilterSelection;
}

/** How the values of one probe's events are shown: the type of each arg and of the return value. */
export interface ProbeShape {
  args: ArgType[];
  ret?: ArgType;
}

/** The probes' configurations (`probe_configs` values, by index) and how their values are shown. */
export interface ProbeConfigs {
  values: Buffer[];
  shapes: ProbeShape[];
}

/**
 * Each probe's configuration, built on the host before anything is loaded: throws ProbeResolveError for a
 * field the event lacks or a type it cannot be read as.
 */
export function probeConfigs(probes: readonly ResolvedProbe[], selections: readonly ProbeSelections[]): ProbeConfigs {
  const fields = new FieldTables();
  const none = argSpecOf({});
  const built = probes.map((probe, i) => {
    const sel = selections[i]!;
    const args = sel.args.map((a) => argSpec(probe, a, fields));
    const ret = sel.ret && argSpec(probe, sel.ret, fields);
    const value = ProbeArgConfig.encode({
      args: Array.from({ length: MAX_PROBE_ARGS }, (_, j) => args[j]?.spec ?? none),
      ret: ret?.spec ?? none,
      filter: sel.filter ? filterSpec(probe, sel.filter, fields) : { arg: none, op: 0, pad: Buffer.alloc(7), num: 0n, str: Buffer.alloc(STR_LEN) },
    });
    return { value, shape: { args: args.map((a) => a.type), ret: ret?.type } };
  });
  return { values: built.map((b) => b.value), shapes: built.map((b) => b.shape) };
}

/** Writes the configurations into the loaded object's `probe_configs`, each under its probe's index (its cookie). */
export function writeProbeConfigs(obj: BpfObject, configs: ProbeConfigs): void {
  const map = obj.map('probe_configs');
  configs.values.forEach((value, i) => {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(i);
    map.update(key, value);
  });
}

/** A value as a row shows it: numbers as numbers (as decimal strings beyond 2^53), addresses in hex, strings as text. */
export function showValue(type: ArgType, num: bigint, str: string): number | string {
  if (type === 'str') return str;
  if (type === 'ptr') return `0x${BigInt.asUintN(64, num).toString(16)}`;
  const n = type === 's64' ? BigInt.asIntN(64, num) : BigInt.asUintN(64, num);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}
