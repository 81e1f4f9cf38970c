/**
 * Sections 8–10: how the fleet side scales. One throwaway Redis + Postgres, the real API in this process, the real
 * agent (dist/apps/worker) as host `agent-0`, and a fleet grown around it: 1 agent, then 49 more agents with the
 * real tool runners in one process (50), then those replaced by simulated agents in two processes (1,000 by default).
 * Every figure comes from timestamps taken where things happen (see dispatch.ts), never from a client polling.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { quantile } from 'simple-statistics';
import { agentHeartbeatKey } from '../libs/contracts/src/index.js';
import type { AgentCredential } from '../apps/api/src/repositories/agent-credential.repository.js';
import { dispatchGoal, dispatchSamples, dispatchTable, type DispatchColumn, type DispatchContext } from './dispatch.js';
import { epochMs, startFleetApi, type FleetApi } from './fleet-api.js';
import { clientGroups, commandCalls, info, keysMemory, redisCpuSec } from './fleet-redis.js';
import { RunEvents, TraceQueues } from './fleet-runs.js';
import { startServices } from './fleet-services.js';
import type { AgentMarks, SimAgentsSpec } from './sim-agent.js';
import { fmt, fmtInt, log, median, ROOT, sh, sleep, startUntil, stop, table, type Started } from './lib.js';

const AGENT = join(ROOT, 'dist/apps/worker/src/main.js');
const SIM_AGENT = join(ROOT, 'dist/bench/sim-agent.js');
const PREFIX = 'bpfleet';
const REAL_AGENT = 'agent-0';
/** Simulated agents started at once in their process. */
const SIM_START_BATCH = 50;
/** The agents' heartbeat period (their default, BPFLEET_HEARTBEAT_SEC=5). */
const HEARTBEAT_SEC = 5;

export interface FleetOptions {
  /** Sweeps per fleet size. */
  runs: number;
  /** Dispatches measured per fleet size (after 3 not counted). */
  dispatches: number;
  /** Agents in the large fleet (the real one included). */
  fleet: number;
  /** Length of the idle window over which Redis' and the API's heartbeat load is measured, in seconds. */
  windowSec: number;
}

const p99 = (values: number[]) => (values.length ? quantile(values, 0.99) : NaN);
const mb = (bytes: number) => bytes / 2 ** 20;

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSec(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** The marks the bench's agent processes print (sim-agent.ts), by run id, read from their output as it grows. */
function marksReader(children: Started[]): (runId: string) => AgentMarks | undefined {
  const read = new Map<Started, number>();
  const byRun = new Map<string, AgentMarks>();
  return (runId) => {
    for (const child of children) {
      for (let i = read.get(child) ?? 0; i < child.lines.length; i++) {
        const line = child.lines[i]!;
        if (line.startsWith('marks ')) {
          const marks = JSON.parse(line.slice('marks '.length)) as AgentMarks;
          byRun.set(marks.runId, marks);
        }
      }
      read.set(child, child.lines.length);
    }
    return byRun.get(runId);
  };
}

/** Writes `content` into `dir` as a file only its owner reads (agents refuse others), returning its path. */
function secretFile(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return file;
}

function startRealAgent(secrets: string, redisUrl: string, credentials: AgentCredential, labels: string): Promise<Started> {
  return startUntil('node', [AGENT], /consuming trace-host/, {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      BPFLEET_HOST_NAME: REAL_AGENT,
      BPFLEET_QUEUE_PREFIX: PREFIX,
      BPFLEET_LABELS: labels,
      BPFLEET_AGENT_CREDENTIALS_FILE: secretFile(secrets, `${REAL_AGENT}.json`, credentials),
      LOG_LEVEL: 'info',
    },
  });
}

function startSimAgents(secrets: string, spec: SimAgentsSpec): Promise<Started> {
  const file = secretFile(secrets, `sim-${spec.credentials[0]?.host}.json`, spec);
  return startUntil('node', [SIM_AGENT], /^ready /, { env: { ...process.env, SIM_AGENTS_FILE: file } }, 600_000);
}

