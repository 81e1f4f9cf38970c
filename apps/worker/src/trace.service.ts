import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { TraceJobPayload } from '../../../libs/contracts/src/index.js';
import { TOOL_CATALOG } from '../../../libs/tools/src/catalog.js';
import { validateParams } from '../../../libs/tools/src/validate-params.js';
import { CapabilityRepository } from './capability.repository.js';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { RunReportRepository } from './run-report.repository.js';
import { ToolRunnerRepository } from './tool-runner.repository.js';

const now = () => new Date().toISOString();

/** Runs one tool for one run and reports every transition to the control plane. */
@Injectable()
export class TraceService {
  private readonly logger = new Logger(TraceService.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly host: CapabilityRepository,
    private readonly runners: ToolRunnerRepository,
    private readonly reports: RunReportRepository,
  ) {}

  /**
   * Never throws for a run that was reported: a failed run is a reported outcome, not a retry.
   * Throws {@link UnrecoverableError} only when the failure report itself could not be sent.
   */
  async execute(payload: TraceJobPayload, signal: AbortSignal): Promise<void> {
    const { runId } = payload;
    try {
      const runner = this.prepare(payload);
      const output = await runner({
        params: payload.params,
        durationMs: payload.durationSec * 1000,
        signal,
        onAttached: () => {
          this.reports.send({ type: 'running', runId, at: now() }).catch((error: Error) => {
            this.logger.warn(`run ${runId}: could not report running: ${error.message}`);
          });
        },
      });
      if (signal.aborted) {
        await this.reports.send({ type: 'failed', runId, at: now(), error: abortReason(signal), stats: output.stats });
        return;
      }
      await this.reports.send({ type: 'succeeded', runId, at: now(), result: output.result, stats: output.stats });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`run ${runId} (${payload.tool}) failed: ${message}`);
      await this.reports.send({ type: 'failed', runId, at: now(), error: message });
    }
  }

  /** Rechecks what the API checked: the agent must not trust its queue blindly. */
  private prepare(payload: TraceJobPayload) {
    const tool = TOOL_CATALOG.get(payload.tool);
    if (!tool) throw new UnrecoverableError(`unknown tool "${payload.tool}"`);
    const errors = validateParams(tool, payload.params);
    if (errors.length) {
      throw new UnrecoverableError(`invalid params: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    }
    const missing = tool.requires.filter((capability) => !this.host.capabilities[capability]);
    if (missing.length) {
      throw new UnrecoverableError(
        `host ${this.config.hostName} lacks ${missing.join(', ')}, which ${tool.name} needs`,
      );
    }
    const runner = this.runners.get(tool.name);
    if (!runner) throw new UnrecoverableError(`this agent has no runner for ${tool.name}`);
    return runner;
  }
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
}
