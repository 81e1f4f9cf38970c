import type { JobStatus } from '../entities/job.entity.js';
import type { RunStatus } from '../entities/run.entity.js';

const FINISHED: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled', 'skipped', 'expired']);

/**
 * A job's status is a function of its runs' statuses, so it can never disagree with them:
 * - some run still queued or running → `queued` if nothing has started yet, else `running`
 *   (a job whose cancellation is under way stays `running` until its agents confirm);
 * - all finished and at least one `cancelled` → `cancelled`: only a cancel request makes a run
 *   `cancelled`, so the job says the user stopped it, whatever its other runs did before that;
 * - otherwise `succeeded` when all succeeded, `partial` when some did, `failed` when none did (a
 *   `skipped` or `expired` run is one that did not succeed).
 */
export function deriveJobStatus(runs: readonly RunStatus[]): JobStatus {
  if (runs.length === 0) return 'queued';
  if (runs.some((status) => !FINISHED.has(status))) {
    return runs.every((status) => status === 'queued') ? 'queued' : 'running';
  }
  if (runs.includes('cancelled')) return 'cancelled';
  const succeeded = runs.filter((status) => status === 'succeeded').length;
  if (succeeded === runs.length) return 'succeeded';
  if (succeeded > 0) return 'partial';
  return 'failed';
}

/** Whether every run has reached a final status (nothing left to cancel). */
export function isJobFinished(runs: readonly RunStatus[]): boolean {
  return runs.every((status) => FINISHED.has(status));
}
