/**
 * Dispatch latency: POST /v1/jobs for one named host → the run attached on its agent (the run's `startedAt`, which
 * the agent stamps) → `running` written in Postgres, with the timestamps of every step in between, taken where
 * each step happens (the API's own instances, BullMQ's job timestamps, the agent's stamp, a Postgres trigger).
 */
import { quantile } from 'simple-statistics';
import { epochMs, type FleetApi } from './fleet-api.js';
import type { RunEvents, TraceQueues } from './fleet-runs.js';
import type { AgentMarks } from './sim-agent.js';
import { fmt, median, sleep } from './lib.js';

/** One dispatch, every time in ms after the POST was sent (the client's clock = the API's: same process). */
export interface DispatchSample {
  arrived: number;
  authStart: number;
  authEnd: number;
  handler: number;
  validated: number;
  hostsStart: number;
  hostsEnd: number;
  /** Inside the host lookup: heartbeats read from Redis, host rows read from and written to Postgres (ms). */
  heartbeatRead?: number;
  hostRead?: number;
  hostWrite?: number;
  insertStart: number;
  insertEnd: number;
  enqueueStart: number;
  enqueueEnd: number;
  answered: number;
  /** BullMQ processedOn of the run's job: the agent's worker took it (whole ms). */
  taken: number;
  /** The run's startedAt: stamped by the agent once its probes are attached (whole ms). */
  attached: number;
  /** The run's own stats: open + load, and start → attached (whole ms). */
  loadMs: number;
  attachMs: number;
  /** The API's results worker took the `running` message, and had stored it. */
  ingestTaken: number;
  ingestDone: number;
  /** Postgres wrote `running` (the bench trigger's clock_timestamp()). */
  stored: number;
  /** The agent's own steps, for agents of the bench's agent processes (sim-agent.ts); ms after the POST. */
  agent?: { [K in Exclude<keyof AgentMarks, 'runId'>]: number };
}

export interface DispatchContext {
  api: FleetApi;
  events: RunEvents;
  queues: TraceQueues;
  /** The steps an agent of the bench's agent processes recorded for a run (none for the real agent process). */
  agentMarks(runId: string): AgentMarks | undefined;
}

/**
 * Dispatches `count` jobs of `tool` to `host` one after the other, each ended by POST …/stop as soon as Postgres
 * shows it running and waited for until it succeeded, so the agent is idle when the next one comes. The first
 * `warmup` dispatches are not counted (the agent's first run of a tool loads its module and libbpf).
 */
export async function dispatchSamples(ctx: DispatchContext, host: string, count: number, warmup = 3, tool = 'syscount'): Promise<DispatchSample[]> {
  const samples: DispatchSample[] = [];
  for (let i = 0; i < count + warmup; i++) {
    const sample = await dispatchOnce(ctx, host, tool);
    if (i >= warmup) samples.push(sample);
    // Idle between dispatches, at a random phase against the API's 2 s heartbeat sync and 5 s reaper timers.
    await sleep(50 + Math.random() * 100);
  }
  return samples;
}