interface SweepFigures {
  /** ms from POST to its answer. */
  answered: number;
  /** ms after the POST at which each run attached (startedAt). */
  started: number[];
  /** ms from each run's end of duration (startedAt + durationSec) to its result written in Postgres. */
  late: number[];
  /** The parts of `late`: to the agent's report added to `trace-results`, to the API taking it, to Postgres' write. */
  reported: number[];
  taken: number[];
  stored: number[];
  queued: number;
  skipped: number;
  notSucceeded: string[];
  /** The create's own steps (ms): host selection with the heartbeat sync, insert, enqueue. */
  select: number;
  insert: number;
  enqueue: number;
}

/** One job over `target` (selector or all) with `durationSec`, waited for until every queued run has ended. */
async function sweep(api: FleetApi, events: RunEvents, queues: TraceQueues, target: Record<string, unknown>, durationSec: number): Promise<SweepFigures> {
  const post = epochMs();
  const created = await api.request('POST', '/v1/jobs', { tool: 'syscount', durationSec, ...target });
  const answered = epochMs() - post;
  if (created.status !== 201) throw new Error(`sweep POST: ${created.status} ${JSON.stringify(created.body)}`);
  const runs: { id: string; status: string }[] = created.body.runs;
  const queued = runs.filter((r) => r.status === 'queued').map((r) => r.id);
  await events.waitForAll(queued, ['succeeded', 'failed', 'cancelled', 'expired'], durationSec * 1000 + 120_000);
  const job = (await api.request('GET', `/v1/jobs/${created.body.id}`)).body;
  const figures: SweepFigures = { answered, started: [], late: [], reported: [], taken: [], stored: [], queued: queued.length, skipped: runs.length - queued.length, notSucceeded: [], select: 0, insert: 0, enqueue: 0 };
  for (const run of job.runs as { id: string; host: string; status: string; startedAt: string | null; error: string | null }[]) {
    if (run.status === 'skipped') continue;
    if (run.status !== 'succeeded') {
      figures.notSucceeded.push(`${run.host}: ${run.status} ${run.error ?? ''}`);
      continue;
    }
    const startedAt = Date.parse(run.startedAt!);
    const due = startedAt + durationSec * 1000;
    const stored = events.at(run.id, 'succeeded')!;
    figures.started.push(startedAt - post);
    figures.late.push(stored - due);
    const report = await queues.reportTimes(run.host, run.id, 'succeeded');
    if (report) {
      figures.reported.push(report.added - due);
      figures.taken.push(report.taken - report.added);
      figures.stored.push(stored - report.taken);
    }
  }
  const marks = api.creates.get(created.body.id)!;
  figures.select = marks.hostsEnd! - marks.hostsStart!;
  figures.insert = marks.insertEnd! - marks.insertStart!;
  figures.enqueue = marks.enqueueEnd! - marks.enqueueStart!;
  return figures;
}

