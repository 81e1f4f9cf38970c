import { collectStacks, stackLayouts, stackRodata } from '../runtime/stacks.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { offcputime, type OffcputimeParams } from './offcputime.schema.js';

/** The rodata config of offcputime.bpf.c for these params. */
export function offcputimeConfig(p: OffcputimeParams) {
  return {
    ...taskFilterRodata(p),
    ...stackRodata(p.stack),
    min_block_us: p.minBlockUs,
    max_block_us: p.maxBlockUs,
    filter_state: p.state !== undefined,
    targ_state: p.state,
  };
}

/**
 * offcputime: per thread and stack (taken when it was switched out), the microseconds it spent off-CPU,
 * counting intervals within [minBlockUs, maxBlockUs] that ended during the run. `lostEvents` counts
 * intervals counted with a missing stack or lost to a full map.
 */
export default defineRunner(offcputime, {
  layouts: stackLayouts,
  rodata: offcputimeConfig,
  collector: (obj, p, resources) => collectStacks(obj, { unit: 'us', stack: p.stack, perThread: true, tracedKernelFunction: '__schedule' }, resources),
});