async function dispatchOnce({ api, events, queues, agentMarks }: DispatchContext, host: string, tool: string): Promise<DispatchSample> {
  const post = epochMs();
  const created = await api.request('POST', '/v1/jobs', { tool, durationSec: 60, hosts: [host] });
  const answered = epochMs();
  if (created.status !== 201) throw new Error(`POST /v1/jobs: ${created.status} ${JSON.stringify(created.body)}`);
  const jobId: string = created.body.id;
  const runId: string = created.body.runs[0].id;
  await events.waitFor(runId, ['running'], 15_000);
  const stopped = await api.request('POST', `/v1/jobs/${jobId}/stop`);
  if (stopped.status !== 200) throw new Error(`POST /v1/jobs/${jobId}/stop: ${stopped.status} ${JSON.stringify(stopped.body)}`);
  const final = await events.waitFor(runId, ['succeeded', 'failed', 'cancelled'], 15_000);
  const run = (await api.request('GET', `/v1/jobs/${jobId}`)).body.runs[0];
  if (final !== 'succeeded') throw new Error(`run ${runId} on ${host} ended ${final}: ${run.error}`);

  const marks = api.creates.get(jobId)!;
  const queued = await queues.times(host, runId);
  // The results worker's bookkeeping of `running` ends after Postgres announced the write (its second transaction).
  for (let i = 0; i < 100 && !api.ingests.get(`${runId} running`)?.stored; i++) await sleep(10);
  const ingest = api.ingests.get(`${runId} running`);
  const missing = [!queued && 'BullMQ job', !ingest?.stored && 'ingest of running', marks.hostsEnd === undefined && 'host lookup'].filter(Boolean);
  if (missing.length > 0) throw new Error(`run ${runId}: no timestamps of ${missing.join(', ')}`);
  const ms = (t: number) => t - post;
  const agent = agentMarks(runId);
  return {
    agent: agent && {
      checkStart: ms(agent.checkStart!),
      checkEnd: ms(agent.checkEnd!),
      execute: ms(agent.execute!),
      runnerStart: ms(agent.runnerStart!),
      attached: ms(agent.attached!),
      progressStart: ms(agent.progressStart!),
      progressEnd: ms(agent.progressEnd!),
      sendStart: ms(agent.sendStart!),
      sendEnd: ms(agent.sendEnd!),
    },
    arrived: ms(marks.arrived!),
    authStart: ms(marks.authStart!),
    authEnd: ms(marks.authEnd!),
    handler: ms(marks.handler),
    validated: ms(marks.validated!),
    hostsStart: ms(marks.hostsStart!),
    hostsEnd: ms(marks.hostsEnd!),
    heartbeatRead: marks.heartbeatReadMs,
    hostRead: marks.hostReadMs,
    hostWrite: marks.hostWriteMs ?? 0,
    insertStart: ms(marks.insertStart!),
    insertEnd: ms(marks.insertEnd!),
    enqueueStart: ms(marks.enqueueStart!),
    enqueueEnd: ms(marks.enqueueEnd!),
    answered: ms(answered),
    taken: ms(queued!.taken),
    attached: ms(Date.parse(run.startedAt)),
    loadMs: run.stats?.loadMs ?? NaN,
    attachMs: run.stats?.attachMs ?? NaN,
    ingestTaken: ms(ingest!.taken),
    ingestDone: ms(ingest!.stored!),
    stored: ms(events.at(runId, 'running')!),
  };
}

const p99 = (values: number[]) => (values.length ? quantile(values, 0.99) : NaN);

/** Median of a per-sample figure, ignoring samples without it. */
const med = (samples: DispatchSample[], f: (s: DispatchSample) => number | undefined) =>
  median(samples.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v)));

export interface DispatchColumn {
  label: string;
  samples: DispatchSample[];
}

/**
 * The dispatch table: each step's median duration (per sample, then the median over samples), then the totals
 * with p50 and p99, one column per fleet size.
 */
