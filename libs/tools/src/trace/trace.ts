import { char, defineStruct, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { filterSelection, traceArgSelection, STR_LEN, type ValueSelection } from '../probes/args.js';
import { MAX_PROBE_ARGS, ProbeArgConfig, arrayOf, probeConfigs, showValue, writeProbeConfigs, type ProbeSelections, type ProbeShape } from '../probes/args-config.js';
import { attachProbes, loadProgramsFor, type ProbePrograms } from '../probes/attach.js';
import { resolveProbes } from '../probes/resolve.js';
import { parseProbeSpec } from '../probes/spec.js';
import { streamEvents } from '../runtime/events.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { trace, traceSpecRules, type TraceParams } from './trace.schema.js';

/** trace.bpf.c's generic programs, by the probe type each attaches to. */
const PROGRAMS: ProbePrograms = {
  uprobe: 'trace_uprobe',
  uretprobe: 'trace_uprobe',
  tracepoint: 'trace_tracepoint',
  usdt: 'trace_usdt',
  kprobe: 'trace_kprobe',
  kretprobe: 'trace_kprobe',
};

/** Mirrors `struct trace_hit_event` of trace.h. */
export const TraceEvent = defineStruct({
  ts: u64,
  retval: u64,
  nums: arrayOf(u64, MAX_PROBE_ARGS),
  pid: u32,
  tid: u32,
  probe: u32,
  comm: char(16),
  strs: arrayOf(char(STR_LEN), MAX_PROBE_ARGS),
});

/**
 * Each entry resolved on its own (no wildcards: one probe each), so the probe's index is the entry's even
 * when two entries name the same probe with different filters.
 */
const probesOf = (p: TraceParams) => p.probes.map((entry) => resolveProbes([parseProbeSpec(entry.probe, traceSpecRules)], { pid: p.pid })[0]!);

function selectionsOf(entry: TraceParams['probes'][number]): ProbeSelections {
  const args = (entry.args ?? []).map(traceArgSelection);
  const ret: ValueSelection | undefined = entry.retval ? { ref: { retval: true }, type: entry.retval } : undefined;
  return { args, ret, filter: entry.filter && filterSelection(entry.filter, ret ? [...args, ret] : args) };
}

/** The probes resolved on the host, and their configuration (a field the event lacks fails the run here, before anything is loaded). */
function prepare(p: TraceParams) {
  const probes = probesOf(p);
  return { probes, configs: probeConfigs(probes, p.probes.map(selectionsOf)) };
}

/** `retval` is a number, unless a probe shows it as an address (hex). */
const columnsFor = (shapes: readonly ProbeShape[]): EventsResult['columns'] => [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'tid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'probe', type: 'string' },
  { name: 'args', type: 'array' },
  { name: 'retval', type: shapes.some((s) => s.ret === 'ptr') ? 'string' : 'int' },
];

/**
 * trace: each probe resolved on the host (a missing symbol, tracepoint or field fails the run before
 * anything is loaded), its selections written as configuration under its index, every probe attached
 * with that index as cookie. One row per hit that passed its filter: `args` in the order asked (numbers,
 * hex addresses, strings), `retval` for r:/kr: probes that asked for it (else null). `dropped` counts hits
 * over `maxEventsPerSec` or not fitting in the ring buffer.
 */
export default defineRunner(trace, {
  layouts: { probe_configs: { key: u32, value: ProbeArgConfig } },
  rodata: taskFilterRodata,
  prepare,
  beforeLoad: (obj, _p, { probes }) => loadProgramsFor(obj, probes, PROGRAMS),
  attach: (obj, p, { probes }) => attachProbes(obj, probes, PROGRAMS, p.pid),
  collector: (obj, _p, _resources, { probes, configs }) => {
    writeProbeConfigs(obj, configs);
    const { shapes } = configs;
    return streamEvents(columnsFor(shapes), (record, clock) => {
      const e = TraceEvent.decode(record);
      const shape = shapes[e.probe];
      if (!shape) return undefined;
      return {
        ts: clock.iso(e.ts),
        pid: e.pid,
        tid: e.tid,
        comm: e.comm,
        probe: probes[e.probe]!.probe,
        args: shape.args.map((type, i) => showValue(type, e.nums[i]!, e.strs[i]!)),
        retval: shape.ret ? showValue(shape.ret, e.retval, '') : null,
      };
    });
  },
});
