/**
 * Several agents in one process, for the fleet sections (8–10): each is assembled from apps/worker's own parts as
 * apps/worker/src/agent.ts assembles one, with its own credential (Redis ACL user, signing key), Redis connection,
 * heartbeats, incarnation, cancel subscription and BullMQ worker on `trace-host-<name>`. Two parts are shared by the
 * agents of the process: the capability probe (one kernel; probing it once per agent only slows start-up) and, in
 * `fake` mode, the tool runners.
 *   SIM_AGENTS_FILE=spec.json node dist/bench/sim-agent.js      (a {@link SimAgentsSpec}, mode 0600: it holds secrets)
 * `real`: the catalog's runners (libbpf, real BPF programs). `fake`: every run attaches at once, lasts its duration
 * (or until stopped) and reports a one-row counts result, so a thousand of them fit on two cores.
 * Prints `ready <n>` once every agent has sent its first heartbeat and consumes its queue, then one `marks <json>` line
 * per run once it reported `running` (see {@link AgentMarks}); SIGTERM shuts them all down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { CancelRepository } from '../apps/worker/src/cancel.repository.js';
import { CancelService } from '../apps/worker/src/cancel.service.js';
import { CapabilityRepository } from '../apps/worker/src/capability.repository.js';
import { loadWorkerConfig, type WorkerConfig } from '../apps/worker/src/config.js';
import type { AgentCredentials } from '../apps/worker/src/credentials.js';
import { HeartbeatRepository } from '../apps/worker/src/heartbeat.repository.js';
import { HeartbeatService } from '../apps/worker/src/heartbeat.service.js';
import { IncarnationRepository } from '../apps/worker/src/incarnation.repository.js';
import { IncarnationService } from '../apps/worker/src/incarnation.service.js';
import { loggerFor, type Logger } from '../apps/worker/src/logger.js';
import { MessageSigner } from '../apps/worker/src/message-signer.js';
import { RedisConnection } from '../apps/worker/src/redis.connection.js';
import { RunReportRepository } from '../apps/worker/src/run-report.repository.js';
import { ToolRunnerRepository } from '../apps/worker/src/tool-runner.repository.js';
import { TraceProcessor } from '../apps/worker/src/trace.processor.js';
import { TraceService } from '../apps/worker/src/trace.service.js';
import type { ToolRunContext, ToolRunOutput, ToolRunner } from '../libs/tools/src/definition.js';

export interface SimAgentsSpec {
  redisUrl: string;
  prefix: string;
  /** One per agent, as `agent-credentials provision` makes them: the agent's host name is its credential's. */
  credentials: AgentCredentials[];
  mode: 'real' | 'fake';
  labels?: Record<string, string>;
  /** BPFLEET_HEARTBEAT_SEC of every agent (default 5, the agent's default). */
  heartbeatSec?: number;
  /** Agents started at once: a thousand connecting together would only measure the kernel's accept queue. */
  startBatch: number;
}

/**
 * When an agent went through the steps of a run's start (epoch ms): the cancel-key check (CancelService.begin),
 * TraceService.execute, the runner called and its onAttached, the attach recorded on the BullMQ job
 * (recordAttached: updateProgress), and the `running` report sent (its `at` is stamped as the send starts).
 */
export interface AgentMarks {
  runId: string;
  checkStart?: number;
  checkEnd?: number;
  execute?: number;
  runnerStart?: number;
  attached?: number;
  progressStart?: number;
  progressEnd?: number;
  sendStart?: number;
  sendEnd?: number;
}

const epochMs = () => performance.timeOrigin + performance.now();
const current = new AsyncLocalStorage<AgentMarks>();
const marksOf = new Map<string, AgentMarks>();
const marks = (runId: string) => {
  let m = marksOf.get(runId);
  if (!m) marksOf.set(runId, (m = { runId }));
  return m;
};

/** Times the runner of every run (the bench wraps the agent's instances; the agent carries no timing code). */
class TimedRunners implements Pick<ToolRunnerRepository, 'get'> {
  constructor(private readonly inner: Pick<ToolRunnerRepository, 'get'>) {}

  async get(tool: string): Promise<ToolRunner | undefined> {
    const runner = await this.inner.get(tool);
    return (
      runner &&
      ((ctx) => {
        const m = current.getStore();
        if (m) m.runnerStart = epochMs();
        return runner({ ...ctx, onAttached: () => ((m && (m.attached = epochMs())), ctx.onAttached()) });
      })
    );
  }
}