function sweepRows(label: string, sweeps: SweepFigures[]): (string | number)[][] {
  const late = sweeps.flatMap((s) => s.late);
  const started = sweeps.flatMap((s) => s.started);
  const notSucceeded = sweeps.flatMap((s) => s.notSucceeded);
  return [
    [`${label}: runs per sweep (queued / skipped)`, `${sweeps[0]?.queued ?? 0} / ${sweeps[0]?.skipped ?? 0}`, ''],
    [`${label}: POST answered`, fmt(median(sweeps.map((s) => s.answered)), 1), fmt(Math.max(...sweeps.map((s) => s.answered)), 1)],
    ['  ↳ host selection (every heartbeat read from Redis, the hosts SELECTed)', fmt(median(sweeps.map((s) => s.select)), 1), fmt(Math.max(...sweeps.map((s) => s.select)), 1)],
    ['  ↳ job + runs inserted', fmt(median(sweeps.map((s) => s.insert)), 1), fmt(Math.max(...sweeps.map((s) => s.insert)), 1)],
    ['  ↳ every run enqueued (BullMQ add per host queue)', fmt(median(sweeps.map((s) => s.enqueue)), 1), fmt(Math.max(...sweeps.map((s) => s.enqueue)), 1)],
    [`${label}: POST → run attached (startedAt), over every run`, fmt(median(started), 1), fmt(Math.max(...started), 1)],
    [`**${label}: end of duration → result written in Postgres**, over every run`, `**${fmt(median(late), 1)}**`, `**${fmt(Math.max(...late), 1)}**`],
    ...(
      [
        ['  ↳ end of duration → the agent added its report (detach, result, BullMQ add)', sweeps.flatMap((s) => s.reported)],
        ['  ↳ report added → taken by the API results worker (its queue wait)', sweeps.flatMap((s) => s.taken)],
        ['  ↳ taken → result written in Postgres', sweeps.flatMap((s) => s.stored)],
      ] as const
    ).map(([what, values]) => [what, fmt(median(values), 1), fmt(Math.max(...values), 1)]),
    [`${label}: runs not succeeded`, String(notSucceeded.length), notSucceeded.slice(0, 3).join('; ')],
  ];
}

interface LoadWindow {
  seconds: number;
  commands: { name: string; perSec: number; usecPerCall: number }[];
  totalPerSec: number;
  redisCpu: number;
  netInPerSec: number;
  syncs: { total: number; read: number; write: number; rows: number }[];
  syncHosts: number;
  processCpu: { what: string; cpu: number }[];
}

/** Redis' commands and CPU, the API's heartbeat syncs and the processes' CPU over `seconds` of an idle fleet. */
async function loadWindow(redis: Redis, api: FleetApi, seconds: number, processes: { what: string; pid: number }[]): Promise<LoadWindow> {
  const [calls0, cpu0, stats0] = [await commandCalls(redis), await redisCpuSec(redis), await info(redis, 'stats')];
  const proc0 = processes.map((p) => cpuSec(p.pid));
  const self0 = process.cpuUsage();
  const t0 = epochMs();
  await sleep(seconds * 1000);
  const t1 = epochMs();
  const [calls1, cpu1, stats1] = [await commandCalls(redis), await redisCpuSec(redis), await info(redis, 'stats')];
  const self = process.cpuUsage(self0);
  const secs = (t1 - t0) / 1000;
  const commands = [...calls1]
    .map(([name, c]) => {
      const before = calls0.get(name) ?? { calls: 0, usec: 0 };
      const calls = c.calls - before.calls;
      return { name, perSec: calls / secs, usecPerCall: calls ? (c.usec - before.usec) / calls : 0 };
    })
    .filter((c) => c.perSec > 0)
    .sort((a, b) => b.perSec - a.perSec);
  const syncs = api.syncs
    .filter((s) => s.start >= t0 && s.end !== undefined && s.end <= t1)
    .map((s) => ({ total: s.end! - s.start, read: s.readMs ?? NaN, write: s.writeMs, rows: s.rows }));
  return {
    seconds: secs,
    commands,
    totalPerSec: (Number(stats1.total_commands_processed) - Number(stats0.total_commands_processed)) / secs,
    redisCpu: (cpu1 - cpu0) / secs,
    netInPerSec: (Number(stats1.total_net_input_bytes) - Number(stats0.total_net_input_bytes)) / secs,
    syncs,
    syncHosts: median(api.syncs.filter((s) => s.start >= t0 && s.start <= t1).map((s) => s.hosts)),
    processCpu: [
      ...processes.map((p, i) => ({ what: p.what, cpu: (cpuSec(p.pid) - proc0[i]!) / secs })),
      { what: 'the API (in the bench process, whose driver sleeps meanwhile)', cpu: (self.user + self.system) / 1e6 / secs },
    ],
  };
}

