import { UnrecoverableError } from 'bullmq';
import type { RunMessage, ToolResult, TraceJobPayload } from '../../../libs/contracts/src/index.js';
import type { ToolRunOutput } from '../../../libs/tools/src/definition.js';
import { RunCancelledError, RunStoppedError } from './cancel.service.js';
import { ChunkWriter } from './chunk-writer.js';
import type { CapabilityRepository } from './capability.repository.js';
import type { WorkerConfig } from './config.js';
import type { Logger } from './logger.js';
import { markOverrun } from './overrun.js';
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
    private readonly config: Pick<WorkerConfig, 'hostName' | 'maxDurationSec' | 'eventBudgetCaps' | 'chunks'>,
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
   *
   * An events run's rows go out in chunk messages while it runs (ChunkWriter), every chunk before the run's
   * final message, which carries the totals and no rows.
   */
  async execute(payload: TraceJobPayload, signal: AbortSignal, recordAttached: () => Promise<void> = async () => {}): Promise<void> {
    const { runId } = payload;
    let attached = false;
    const writer = new ChunkWriter(runId, (chunk) => this.reports.send(chunk), this.config.chunks, this.logger);
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
        rows: writer,
      });
      markOverrun(output.stats, payload.durationSec * 1000);
      await sendRows(output.result, writer);
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
    } finally {
      // A run that failed keeps the rows it sent before (they are stored, and were seen live).
      await writer.close();
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
    // A run of another host (a payload put on this queue by hand) would trace the wrong machine under its name.
    if (payload.host !== this.config.hostName) {
      throw new UnrecoverableError(`run ${payload.runId} is for host ${JSON.stringify(payload.host)}, not for this agent's host ${this.config.hostName}`);
    }
    const { TOOL_CATALOG, validateParams, budgetProblems } = await loadCatalog();
    const tool = TOOL_CATALOG.get(payload.tool);
    if (!tool) throw new UnrecoverableError(`unknown tool "${payload.tool}"`);
    const { durationSec } = payload;
    if (!Number.isInteger(durationSec) || durationSec < 1 || durationSec > this.config.maxDurationSec) {
      throw new UnrecoverableError(`durationSec must be an integer from 1 to ${this.config.maxDurationSec}, got ${JSON.stringify(durationSec)}`);
    }
    const errors = [...validateParams(tool, payload.params, { durationSec: payload.durationSec }), ...budgetProblems(tool, payload.params, this.config.eventBudgetCaps)];
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

/**
 * Sends the rows of an events result that are still to go (all of them when the runner kept them in the result)
 * and leaves the result with its totals only: `chunks` sent, `total` less the rows the writer dropped, which
 * `dropped` now counts too.
 */
async function sendRows(result: ToolResult, writer: ChunkWriter): Promise<void> {
  const totals = await writer.close(result.kind === 'events' ? result.rows : []);
  if (result.kind !== 'events') return;
  result.rows = [];
  result.total -= totals.dropped;
  result.dropped += totals.dropped;
  result.chunks = totals.chunks;
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
}
