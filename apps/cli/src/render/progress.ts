import { clearScreenDown, moveCursor } from 'node:readline';
import type { Job, Run } from '../api/types.js';

/**
 * One run's progress in words: `web-1  running    3s / 10s`; a finished run says how long it traced (and
 * when its event budget stopped it early), one that failed, was cancelled, skipped or expired says why. `now` is in ms since the epoch; `hostWidth` pads the host column.
 */
export function progressLine(run: Run, durationSec: number, now: number, hostWidth: number): string {
  const head = `${run.host.padEnd(hostWidth)}  ${run.status.padEnd(9)}`;
  switch (run.status) {
    case 'running': {
      const elapsed = run.startedAt ? Math.max(0, Math.floor((now - Date.parse(run.startedAt)) / 1000)) : 0;
      return `${head}  ${Math.min(elapsed, durationSec)}s / ${durationSec}s`;
    }
    case 'succeeded': {
      const { tracedMs, stopReason } = run.stats ?? {};
      const traced = typeof tracedMs === 'number' ? `  traced ${(tracedMs / 1000).toFixed(1)}s` : '';
      // `stop` and `cancel` are what the CLI asked for; an event budget means the result is cut short.
      const budget = typeof stopReason === 'string' && stopReason !== 'stop' && stopReason !== 'cancel' ? `, stopped early: ${stopReason}` : '';
      return `${head}${traced}${budget}`.trimEnd();
    }
    case 'failed':
    case 'cancelled':
    case 'skipped':
    case 'expired':
      return run.error ? `${head}  ${run.error}` : head.trimEnd();
    default:
      return head.trimEnd();
  }
}

/**
 * Shows a job's runs while it runs, on stderr so that stdout keeps only the result. On a terminal, one line
 * per host rewritten in place at every update; otherwise a line each time a run's status changes, so a CI
 * log reads as a history.
 */
export class ProgressDisplay {
  private shownLines = 0;
  private readonly statuses = new Map<string, Run['status']>();

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) {}

  update(job: Job, now = Date.now()): void {
    const hostWidth = Math.max(...job.runs.map((run) => run.host.length));
    if (this.out.isTTY) {
      if (this.shownLines > 0) moveCursor(this.out, 0, -this.shownLines);
      clearScreenDown(this.out);
      // A line longer than the terminal would wrap, and the cursor would no longer go back to the first one.
      const width = this.out.columns ? this.out.columns - 1 : Infinity;
      this.out.write(job.runs.map((run) => `${progressLine(run, job.durationSec, now, hostWidth).slice(0, width)}\n`).join(''));
      this.shownLines = job.runs.length;
      return;
    }
    for (const run of job.runs) {
      if (this.statuses.get(run.id) === run.status) continue;
      this.statuses.set(run.id, run.status);
      this.out.write(`${progressLine(run, job.durationSec, now, hostWidth)}\n`);
    }
  }
}
