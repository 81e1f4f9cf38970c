import { setTimeout as sleep } from 'node:timers/promises';
import { expectOk, type Api } from '../api/client.js';
import type { Job } from '../api/types.js';
import { ApiError, CliError } from '../errors.js';
import { ProgressDisplay } from '../render/progress.js';
import { startCommand } from './command.js';

/** How often a job's status is read while it runs. */
export const POLL_MS = 500;

const FINAL: ReadonlySet<Job['status']> = new Set(['succeeded', 'failed', 'partial', 'cancelled']);

export interface FollowOptions {
  /** A workload to start once every run is `running`; the job is stopped when it exits. */
  command?: readonly string[];
  /** Where the workload's stdout goes (see startCommand). */
  commandStdout: NodeJS.WritableStream;
}

export interface FollowedJob {
  /** The job as it ended. */
  job: Job;
  /** The workload's exit code; undefined without a command. */
  commandExit?: number;
}

type Outcome = { exitCode: number } | { error: unknown };

/**
 * Every run that will trace is tracing: none is still queued and one is running. A run that ended without
 * running (a host skipped as offline, a run expired in its queue) will not start later, so it is not waited for.
 */
export const isTracing = (job: Job): boolean => job.runs.some((run) => run.status === 'running') && !job.runs.some((run) => run.status === 'queued');

/**
 * Follows job `id` until it ends, showing each run's progress on stderr. With a command: starts it once
 * every run that will trace is `running` (its probes are attached), and when it exits calls POST /v1/jobs/:id/stop, so the
 * trace window is exactly the command's life (runs end `succeeded`); a command still running when the job's
 * own duration ends it is waited for. A job that ends before that never starts the
 * command: that is an error naming the job's status. Ctrl-C cancels the job.
 */
export async function followJob(api: Api, id: string, options: FollowOptions): Promise<FollowedJob> {
  const progress = new ProgressDisplay(process.stderr);
  const cancelOnInterrupt = () => {
    void cancel(api, id).finally(() => process.exit(130));
  };
  process.once('SIGINT', cancelOnInterrupt);
  try {
    let workload: Promise<Outcome> | undefined;
    let job: Job;
    for (;;) {
      job = await expectOk(api.GET('/v1/jobs/{id}', { params: { path: { id } } }));
      progress.update(job);
      if (options.command && !workload && isTracing(job)) {
        // Settled into a value at once: it is awaited only after the loop, and an unawaited rejection would end the process.
        workload = runThenStop(api, id, options).then(
          (exitCode) => ({ exitCode }),
          (error: unknown) => ({ error }),
        );
      }
      if (FINAL.has(job.status)) break;
      await sleep(POLL_MS);
    }
    if (!options.command) return { job };
    if (!workload) throw new CliError(`job ${id} ended ${job.status} before its runs were running; the command was not started`);
    const outcome = await workload;
    if ('error' in outcome) throw outcome.error;
    return { job, commandExit: outcome.exitCode };
  } finally {
    process.off('SIGINT', cancelOnInterrupt);
  }
}

async function runThenStop(api: Api, id: string, options: FollowOptions): Promise<number> {
  let exitCode: number;
  try {
    exitCode = await startCommand(options.command!, options.commandStdout).exited;
  } catch (error) {
    await cancel(api, id);
    throw error;
  }
  try {
    await expectOk(api.POST('/v1/jobs/{id}/stop', { params: { path: { id } } }));
  } catch (error) {
    // 409: the job's own duration ended it first, which leaves nothing to stop.
    if (!(error instanceof ApiError && error.status === 409)) throw error;
  }
  return exitCode;
}

async function cancel(api: Api, id: string): Promise<void> {
  await api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } });
}