export function dispatchTable(columns: DispatchColumn[]): string {
  const rows: [string, ((s: DispatchSample) => number | undefined) | null][] = [
    ['client → request in Fastify (fetch, HTTP, the rate limiter\'s count in Redis)', (s) => s.arrived],
    ['request → auth guard done (JSON body parsed, Nest routing, the guard)', (s) => s.authEnd - s.arrived],
    ['  ↳ token lookup in Postgres (AuthService.authenticate)', (s) => s.authEnd - s.authStart],
    ['auth guard → JobService.create (DTO validation: class-transformer + class-validator)', (s) => s.handler - s.authEnd],
    ['tool, access and params validation (ajv)', (s) => s.validated - s.handler],
    ['host lookup (HostService.getForScheduling)', (s) => s.hostsEnd - s.hostsStart],
    ['  ↳ the named host\'s heartbeat read from Redis', (s) => s.heartbeatRead],
    ['  ↳ its row read from Postgres (in parallel)', (s) => s.hostRead],
    ['  ↳ host rows written to Postgres (a host new to Postgres only)', (s) => s.hostWrite],
    ['job + run rows inserted (one transaction)', (s) => s.insertEnd - s.insertStart],
    ['BullMQ add on `trace-host-<name>` (as the API awaits it)', (s) => s.enqueueEnd - s.enqueueStart],
    ['add sent → agent took the run (BullMQ processedOn: wake-up, moveToActive)', (s) => s.taken - s.enqueueStart],
    ['agent took the run → attached (run `startedAt`, stamped by the agent)', (s) => s.attached - s.taken],
    ['  ↳ open + load of the BPF object (run stats.loadMs)', (s) => s.loadMs],
    ['  ↳ attach (stats.attachMs − loadMs)', (s) => s.attachMs - s.loadMs],
    ['  ↳ the rest: cancel-key check, params re-check, progress update, ms rounding', (s) => s.attached - s.taken - s.attachMs],
    ['  the same run, as the agents of the bench\'s agent processes record it (sim-agent.ts; n/a: the real agent process):', null],
    ['  ↳ BullMQ took it → the processor checks the run\'s cancel key', (s) => s.agent && s.agent.checkStart - s.taken],
    ['  ↳ cancel-key check (MGET, awaited before the run starts)', (s) => s.agent && s.agent.checkEnd - s.agent.checkStart],
    ['  ↳ params re-check (ajv) and runner lookup', (s) => s.agent && s.agent.runnerStart - s.agent.checkEnd],
    ['  ↳ runner: open, load, attach (to its onAttached)', (s) => s.agent && s.agent.attached - s.agent.runnerStart],
    ['  ↳ attach recorded on the BullMQ job (updateProgress), awaited before `running` is stamped', (s) => s.agent && s.agent.progressEnd - s.agent.progressStart],
    ['  ↳ onAttached → `running` stamped (`at`, the run\'s startedAt)', (s) => s.agent && s.agent.sendStart - s.agent.attached],
    ['attached → `running` message taken by the API results worker', (s) => s.ingestTaken - s.attached],
    ['results worker: the report checked (signature, the run\'s host) and the run updated, until Postgres wrote it', (s) => s.stored - s.ingestTaken],
  ];
  const head = ['step (median ms of each dispatch’s step)', ...columns.map((c) => c.label)];
  const body = rows.map(([name, f]) => [name, ...columns.map((c) => (f ? fmt(med(c.samples, f), 2) : ''))]);
  const total = (name: string, f: (s: DispatchSample) => number) => [
    [`**${name}, p50**`, ...columns.map((c) => `**${fmt(median(c.samples.map(f)), 1)}**`)],
    [`**${name}, p99**`, ...columns.map((c) => `**${fmt(p99(c.samples.map(f)), 1)}**`)],
  ];
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...[
      ...body,
      ...total('POST → attached (the goal)', (s) => s.attached),
      ...total('POST → `running` written in Postgres', (s) => s.stored),
      [`POST answered (client), p50`, ...columns.map((c) => fmt(median(c.samples.map((s) => s.answered)), 1))],
      ['dispatches', ...columns.map((c) => String(c.samples.length))],
    ].map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/** "met"/"missed" for the goal p50 ≤ 15 ms and p99 ≤ 60 ms, POST → attached. */
export function dispatchGoal(column: DispatchColumn): string {
  const p50 = median(column.samples.map((s) => s.attached));
  const top = p99(column.samples.map((s) => s.attached));
  return `${column.label}: p50 ${fmt(p50, 1)} ms, p99 ${fmt(top, 1)} ms — **${p50 <= 15 && top <= 60 ? 'met' : 'missed'}**`;
}
