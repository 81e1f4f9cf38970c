import type { RunStats } from '../../../libs/contracts/src/index.js';

/**
 * How much longer than asked a window may last before it counts as overrun: the end of a window is a timer, late by
 * a few milliseconds normally and by a few hundred on a loaded host; a stalled agent (SIGSTOP, a frozen VM, swap)
 * is late by seconds.
 */
export const OVERRUN_TOLERANCE_MS = 500;

/**
 * Sets `stats.overrunMs` (traced minus asked, in ms) when the probes stayed attached longer than the run's window by
 * more than {@link OVERRUN_TOLERANCE_MS}: the agent stalled, and the counts cover more time than asked, so they
 * must be read as rates. Leaves stats without `tracedMs` (nothing was attached) as they are.
 */
export function markOverrun(stats: RunStats, durationMs: number): void {
  const traced = stats.tracedMs;
  if (typeof traced === 'number' && traced - durationMs > OVERRUN_TOLERANCE_MS) stats.overrunMs = Math.round(traced - durationMs);
}