/** A run that observes nothing: attached at once, over after its duration or when aborted, one counts row. */
class FakeToolRunners implements Pick<ToolRunnerRepository, 'get'> {
  async get(): Promise<ToolRunner> {
    return async ({ durationMs, signal, onAttached }: ToolRunContext<unknown>): Promise<ToolRunOutput> => {
      const start = performance.now();
      onAttached();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, durationMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      return {
        result: { kind: 'counts', keys: ['syscall'], rows: [{ syscall: 'read', count: 1 }], total: 1 },
        stats: { loadMs: 0, attachMs: 0, tracedMs: Math.round(performance.now() - start) },
      };
    };
  }
}

class SimAgent {
  private readonly redis: RedisConnection;
  private readonly reports: RunReportRepository;
  private readonly heartbeat: HeartbeatService;
  private readonly cancels: CancelService;
  private readonly processor: TraceProcessor;

  constructor(config: WorkerConfig, credentials: AgentCredentials, host: CapabilityRepository, runners: ToolRunnerRepository, root: Logger) {
    this.redis = new RedisConnection(config, credentials);
    this.reports = new RunReportRepository(config, this.redis, new MessageSigner(credentials));
    this.heartbeat = new HeartbeatService(config, new HeartbeatRepository(config, this.redis), host, loggerFor(root, HeartbeatService));
    this.cancels = new CancelService(config, new CancelRepository(config, this.redis), loggerFor(root, CancelService));
    const trace = new TraceService(config, host, runners, this.reports, loggerFor(root, TraceService));
    timeRunStart(this.cancels, trace, this.reports);
    const incarnation = new IncarnationService(config, new IncarnationRepository(config, this.redis), this.reports, loggerFor(root, IncarnationService));
    this.processor = new TraceProcessor(config, trace, this.reports, this.redis, this.cancels, loggerFor(root, TraceProcessor), incarnation);
  }

  async start(): Promise<void> {
    await this.heartbeat.start();
    this.cancels.start();
    await this.processor.start();
  }

  async shutdown(): Promise<void> {
    this.processor.abortRuns();
    await this.processor.close();
    await this.cancels.stop();
    this.heartbeat.stop();
    await this.reports.close();
    await this.redis.close();
  }
}

/** Wraps the agent's own instances to record {@link AgentMarks}, printed once `running` is sent. */
function timeRunStart(cancels: CancelService, trace: TraceService, reports: RunReportRepository): void {
  const begin = cancels.begin.bind(cancels);
  cancels.begin = async (runId) => {
    const m = marks(runId);
    m.checkStart = epochMs();
    const signal = await begin(runId);
    m.checkEnd = epochMs();
    return signal;
  };
  const execute = trace.execute.bind(trace);
  trace.execute = (payload, signal, recordAttached) => {
    const m = marks(payload.runId);
    m.execute = epochMs();
    const record = async () => {
      m.progressStart = epochMs();
      await recordAttached?.();
      m.progressEnd = epochMs();
    };
    return current.run(m, () => execute(payload, signal, record)).finally(() => marksOf.delete(payload.runId));
  };
  const send = reports.send.bind(reports);
  reports.send = async (message) => {
    if (message.type !== 'running') return send(message);
    const m = marks(message.runId);
    m.sendStart = epochMs();
    await send(message);
    m.sendEnd = epochMs();
    process.stdout.write(`marks ${JSON.stringify(m)}\n`);
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.env.SIM_AGENTS_FILE ?? '', 'utf8')) as SimAgentsSpec;
  // Logs on stderr: stdout carries the `ready` line the bench waits for.
  const root = pino({ level: 'warn' }, pino.destination(2));
  const host = new CapabilityRepository({ allowCustomPrograms: false });
  const runners = new TimedRunners(spec.mode === 'real' ? new ToolRunnerRepository() : new FakeToolRunners());
  const labels = Object.entries(spec.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  const agents = spec.credentials.map((credentials) => {
    // The agent's own configuration, read as it reads its environment (defaults included).
    const config = loadWorkerConfig({
      REDIS_URL: spec.redisUrl,
      BPFLEET_HOST_NAME: credentials.host,
      BPFLEET_QUEUE_PREFIX: spec.prefix,
      BPFLEET_LABELS: labels,
      BPFLEET_HEARTBEAT_SEC: String(spec.heartbeatSec ?? 5),
      LOG_LEVEL: 'warn',
    });
    return new SimAgent(config, credentials, host, runners, root.child({ host: credentials.host }));
  });
  for (let i = 0; i < agents.length; i += spec.startBatch) await Promise.all(agents.slice(i, i + spec.startBatch).map((agent) => agent.start()));
  process.stdout.write(`ready ${agents.length}\n`);
  const stop = async () => {
    await Promise.allSettled(agents.map((agent) => agent.shutdown()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main();
