import { collectStacks, stackLayouts, stackRodata } from '../runtime/stacks.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { profile, type ProfileParams } from './profile.schema.js';

/** The rodata config of profile.bpf.c for these params. */
export function profileConfig(p: ProfileParams) {
  return { ...taskFilterRodata(p), ...stackRodata(p.stack) };
}

/**
 * profile: stacks sampled at `frequencyHz` on every online CPU (one cpu-clock perf event per CPU), counted
 * in the kernel; unit `samples`, so a stack's count divided by the frequency is the CPU seconds spent
 * there. Idle samples are left out. `lostEvents` counts samples counted with a missing stack or lost to a
 * full counts map.
 */
export default defineRunner(profile, {
  layouts: stackLayouts,
  rodata: profileConfig,
  attach: (obj, p) => obj.program('profile_sample').attachPerfSampling({ frequency: p.frequencyHz }),
  collector: (obj, p, resources) => collectStacks(obj, { unit: 'samples', stack: p.stack, perThread: false }, resources),
});