interface MemorySnapshot {
  used: number;
  /** used_memory_dataset: the keys' share, without client buffers and Redis' own overhead. */
  dataset: number;
  rss: number;
  clients: number;
  connected: number;
  keys: number;
}

async function memorySnapshot(redis: Redis): Promise<MemorySnapshot> {
  const [memory, clients, keyspace] = [await info(redis, 'memory'), await info(redis, 'clients'), await redis.dbsize()];
  return {
    used: Number(memory.used_memory),
    dataset: Number(memory.used_memory_dataset),
    rss: Number(memory.used_memory_rss),
    clients: Number(memory.mem_clients_normal),
    connected: Number(clients.connected_clients),
    keys: keyspace,
  };
}

/** Sections 8 (dispatch latency), 9 (a 50-agent sweep) and 10 (1,000 agents against one Redis). */
export async function benchFleet(opts: FleetOptions): Promise<string> {
  // Whatever fails, everything started so far is stopped, in reverse order.
  const started = new AsyncDisposableStack();
  try {
    const services = await startServices();
    started.defer(() => services.close());
    const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
    started.defer(() => redis.disconnect());
    const api = await startFleetApi(services, PREFIX);
    started.defer(() => api.close());
    const events = new RunEvents();
    started.defer(() => events.close());
    await events.start(services.databaseUrl);
    const queues = new TraceQueues(redis, PREFIX);
    started.defer(() => queues.close());
    const { AgentCredentialRepository } = await import('../apps/api/src/repositories/agent-credential.repository.js');
    const provisioner = new AgentCredentialRepository({ redisUrl: services.redisUrl, queuePrefix: PREFIX });
    started.defer(() => provisioner.onApplicationShutdown());
    // The agents' credentials (mode 0600 files, as agents require them).
    const secrets = mkdtempSync(join(tmpdir(), 'bpfleet-fleet-agents-'));
    started.defer(() => rmSync(secrets, { recursive: true, force: true }));
    const children: Started[] = [];
    started.defer(async () => {
      for (const child of [...children].reverse()) await stop(child.child, 'SIGTERM');
    });
    const ctx: DispatchContext = { api, events, queues, agentMarks: marksReader(children) };
    // As an operator does for every host (agent-credentials provision): its Redis ACL user and signing key.
    const provision = async (hosts: string[]) => {
      const made: AgentCredential[] = [];
      for (const host of hosts) made.push(await provisioner.provision(host));
      return made;
    };

    const bare = await memorySnapshot(redis);

    log('fleet: 1 agent (the real agent process)');
    const [agentCredentials] = await provision([REAL_AGENT]);
    const agent = await startRealAgent(secrets, services.redisUrl, agentCredentials!, 'sweep=real');
    children.push(agent);
    for (let i = 0; i < 50 && !(await redis.exists(agentHeartbeatKey(PREFIX, REAL_AGENT))); i++) await sleep(100);
    const oneAgent = await memorySnapshot(redis);
    const one: DispatchColumn = { label: '1 agent', samples: await dispatchSamples(ctx, REAL_AGENT, opts.dispatches) };

    log('fleet: 50 agents (49 more in one process, real tool runners)');
    const realNames = Array.from({ length: 49 }, (_, i) => `real-${String(i + 1).padStart(3, '0')}`);
    const realSims = await startSimAgents(secrets, { redisUrl: services.redisUrl, prefix: PREFIX, credentials: await provision(realNames), mode: 'real', labels: { sweep: 'real' }, startBatch: SIM_START_BATCH });
    children.push(realSims);
    const fifty: DispatchColumn = { label: '50 agents', samples: await dispatchSamples(ctx, REAL_AGENT, opts.dispatches) };
    // Each in-process agent's first run pays its module loads: one not counted, as for agent-0, then one counted each.
    const inProcess = realNames.slice(0, Math.min(opts.dispatches, realNames.length));
    for (const name of inProcess) await dispatchSamples(ctx, name, 0, 1);
    const fiftyInProcess: DispatchColumn = { label: '50 agents, to in-process agents', samples: [] };
    while (fiftyInProcess.samples.length < opts.dispatches) {
      for (const name of inProcess.slice(0, opts.dispatches - fiftyInProcess.samples.length)) fiftyInProcess.samples.push(...(await dispatchSamples(ctx, name, 1, 0)));
    }
    const sweeps50 = [];
    for (let r = 0; r < opts.runs; r++) {
      log(`fleet: sweep of a 1 s syscount over 50 agents, ${r + 1}/${opts.runs}`);
      sweeps50.push(await sweep(api, events, queues, { selector: { labels: { sweep: 'real' } } }, 1));
      await sleep(1000);
    }
    await stop(realSims.child, 'SIGTERM');

    const simCount = opts.fleet - 1;
    log(`fleet: ${opts.fleet} agents (${simCount} simulated in two processes)`);
    const beforeSims = await memorySnapshot(redis);
    const names = Array.from({ length: simCount }, (_, i) => `sim-${String(i + 1).padStart(4, '0')}`);
    const half = Math.ceil(names.length / 2);
    const sims = [];
    for (const part of [names.slice(0, half), names.slice(half)]) {
      const sim = await startSimAgents(secrets, { redisUrl: services.redisUrl, prefix: PREFIX, credentials: await provision(part), mode: 'fake', labels: { sim: 'fake' }, startBatch: SIM_START_BATCH });
      children.push(sim);
      sims.push(sim);
    }
    // Two heartbeat periods: every agent has beaten at its own phase, the stopped 49 are past hostOfflineSec soon.
    await sleep(2 * HEARTBEAT_SEC * 1000);
    const idleFleet = await memorySnapshot(redis);
    const groups = await clientGroups(redis);
    const oneQueue = await keysMemory(redis, `${PREFIX}:trace-host-${names[0]}:*`);
    const oneAgentKeys = await keysMemory(redis, `${PREFIX}:agent:${names[0]}:*`);
    log(`fleet: idle load over ${opts.windowSec} s`);
    const load = await loadWindow(redis, api, opts.windowSec, [
      { what: `${half} simulated agents (one process)`, pid: sims[0]!.child.pid! },
      { what: `${simCount - half} simulated agents (one process)`, pid: sims[1]!.child.pid! },
      { what: 'the real agent, idle', pid: agent.child.pid! },
      { what: 'redis-server', pid: services.redisPid },
    ]);
    const simRss = sims.map((s) => rssMb(s.child.pid!));

    const large: DispatchColumn = { label: `${fmtInt(opts.fleet)} agents`, samples: await dispatchSamples(ctx, REAL_AGENT, opts.dispatches) };
    const fakeTargets = names.slice(0, opts.dispatches);
    const fakeSamples = [];
    for (const name of fakeTargets) fakeSamples.push(...(await dispatchSamples(ctx, name, 1, 0)));
    const largeFake: DispatchColumn = { label: `${fmtInt(opts.fleet)} agents, to simulated agents`, samples: fakeSamples };

    const beforeSweeps = await memorySnapshot(redis);
    const [callsBefore, sweepsStart] = [await commandCalls(redis), epochMs()];
    const sweepsLarge = [];
    const largeRuns = Math.min(opts.runs, 3);
    for (let r = 0; r < largeRuns; r++) {
      log(`fleet: sweep over all ${opts.fleet} agents, ${r + 1}/${largeRuns}`);
      sweepsLarge.push(await sweep(api, events, queues, { all: true }, 1));
      await sleep(2000);
    }
    const afterSweeps = await memorySnapshot(redis);
    const sweptRuns = sweepsLarge.reduce((n, s) => n + s.queued, 0);
    const perRun = commandsPerRun(callsBefore, await commandCalls(redis), load, (epochMs() - sweepsStart) / 1000, sweptRuns);

    return [
      sectionDispatch([one, fifty, fiftyInProcess, large, largeFake], opts.fleet),
      sectionSweep(sweeps50),
      sectionLarge({ opts, simCount, half, bare, oneAgent, beforeSims, idleFleet, groups, oneQueue, oneAgentKeys, load, simRss, simStartMs: sims.map((s) => s.ms), sweepsLarge, beforeSweeps, afterSweeps, sweptRuns, perRun }),
    ].join('\n\n');
  } finally {
    await started.disposeAsync();
  }
}

