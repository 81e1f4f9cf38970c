import { attachProbes, loadProgramsFor, type ProbePrograms } from '../probes/attach.js';
import { resolveProbes } from '../probes/resolve.js';
import { parseProbeSpec } from '../probes/spec.js';
import { defineRunner } from '../runtime/runner.js';
import { collectStacks, stackLayouts, stackRodata } from '../runtime/stacks.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { stackcount, stackcountSpecRules, type StackcountParams } from './stackcount.schema.js';

/** stackcount.bpf.c's generic programs, by the probe type each attaches to. */
const PROGRAMS: ProbePrograms = {
  uprobe: 'stackcount_uprobe',
  uretprobe: 'stackcount_uprobe',
  tracepoint: 'stackcount_tracepoint',
  usdt: 'stackcount_usdt',
  kprobe: 'stackcount_kprobe',
  kretprobe: 'stackcount_kprobe',
};

const probesOf = (p: StackcountParams) => resolveProbes([parseProbeSpec(p.probe, stackcountSpecRules)], { pid: p.pid });

/** The rodata config of stackcount.bpf.c for these params. */
export function stackcountConfig(p: StackcountParams) {
  return { ...taskFilterRodata(p), ...stackRodata(p.stack) };
}

/**
 * stackcount: the spec resolved on the host (failing the run with a readable reason before anything is
 * loaded), every probe it names attached to the generic program of its type, and each hit counted under
 * its stacks and process in the kernel; stacks symbolized at the end, unit `events`, innermost frame first.
 */
export default defineRunner(stackcount, {
  layouts: stackLayouts,
  rodata: stackcountConfig,
  prepare: probesOf,
  beforeLoad: (obj, _p, probes) => loadProgramsFor(obj, probes, PROGRAMS),
  attach: (obj, p, probes) => attachProbes(obj, probes, PROGRAMS, p.pid),
  collector: (obj, p, resources) => collectStacks(obj, { unit: 'events', stack: p.stack, perThread: false }, resources),
});
