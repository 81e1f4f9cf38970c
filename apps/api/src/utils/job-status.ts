import type { JobStatus } from '../entities/job.entity.js';
import type { RunStatus } from '../entities/run.entity.js';

const FINISHED: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * A job's status is a function of its runs' statuses, so it can never disagree with them:
 * - some run still queued or running → `queued` if nothing has started yet, else `running`;
 * - all finished → `succeeded` / `failed` / `cancelled` when they all agree (failed wins over
 *   cancelled when nothing succeeded), `partial` when some succeeded and others did not.
 */
export function deriveJobStatus(runs: readonly RunStatus[]): JobStatus {
  if (runs.length === 0) return 'queued';
  if (runs.some((status) => !FINISHED.has(status))) {
    return runs.every((status) => status === 'queued') ? 'queued' : 'running';
  }
  const succeeded = runs.filter((status) => status === 'succeeded').length;
  if (succeeded === runs.length) return 'succeeded';
  if (succeeded > 0) return 'partial';
  if (runs.some((status) => status === 'failed')) return 'failed';
  return 'cancelled';
}