function sectionDispatch(columns: DispatchColumn[], fleet: number): string {
  return [
    '## 8. Dispatch latency: POST /v1/jobs → run attached',
    '',
    'One throwaway Redis and Postgres (default settings: fsync, synchronous commit), the real API in the bench process',
    '(default timers: heartbeat sync every 2 s, reaper every 5 s) and the real agent process as `agent-0`. Each dispatch',
    'is a `syscount` job naming one host, stopped (POST …/stop) as soon as Postgres shows it running and waited for until',
    'it succeeded, so the agent is idle when the next one comes (3 dispatches to `agent-0` first, and one to each',
    'in-process agent, not counted: a first run loads the tool\'s modules). The fleet around `agent-0`: alone; with 49 more',
    'agents in one process (apps/worker\'s parts, real tool runners, each with its own Redis connection, heartbeats, cancel',
    `subscription and BullMQ worker), dispatching to \`agent-0\` and then to those in-process agents; with ${fmtInt(fleet - 1)} simulated`,
    `agents instead (the same parts, a runner that attaches at once, ${fmtInt(Math.ceil((fleet - 1) / 2))} per process), dispatching to \`agent-0\` and then`,
    'to simulated agents. Times are taken where each step happens: the API\'s own instances (wrapped by the bench),',
    'BullMQ\'s job timestamps, the run\'s `startedAt` (stamped by the agent, after it recorded the attach on the BullMQ',
    'job), the agents of the bench\'s processes (wrapped likewise) and a Postgres trigger (clock_timestamp() of the write);',
    'one host, one clock. `startedAt` and BullMQ\'s timestamps are whole milliseconds. Steps overlap where the API and',
    'the agent work at once (the agent takes the run before the API has its answer from Redis).',
    '',
    dispatchTable(columns),
    '',
    `Goal (POST → attached, p50 ≤ 15 ms, p99 ≤ 60 ms): ${columns.map(dispatchGoal).join('; ')}.`,
  ].join('\n');
}

