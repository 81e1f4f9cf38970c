import { UnrecoverableError } from 'bullmq';
import type { RunMessage, TraceJobPayload } from '../../../libs/contracts/src/index.js';
import type { ToolRunOutput } from '../../../libs/tools/src/definition.js';
import { RunCancelledError, RunStoppedError } from './cancel.service.js';
import type { CapabilityRepository } from './capability.repository.js';
import type { WorkerConfig } from './config.js';
import type { Logger } from './logger.js';
import type { RunReportRepository } from './run-report.repository.js';
import type { ToolRunnerRepository } from './tool-runner.repository.js';

const now = () => new Date().toISOString();

/** The catalog's schemas and their validator (Ajv): loaded with the first run, so an idle agent does not hold them. */
const loadCatalog = async () => {
  const [{ TOOL_CATALOG }, { validateParams }, { budgetProblems }] = await Promise.all([
    import('../../../libs/tools/src/catalog.js'),
    import('../../../libs/tools/src/validate-params.js'),
    import('../../../libs/tools/src/event-budget.js'),
  ]);
  return { TOOL_CATALOG, validateParams, budgetProblems };
};

/** Runs one tool for one run and reports every transition to the control plane. */
export class TraceService {
  constructor(
    private readonly config: Pick<WorkerConfig, 'hostName' | 'maxDurationSec' | 'eventBudgetCaps'>,
    private readonly host: CapabilityRepository,
    private readonly runners: ToolRunnerRepository,
    private readonly reports: RunReportRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Never throws for a run that was reported: a failed run is a reported outcome, not a retry.
   * Throws {@link UnrecoverableError} only when the failure report itself could not be sent.
   *
   * `signal` aborted with {@link RunCancelledError} ends the run `cancelled`, keeping what the probes
   * saw if they were attached (a partial result is more useful than none); with {@link RunStoppedError}
   * the trace window simply ended early: the run `succeeded` with what the probes saw (`cancelled` if
   * they never attached: there is no observation to report). Any other abort (shutdown) ends it `failed`.
   *
   * `recordAttached` is awaited once the probes are attached and before `running` is reported, so a run
   * reported `running` is always one its queue knows must never be run again (see lost-run.ts).
   */
  async execute(payload: TraceJobPayload, signal: AbortSignal, recordAttached: () => Promise<void> = async () => {}): Promise<void> {
    const { runId } = payload;
    let attached = false;
    try {
      if (signal.aborted) {
        // Cancelled while it waited in the queue: nothing is loaded, nothing to report but the outcome.
        await this.reports.send(this.abortedMessage(runId, signal));
        return;
      }
      const runner = await this.prepare(payload);
      const output = await runner({
        params: payload.params,
        durationMs: payload.durationSec * 1000,
        signal,
        onAttached: () => {
          attached = true;
          void this.reportRunning(runId, recordAttached);
        },
      });
      if (signal.aborted) {
        await this.reports.send(this.abortedMessage(runId, signal, output, attached));
        return;
      }
      await this.reports.send({ type: 'succeeded', runId, at: now(), result: output.result, stats: output.stats });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (signal.reason instanceof RunCancelledError || signal.reason instanceof RunStoppedError) {
        // The runner gave up on the abort instead of returning what it had: cancelled, without a result.
        this.logger.info(`run ${runId} (${payload.tool}) cancelled; the runner returned no result: ${message}`);
        await this.reports.send(this.abortedMessage(runId, signal));
        return;
      }
      this.logger.warn(`run ${runId} (${payload.tool}) failed: ${message}`);
      await this.reports.send({ type: 'failed', runId, at: now(), error: message });
    }
  }

  private async reportRunning(runId: string, recordAttached: () => Promise<void>): Promise<void> {
    try {
      await recordAttached();
    } catch (error) {
      this.logger.warn(`run ${runId}: could not record the attach on its queue job (were this agent lost now, the run would be run again): ${(error as Error).message}`);
    }
    try {
      await this.reports.send({ type: 'running', runId, at: now() });
    } catch (error) {
      this.logger.warn(`run ${runId}: could not report running: ${(error as Error).message}`);
    }
  }

  private abortedMessage(runId: string, signal: AbortSignal, output?: ToolRunOutput, attached = false): RunMessage {
    // A budget the runner hit first stays the reason; otherwise the request that ended the window is.
    if (output && signal.reason instanceof RunStoppedError) output.stats.stopReason ??= 'stop';
    if (output && signal.reason instanceof RunCancelledError) output.stats.stopReason ??= 'cancel';
    if (signal.reason instanceof RunStoppedError && output && attached) {
      return { type: 'succeeded', runId, at: now(), result: output.result, stats: output.stats };
    }
    if (signal.reason instanceof RunCancelledError || signal.reason instanceof RunStoppedError) {
      const message: RunMessage = { type: 'cancelled', runId, at: now() };
      // Before attaching, a runner's "result" is an empty placeholder, not an observation.
      if (output && attached) message.result = output.result;
      if (output) message.stats = output.stats;
      return message;
    }
    return { type: 'failed', runId, at: now(), error: abortReason(signal), ...(output ? { stats: output.stats } : {}) };
  }

  /** Rechecks what the API checked: the agent must not trust its queue blindly. */
  private async prepare(payload: TraceJobPayload) {
    const { TOOL_CATALOG, validateParams, budgetProblems } = await loadCatalog();
    const tool = TOOL_CATALOG.get(payload.tool);
    if (!tool) throw new UnrecoverableError(`unknown tool "${payload.tool}"`);
    const { durationSec } = payload;
    if (!Number.isInteger(durationSec) || durationSec < 1 || durationSec > this.config.maxDurationSec) {
      throw new UnrecoverableError(`durationSec must be an integer from 1 to ${this.config.maxDurationSec}, got ${JSON.stringify(durationSec)}`);
    }
    const errors = [...validateParams(tool, payload.params), ...budgetProblems(tool, payload.params, this.config.eventBudgetCaps)];
    if (errors.length) {
      throw new UnrecoverableError(`invalid params: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    }
    const missing = tool.requires(payload.params).filter((capability) => !this.host.capabilities[capability]);
    if (missing.length) {
      throw new UnrecoverableError(
        `host ${this.config.hostName} lacks ${missing.join(', ')}, which ${tool.name} needs`,
      );
    }
    const runner = await this.runners.get(tool.name);
    if (!runner) throw new UnrecoverableError(`this agent has no runner for ${tool.name}`);
    return runner;
  }
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
}
