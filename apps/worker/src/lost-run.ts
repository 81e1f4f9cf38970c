import type { Job } from 'bullmq';

/**
 * What the agent writes as a run's BullMQ job progress once its probes are attached (before it reports
 * `running`). It outlives the agent: whoever takes the job again knows the run had started observing.
 */
export const ATTACHED_PROGRESS = { attached: true } as const;

/** Whether a job's progress says its run had attached its probes. */
export function wasAttached(progress: Job['progress']): boolean {
  return typeof progress === 'object' && progress !== null && (progress as { attached?: unknown }).attached === true;
}

/**
 * What an agent does with a run it takes off its queue:
 * - `run`: a fresh run, or one whose agent was lost before attaching (`retry: true`): nothing was observed,
 *   so running it now loses nothing;
 * - `fail`: its agent was lost after attaching. Its kernel state went with that agent and its trace window is
 *   over, so running it again would observe a different window under the same run: it is failed with `error`.
 *
 * A job is only taken again after BullMQ found it stalled (its agent stopped renewing its lock).
 */
export type Takeover = { action: 'run'; retry: boolean } | { action: 'fail'; error: string };

/** Decides what becomes of a run this agent has just taken off its queue (see {@link Takeover}). */
export function takeover(job: Pick<Job, 'progress' | 'stalledCounter'>, hostName: string): Takeover {
  if (wasAttached(job.progress)) return { action: 'fail', error: lostError(hostName, true) };
  return { action: 'run', retry: job.stalledCounter > 0 };
}

/**
 * The error of a run BullMQ failed itself because its agent was lost more often than a run is retried
 * (`maxStalledCount`): the processor never sees such a job, so the agent reports it from the worker's
 * `failed` event. `undefined` for a job that failed for any other reason (its outcome was already reported).
 */
export function stalledOutError(job: Pick<Job, 'progress' | 'deferredFailure'>, hostName: string): string | undefined {
  if (!job.deferredFailure) return undefined;
  return wasAttached(job.progress) ? lostError(hostName, true) : lostError(hostName, false);
}

function lostError(hostName: string, attached: boolean): string {
  return attached
    ? `the agent on ${hostName} was lost during the run (after its probes were attached); the run cannot be resumed`
    : `the agent on ${hostName} was lost while preparing the run, again after a retry; the run is not retried again`;
}

/**
 * The error of a run whose agent process ended (killed, crashed) after attaching, as its next incarnation reports
 * it at start. The BullMQ job, taken again later by the stall checker, gets the same outcome (see {@link takeover}).
 */
export function restartedError(hostName: string): string {
  return `the agent on ${hostName} restarted during the run (its previous process was lost after attaching the probes); the run cannot be resumed`;
}