function sectionSweep(sweeps: SweepFigures[]): string {
  const late = sweeps.flatMap((s) => s.late);
  const worst = Math.max(...late);
  return [
    '## 9. A sweep: 1 s of syscount on 50 agents',
    '',
    `POST /v1/jobs \`{ tool: "syscount", durationSec: 1, selector: { labels: { sweep: "real" } } }\` over the 50 agents of`,
    'section 8 (the real agent process and 49 agents in one process, real BPF: 50 syscount programs on one kernel at',
    `once), ${sweeps.length} times. Per run: "late" = when Postgres wrote its result − (its startedAt + 1 s): detach, result,`,
    'report, ingest; split with the BullMQ timestamps of the run\'s `succeeded` report. The agent stamps startedAt after it',
    'recorded the attach on the BullMQ job, so on a busy agent process the trace window started a little before startedAt',
    'and the first part can be negative. Median and maximum over every run of every sweep (ms):',
    '',
    table(['what', 'median ms', 'max ms'], sweepRows('50 agents', sweeps)),
    '',
    `Goal: every result stored ≤ 3 s after the duration ends — **${worst <= 3000 ? 'met' : 'missed'}** (worst ${fmt(worst, 0)} ms over ${late.length} runs).`,
  ].join('\n');
}

interface LargeFigures {
  opts: FleetOptions;
  simCount: number;
  half: number;
  bare: MemorySnapshot;
  oneAgent: MemorySnapshot;
  beforeSims: MemorySnapshot;
  idleFleet: MemorySnapshot;
  groups: { what: string; count: number }[];
  oneQueue: { keys: number; bytes: number };
  oneAgentKeys: { keys: number; bytes: number };
  load: LoadWindow;
  simRss: number[];
  simStartMs: number[];
  sweepsLarge: SweepFigures[];
  beforeSweeps: MemorySnapshot;
  afterSweeps: MemorySnapshot;
  sweptRuns: number;
  perRun: { commands: number; scripts: number };
}

