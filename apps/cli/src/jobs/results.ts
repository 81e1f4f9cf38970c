import { expectOk, type Api } from '../api/client.js';
import { asToolResult, type ToolResult } from '../api/results.js';
import type { Job, Run } from '../api/types.js';
import { ApiError } from '../errors.js';

/** A finished run and its stored result (null when it has none: it did not trace, or was cancelled before it did). */
export interface RunResult {
  run: Run;
  result: ToolResult | null;
}

/** The statuses of runs that may have a result: a cancelled run keeps what it saw before it stopped. */
const KEPT: ReadonlySet<Run['status']> = new Set(['succeeded', 'cancelled']);

/** The results of every run of a finished job, in the job's run order. */
export async function jobResults(api: Api, job: Job): Promise<RunResult[]> {
  return Promise.all(job.runs.map(async (run) => ({ run, result: KEPT.has(run.status) ? await runResult(api, run.id) : null })));
}

async function runResult(api: Api, id: string): Promise<ToolResult | null> {
  try {
    return asToolResult(await expectOk(api.GET('/v1/runs/{id}/result', { params: { path: { id } } })));
  } catch (error) {
    // A run cancelled before it traced has no result: an answer here, not an error.
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
