import { randomUUID } from 'node:crypto';
import type { WorkerConfig } from './config.js';
import type { IncarnationRepository } from './incarnation.repository.js';
import type { Logger } from './logger.js';
import { restartedError, wasAttached } from './lost-run.js';
import type { RunReportRepository } from './run-report.repository.js';

/**
 * Makes a restarted agent report at once the runs its previous incarnation (a killed or crashed process) had
 * attached: their kernel state died with it, so they can only fail, and nothing is gained by waiting for BullMQ's
 * stall checker (lock + 2 checks, ~20 s) to hand them back. Runs it held before attaching are left to that checker,
 * which queues them again for a retry.
 */
export class IncarnationService {
  constructor(
    private readonly config: Pick<WorkerConfig, 'hostName'>,
    private readonly incarnations: IncarnationRepository,
    private readonly reports: RunReportRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Records this process (its queue worker `workerId`) as the host's agent, then reports `failed` every attached run
   * the previous one held. Call before the worker takes runs. Returns the ids of the runs reported.
   */
  async takeOver(workerId: string): Promise<string[]> {
    const previous = await this.incarnations.replace({ id: randomUUID(), workerId, startedAt: new Date().toISOString() });
    const orphans = await this.incarnations.activeRunsHeldBy(previous?.workerId);
    const reported: string[] = [];
    for (const job of orphans) {
      const { runId } = job.data;
      if (!wasAttached(job.progress)) {
        this.logger.info(`run ${runId}: its previous agent was lost before attaching; it is retried once its lock lapses`);
        continue;
      }
      const error = restartedError(this.config.hostName);
      this.logger.warn(`run ${runId}: ${error}`);
      await this.reports.send({ type: 'failed', runId, at: new Date().toISOString(), error });
      reported.push(runId);
    }
    return reported;
  }
}