/**
 * Redis commands (and Lua scripts) per swept run: the calls counted over the sweeps, minus what the idle fleet does in
 * that time (the load window's rates), divided by the runs.
 */
function commandsPerRun(
  before: Map<string, { calls: number }>,
  after: Map<string, { calls: number }>,
  idle: LoadWindow,
  seconds: number,
  runs: number,
): { commands: number; scripts: number } {
  const delta = (name?: string) =>
    [...after].filter(([n]) => !name || n === name).reduce((sum, [n, c]) => sum + c.calls - (before.get(n)?.calls ?? 0), 0);
  const idleScripts = idle.commands.find((c) => c.name === 'evalsha')?.perSec ?? 0;
  return {
    commands: (delta() - idle.totalPerSec * seconds) / runs,
    scripts: (delta('evalsha') - idleScripts * seconds) / runs,
  };
}

function sectionLarge(f: LargeFigures): string {
  const n = f.opts.fleet;
  const perAgent = (f.idleFleet.used - f.beforeSims.used) / f.simCount;
  const perAgentClients = (f.idleFleet.clients - f.beforeSims.clients) / f.simCount;
  const connsPerAgent = (f.idleFleet.connected - f.bare.connected) / n;
  const syncTotal = f.load.syncs.map((s) => s.total);
  const memRows = [
    ['connected clients: API alone / + the real agent / whole fleet', `${f.bare.connected} / ${f.oneAgent.connected} / ${fmtInt(f.idleFleet.connected)}`],
    ['connections per agent ((fleet − API alone) / agents)', fmt(connsPerAgent, 2)],
    ['used_memory before the simulated agents → with them idle (MB)', `${fmt(mb(f.beforeSims.used), 1)} → ${fmt(mb(f.idleFleet.used), 1)}`],
    ['  ↳ per idle agent (KB): all of it', fmt(perAgent / 1024, 1)],
    ['  ↳ per idle agent (KB): its connections\' buffers (mem_clients_normal)', fmt(perAgentClients / 1024, 1)],
    [`  ↳ per idle agent (KB): its queue's keys (${f.oneQueue.keys}) and its own keys (${f.oneAgentKeys.keys}: heartbeat, incarnation), MEMORY USAGE`, fmt((f.oneQueue.bytes + f.oneAgentKeys.bytes) / 1024, 1)],
    ['  ↳ the rest: its Redis ACL user, Redis\' bookkeeping of its connections', fmt((perAgent - perAgentClients - (f.oneQueue.bytes + f.oneAgentKeys.bytes)) / 1024, 1)],
    ['used_memory_rss of redis-server, idle fleet (MB)', fmt(mb(f.idleFleet.rss), 1)],
    ['keys: API alone → idle fleet', `${fmtInt(f.bare.keys)} → ${fmtInt(f.idleFleet.keys)}`],
    [`Redis commands per swept run (the idle fleet's rate taken out; Lua scripts counted once, their commands too)`, `${fmt(f.perRun.commands, 0)}, of which ${fmt(f.perRun.scripts, 1)} scripts`],
    [`kept per run after ${fmtInt(f.sweptRuns)} swept runs (used_memory_dataset: job hash, events, report messages; KB)`, fmt((f.afterSweeps.dataset - f.beforeSweeps.dataset) / f.sweptRuns / 1024, 2)],
  ];
  const loadRows = [
    ['Redis commands/s, all', fmtInt(f.load.totalPerSec), fmt((f.load.totalPerSec / n), 2)],
    ...f.load.commands.slice(0, 8).map((c) => [`  ↳ ${c.name} (${fmt(c.usecPerCall, 1)} µs each)`, fmt(c.perSec, 1), fmt(c.perSec / n, 3)]),
    ['Redis CPU (share of one core)', `${fmt(f.load.redisCpu * 100, 1)} %`, ''],
    ['Redis network in (KB/s)', fmt(f.load.netInPerSec / 1024, 1), fmt(f.load.netInPerSec / n, 0) + ' B/s'],
    ...f.load.processCpu.map((p) => [`CPU of ${p.what}`, `${fmt(p.cpu * 100, 1)} %`, '']),
    [`API heartbeat sync of ${fmtInt(f.load.syncHosts)} heartbeats (every 2 s), p50 / p99 ms`, `${fmt(median(syncTotal), 1)} / ${fmt(p99(syncTotal), 1)}`, ''],
    ['  ↳ reading every heartbeat / Postgres writes, p50 ms', `${fmt(median(f.load.syncs.map((s) => s.read)), 1)} / ${fmt(median(f.load.syncs.map((s) => s.write)), 1)}`, ''],
    ['  ↳ host rows written per sync, p50 (a host is written when its heartbeat changed since the last write)', fmt(median(f.load.syncs.map((s) => s.rows)), 0), ''],
    ['RSS of the simulated agents\' processes (MB each; per agent)', f.simRss.map((r) => fmt(r, 0)).join(', '), fmt(f.simRss.reduce((a, b) => a + b, 0) / f.simCount, 2)],
    [`start-up of a process of simulated agents (connect, first heartbeat, worker; ${SIM_START_BATCH} at a time), s each`, f.simStartMs.map((ms) => fmt(ms / 1000, 1)).join(', '), ''],
  ];
  return [
    `## 10. ${fmtInt(n)} agents against one Redis`,
    '',
    `The real agent and ${fmtInt(f.simCount)} simulated agents in two processes (${f.half} and ${f.simCount - f.half}), each simulated agent`,
    'built from apps/worker\'s parts as the real one is (its own Redis connection for commands and reports, a BullMQ',
    'worker on `trace-host-<name>` with its blocking connection, the cancel subscription, heartbeats every 5 s); only',
    'its tool runner is fake (attaches at once, reports a one-row result). The 49 agents of section 8 were stopped before',
    `(their hosts stay known, offline). ulimit -n ${sh('ulimit -n')}; redis-server --maxclients 20000; 2 cores share Redis, Postgres,`,
    'the API and every agent.',
    '',
    '**Connections and memory** (INFO clients/memory, CLIENT LIST, MEMORY USAGE):',
    '',
    table(['what', 'value'], memRows),
    '',
    'Connections by kind (CLIENT LIST):',
    '',
    table(['kind', 'count'], f.groups.map((g) => [g.what, fmtInt(g.count)])),
    '',
    `**Heartbeat load** of the idle fleet over ${fmt(f.load.seconds, 0)} s (INFO commandstats and cpu deltas; /proc for the processes):`,
    '',
    table(['what', 'total', 'per agent'], loadRows),
    '',
    `Dispatch latency with ${fmtInt(n)} agents: section 8, last two columns.`,
    '',
    `**Sweep to all** (\`all: true\`, 1 s syscount; the simulated agents' runs are fake, the real agent's is real; the 49`,
    `stopped agents are skipped as offline), ${f.sweepsLarge.length} times, as in section 9:`,
    '',
    table(['what', 'median ms', 'max ms'], sweepRows(`${fmtInt(n)} agents`, f.sweepsLarge)),
  ].join('\n');
}
