/**
 * Section 11: streamed events results. One throwaway Redis + Postgres (fleet-services.ts), the real API as its own
 * process (its RSS apart), and:
 *  - ingest: execsnoop-shaped rows sent as the agent sends them (chunk-sender.ts: the agent's ChunkWriter, signed
 *    reports, Redis) until the API stored the run's end, which it does once every row is in Postgres, against a raw
 *    COPY of the same rows into the same table, in the same run;
 *  - a run of EVENTS events: the real agent's `trace` of getppid() on bench/flood.c, paced; stored completely?
 *    read back page by page and as CSV; the API's and the agent's peak RSS meanwhile;
 *  - live: how long after a getppid() of this very process its row reaches a GET /v1/jobs/:id/events client.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLines, COPY_ROWS } from '../apps/api/src/repositories/run-event.repository.js';
import { startAgent, type Agent } from './bpfleet.js';
import { execsnoopRow } from './execsnoop-rows.js';
import { epochMs } from './fleet-api.js';
import { listenRunEvents, startServices, type Services } from './fleet-services.js';
import { fmt, fmtInt, freePort, log, median, ROOT, rssMb, sleep, startUntil, stop, table, WORK } from './lib.js';

const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
const SENDER = join(ROOT, 'dist/bench/chunk-sender.js');
const CREDENTIALS = join(ROOT, 'dist/apps/api/src/agent-credentials.js');
const PREFIX = 'bpfleet';
const INGEST_HOST = 'bench-ingest';
/** The agent's chunk size (its default BPFLEET_CHUNK_ROWS): the raw COPY is cut the same way for its text. */
const CHUNK_ROWS = 1000;

export interface ResultsOptions {
  runs: number;
  /** Rows per ingest measurement. */
  ingestRows: number;
  /** Events of the big run (getppid() calls of the flood). */
  events: number;
  /** The flood's pace, calls per second. */
  floodRate: number;
  /** Live rows timed. */
  liveSamples: number;
}

interface Api {
  url: string;
  /** The admin token it was started with. */
  token: string;
  pid: number;
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** The real API as a process of its own (`node dist/apps/api/src/main.js`), on the throwaway servers. */
async function startApi(services: Services): Promise<Api> {
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  const started = await startUntil('node', [API_MAIN], /bpfleet API listening/, {
    env: {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      BPFLEET_ADMIN_TOKEN: token,
      BPFLEET_DATA_DIR: mkdtempSync(join(tmpdir(), 'bpfleet-results-')),
      BPFLEET_QUEUE_PREFIX: PREFIX,
      LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token,
    pid: started.child.pid!,
    async request(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => stop(started.child, 'SIGTERM'),
  };
}

/** Host `name`'s agent credential file, as an operator provisions it. */
function provision(services: Services, name: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bpfleet-results-')), 'agent-credentials.json');
  execFileSync('node', [CREDENTIALS, 'provision', name, '--out', file], { env: { ...process.env, REDIS_URL: services.redisUrl, BPFLEET_QUEUE_PREFIX: PREFIX } });
  return file;
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSec(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The parent of a process, from /proc/PID/stat. */
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

/** Every process of the throwaway Postgres: the postmaster (the parent of `backend`) and its children. */
function postgresPids(backend: number): number[] {
  const postmaster = parentOf(backend);
  const children = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return parentOf(pid) === postmaster;
    } catch {
      return false;
    }
  });
  return [postmaster, ...children];
}

/** CPU seconds used by groups of processes while `during` runs (a process gone meanwhile counts as nothing). */
async function cpuUsed<T>(groups: Record<string, () => number[]>, during: () => Promise<T>): Promise<{ value: T; cpu: Record<string, number> }> {
  const read = () =>
    Object.fromEntries(
      Object.entries(groups).map(([name, pids]) => [
        name,
        new Map(
          pids().flatMap((pid) => {
            try {
              return [[pid, cpuSec(pid)] as const];
            } catch {
              return [];
            }
          }),
        ),
      ]),
    );
  const before = read();
  const value = await during();
  const after = read();
  const cpu = Object.fromEntries(
    Object.keys(groups).map((name) => [name, [...after[name]!].reduce((sum, [pid, sec]) => sum + sec - (before[name]!.get(pid) ?? 0), 0)]),
  );
  return { value, cpu };
}

/** Peak RSS of some processes, sampled every 200 ms while `during` runs (VmRSS: smaps_rollup would stall them). */
async function peakRss<T>(pids: Record<string, number>, during: () => Promise<T>): Promise<{ value: T; peaks: Record<string, number> }> {
  const peaks: Record<string, number> = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) peaks[name] = Math.max(peaks[name]!, rssMb(pid));
  };
  sample();
  const timer = setInterval(sample, 200);
  try {
    const value = await during();
    sample();
    return { value, peaks };
  } finally {
    clearInterval(timer);
  }
}

// ───────────────────────────── ingest ─────────────────────────────

/** A job and its run on `host`, `running`, written directly (the bench owns the database). */
async function newRun(db: pg.Client, host: string): Promise<string> {
  const { rows: jobs } = await db.query<{ id: string }>(`INSERT INTO jobs (tool, params, duration_sec, status) VALUES ('execsnoop', '{}', 60, 'running') RETURNING id`);
  const { rows: runs } = await db.query<{ id: string }>(
    `INSERT INTO runs (job_id, host, status, started_at) VALUES ($1, $2, 'running', now()) RETURNING id`,
    [jobs[0]!.id, host],
  );
  return runs[0]!.id;
}

/** CPU seconds per row, by process group, of one ingest. */
type CpuPerRow = Record<string, number>;

/** What one ingest measured: rows/s, and CPU µs per row by process. */
interface Ingest {
  rate: number;
  cpu: CpuPerRow;
}

/** The process groups whose CPU an ingest costs: Postgres always, the others for the pipeline. */
interface Processes {
  postgres: () => number[];
  redis: () => number[];
  api: () => number[];
}

const perRow = (cpu: Record<string, number>, rows: number): CpuPerRow => Object.fromEntries(Object.entries(cpu).map(([name, sec]) => [name, (sec / rows) * 1e6]));

/** The same rows as the sender's, COPY'd into run_events by one statement. */
async function rawCopy(db: pg.Client, processes: Processes, rows: number): Promise<Ingest> {
  const runId = await newRun(db, INGEST_HOST);
  const pieces: string[] = [];
  for (let seq = 0; seq * CHUNK_ROWS < rows; seq++) {
    const count = Math.min(CHUNK_ROWS, rows - seq * CHUNK_ROWS);
    pieces.push(copyLines(runId, seq, Array.from({ length: count }, (_, i) => execsnoopRow(seq * CHUNK_ROWS + i))));
  }
  const { value: sec, cpu } = await cpuUsed({ postgres: processes.postgres }, async () => {
    const t0 = performance.now();
    await pipeline(Readable.from(pieces), db.query(copyFrom(COPY_ROWS)));
    return (performance.now() - t0) / 1000;
  });
  return { rate: rows / sec, cpu: perRow(cpu, rows) };
}

/** The rows sent by the agent's own code through Redis and the API until their run's end is stored. */
async function pipelineIngest(db: pg.Client, services: Services, processes: Processes, credentials: string, rows: number): Promise<Ingest & { dropped: number; chunks: number }> {
  const runId = await newRun(db, INGEST_HOST);
  let stored!: (at: number) => void;
  const storedAt = new Promise<number>((resolve) => (stored = resolve));
  const events = await listenRunEvents(services.databaseUrl, (event) => {
    if (event.runId === runId && event.status === 'succeeded') stored(event.at);
  });
  const sender = spawn('node', [SENDER, runId, String(rows)], {
    env: { ...process.env, REDIS_URL: services.redisUrl, BPFLEET_HOST_NAME: INGEST_HOST, BPFLEET_AGENT_CREDENTIALS_FILE: credentials, BPFLEET_QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  sender.stdout!.on('data', (data) => (out += data));
  const exited = new Promise<void>((resolve) => sender.once('exit', () => resolve()));
  try {
    // Its module loading and Redis connection are not part of the figure.
    await sleep(1500);
    const { value: sec, cpu } = await cpuUsed({ ...processes }, async () => {
      const t0 = epochMs();
      sender.stdin!.end('go\n');
      const at = await storedAt;
      return (at - t0) / 1000;
    });
    await exited;
    // The sender has exited: its own count of its CPU.
    const totals = JSON.parse(out.trim().split('\n').pop()!) as { rows: number; dropped: number; chunks: number; cpuSec: number };
    return { rate: totals.rows / sec, cpu: perRow({ ...cpu, agent: totals.cpuSec }, totals.rows), dropped: totals.dropped, chunks: totals.chunks };
  } finally {
    sender.kill();
    await events.close();
  }
}

const fmtCpu = (cpu: CpuPerRow) =>
  Object.entries(cpu)
    .map(([name, us]) => `${name} ${fmt(us)}`)
    .join(', ');

async function benchIngest(db: pg.Client, services: Services, apiPid: number, opts: ResultsOptions): Promise<{ rows: (string | number)[][]; ratio: number; text: string[] }> {
  const credentials = provision(services, INGEST_HOST);
  const { rows: backend } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const processes: Processes = { postgres: () => postgresPids(backend[0]!.pid), redis: () => [services.redisPid], api: () => [apiPid] };
  const raw: Ingest[] = [];
  const piped: (Ingest & { dropped: number; chunks: number })[] = [];
  for (let r = 0; r < opts.runs; r++) {
    log(`results: ingest ${fmtInt(opts.ingestRows)} rows, run ${r + 1}/${opts.runs}: raw COPY`);
    raw.push(await rawCopy(db, processes, opts.ingestRows));
    log(`results: ingest ${fmtInt(opts.ingestRows)} rows, run ${r + 1}/${opts.runs}: agent → Redis → API → COPY`);
    piped.push(await pipelineIngest(db, services, processes, credentials, opts.ingestRows));
  }
  const rawRate = median(raw.map((i) => i.rate));
  const pipedRate = median(piped.map((i) => i.rate));
  const ratio = pipedRate / rawRate;
  // CPU of the median run of each.
  const mid = <T extends Ingest>(all: T[]) => [...all].sort((a, b) => a.rate - b.rate)[Math.floor((all.length - 1) / 2)]!;
  return {
    ratio,
    rows: [
      ['raw `COPY run_events FROM STDIN` of the rows, one statement', fmtInt(rawRate), `${fmtInt(Math.min(...raw.map((i) => i.rate)))} – ${fmtInt(Math.max(...raw.map((i) => i.rate)))}`, '1.00×', fmtCpu(mid(raw).cpu)],
      [
        '**bpfleet**: agent ChunkWriter → signed chunk messages → Redis → API (verify, one COPY per chunk) → run end stored',
        fmtInt(pipedRate),
        `${fmtInt(Math.min(...piped.map((i) => i.rate)))} – ${fmtInt(Math.max(...piped.map((i) => i.rate)))}`,
        `${ratio.toFixed(2)}×`,
        fmtCpu(mid(piped).cpu),
      ],
    ],
    text: [
      `Chunks the agent side sent: ${piped.map((i) => i.chunks).join(', ')} (1,000 rows each, up to 5,000 while a backlog waits); rows it dropped: ${piped.map((i) => i.dropped).join(', ')}.`,
    ],
  };
}

// ───────────────────────────── the big run ─────────────────────────────

interface BigRun {
  total: number;
  dropped: number;
  stored: number;
  stopReason: string | undefined;
  ingestSec: number;
  pagedRows: number;
  pageSec: number;
  csvRecords: number;
  csvSec: number;
  peaks: { ingest: Record<string, number>; pages: Record<string, number>; csv: Record<string, number> };
}

async function waitJob(api: Api, jobId: string, done: (job: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api.request('GET', `/v1/jobs/${jobId}`)).body;
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId}: still ${job.status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Starts the flood (blocked on stdin until `go`): `events` getppid() calls at `rate` per second. */
function startFlood(events: number, rate: number): ChildProcess {
  return spawn(join(WORK, 'flood'), [String(events), String(rate)], { stdio: ['pipe', 'pipe', 'inherit'] });
}

async function benchBigRun(db: pg.Client, api: Api, agent: Agent, host: string, opts: ResultsOptions): Promise<BigRun> {
  const flood = startFlood(opts.events, opts.floodRate);
  const floodDone = new Promise<void>((resolve) => flood.once('exit', () => resolve()));
  const created = await api.request('POST', '/v1/jobs', {
    tool: 'trace',
    hosts: [host],
    durationSec: 600,
    params: { probes: [{ probe: 't:syscalls:sys_enter_getppid' }], pid: flood.pid, maxEvents: opts.events, maxEventsPerSec: 100_000 },
  });
  if (created.status !== 201) throw new Error(`trace job refused: ${JSON.stringify(created.body)}`);
  const jobId = created.body.id as string;
  const runId = created.body.runs[0].id as string;
  await waitJob(api, jobId, (job) => job.runs[0].status === 'running', 60_000);
  log(`results: flood of ${fmtInt(opts.events)} getppid() at ${fmtInt(opts.floodRate)}/s, traced by the agent`);
  const pids = { api: api.pid, agent: agent.pid };
  const ingest = await peakRss(pids, async () => {
    const t0 = performance.now();
    flood.stdin!.end('g');
    await floodDone;
    // The run stops by itself at maxEvents when no event was dropped; else its window is ended here.
    await sleep(3000);
    if ((await api.request('GET', `/v1/jobs/${jobId}`)).body.runs[0].status === 'running') await api.request('POST', `/v1/jobs/${jobId}/stop`);
    const job = await waitJob(api, jobId, (j) => !['queued', 'running'].includes(j.status), 600_000);
    return { job, sec: (performance.now() - t0) / 1000 };
  });
  const first = (await api.request('GET', `/v1/runs/${runId}/result?limit=1`)).body;
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM run_events WHERE run_id = $1', [runId]);

  log('results: reading the run back page by page');
  const pages = await peakRss(pids, async () => {
    const t0 = performance.now();
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: { body: { rows: unknown[]; nextCursor: string | null } } = await api.request('GET', `/v1/runs/${runId}/result?limit=10000${cursor ? `&cursor=${cursor}` : ''}`);
      count += page.body.rows.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    return { count, sec: (performance.now() - t0) / 1000 };
  });
  log('results: reading the run back as CSV');
  const csv = await peakRss(pids, async () => {
    const t0 = performance.now();
    const response = await fetch(`${api.url}/v1/runs/${runId}/result?format=csv`, { headers: { authorization: `Bearer ${api.token}` } });
    let records = 0;
    for await (const piece of response.body! as AsyncIterable<Uint8Array>) {
      for (const byte of piece) if (byte === 0x0a) records++;
    }
    return { records: records - 1, sec: (performance.now() - t0) / 1000 };
  });
  return {
    total: first.total,
    dropped: first.dropped,
    stored: Number(rows[0]!.n),
    stopReason: ingest.value.job.runs[0].stats?.stopReason,
    ingestSec: ingest.value.sec,
    pagedRows: pages.value.count,
    pageSec: pages.value.sec,
    csvRecords: csv.value.records,
    csvSec: csv.value.sec,
    peaks: { ingest: ingest.peaks, pages: pages.peaks, csv: csv.peaks },
  };
}

// ───────────────────────────── live ─────────────────────────────

/** Server-sent events of a job, as they come: `next()` resolves with the next one (event name and data). */
function follow(api: Api, jobId: string): Promise<{ next(): Promise<{ event: string; data: string }>; close(): void }> {
  return new Promise((resolve, reject) => {
    get(`${api.url}/v1/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${api.token}` } }, (response: IncomingMessage) => {
      response.setEncoding('utf8');
      const queued: { event: string; data: string }[] = [];
      let waiting: ((event: { event: string; data: string }) => void) | undefined;
      let buffer = '';
      response.on('data', (text: string) => {
        buffer += text;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          if (waiting) {
            const deliver = waiting;
            waiting = undefined;
            deliver({ event, data });
          } else queued.push({ event, data });
        }
      });
      resolve({
        next: () => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((deliver) => (waiting = deliver))),
        close: () => response.destroy(),
      });
    }).once('error', reject);
  });
}

/** ms from a getppid() of this process to its row at a live client, `samples` times, 250 ms apart. */
async function benchLive(api: Api, host: string, samples: number): Promise<number[]> {
  const created = await api.request('POST', '/v1/jobs', {
    tool: 'trace',
    hosts: [host],
    durationSec: 120,
    params: { probes: [{ probe: 't:syscalls:sys_enter_getppid' }], pid: process.pid },
  });
  if (created.status !== 201) throw new Error(`trace job refused: ${JSON.stringify(created.body)}`);
  const jobId = created.body.id as string;
  const live = await follow(api, jobId);
  try {
    for (let event = await live.next(); !(event.event === 'status' && JSON.parse(event.data).status === 'running'); event = await live.next());
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      await sleep(250);
      const t0 = performance.now();
      // process.ppid asks the kernel each time: one getppid(), one row.
      void process.ppid;
      for (let event = await live.next(); event.event !== 'rows'; event = await live.next());
      latencies.push(performance.now() - t0);
    }
    return latencies;
  } finally {
    live.close();
    await api.request('POST', `/v1/jobs/${jobId}/stop`);
  }
}

// ───────────────────────────── the section ─────────────────────────────

export async function benchResults(opts: ResultsOptions): Promise<string> {
  const services = await startServices();
  const db = new pg.Client({ connectionString: services.databaseUrl });
  let api: Api | undefined;
  let agent: Agent | undefined;
  try {
    await db.connect();
    api = await startApi(services);
    await sleep(3000);
    const apiIdle = rssMb(api.pid);
    const ingest = await benchIngest(db, services, api.pid, opts);

    // The real agent of bench/bpfleet.ts, on the throwaway Redis.
    const redisUrl = process.env.REDIS_URL;
    process.env.REDIS_URL = services.redisUrl;
    try {
      agent = await startAgent();
    } finally {
      if (redisUrl === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = redisUrl;
    }
    const host = `bench-${process.pid}`;
    const online = Date.now() + 30_000;
    while (!(await api.request('GET', '/v1/hosts')).body.some((h: { name: string; status: string }) => h.name === host && h.status === 'online')) {
      if (Date.now() > online) throw new Error(`the agent of ${host} did not come online`);
      await sleep(200);
    }
    const big = await benchBigRun(db, api, agent, host, opts);
    log('results: live rows');
    const latencies = await benchLive(api, host, opts.liveSamples);
    return report(opts, ingest, { ...big, apiIdle }, latencies);
  } finally {
    await agent?.close();
    await api?.close();
    await db.end().catch(() => {});
    await services.close();
  }
}

function report(opts: ResultsOptions, ingest: Awaited<ReturnType<typeof benchIngest>>, big: BigRun & { apiIdle: number }, latencies: number[]): string {
  const complete = big.total + big.dropped === opts.events && big.stored === big.total && big.pagedRows === big.total && big.csvRecords === big.total;
  const sorted = [...latencies].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)]!;
  const mem = (peaks: Record<string, number>) => `API ${fmt(peaks.api!)} MB, agent ${fmt(peaks.agent!)} MB`;
  return [
    '## 11. Streamed events results',
    '',
    'A throwaway Redis and Postgres (default settings: fsync and synchronous commit on), the real API as its own process.',
    '',
    `**Ingest**: ${fmtInt(opts.ingestRows)} execsnoop-shaped rows (~200 B of JSON each), rows/s, median of ${opts.runs} runs, the two`,
    'interleaved. The pipeline is timed from the first row handed to the ChunkWriter to the moment Postgres stored the run\'s end,',
    'which the API does only once every chunk is in (bench/chunk-sender.ts runs the agent\'s own ChunkWriter, signer and report',
    'queue; one COPY transaction per 1,000-row chunk). The raw COPY streams the same rows, as the API formats them, into the',
    'same table (index on (run_id, seq, idx)) in one statement. CPU: user + system time of each process over the',
    'measurement (the machine has 2 cores: the pipeline\'s processes share them, the raw COPY has one to itself).',
    '',
    table(['path', 'rows/s (median)', 'min – max', 'vs raw COPY', 'CPU µs per row, by process'], ingest.rows),
    '',
    ...ingest.text,
    '',
    `Goal: ≥ 0.7 × raw COPY — **${ingest.ratio >= 0.7 ? 'met' : 'missed'}** (${ingest.ratio.toFixed(2)}×).`,
    '',
    `**A run of ${fmtInt(opts.events)} events**: the real agent's \`trace\` of \`t:syscalls:sys_enter_getppid\` on bench/flood.c,`,
    `${fmtInt(opts.floodRate)} calls/s, \`maxEvents\` ${fmtInt(opts.events)}. Peak RSS sampled every 200 ms.`,
    '',
    table(
      ['what', 'figure'],
      [
        ['rows stored (`total`) + `dropped`', `${fmtInt(big.total)} + ${fmtInt(big.dropped)} = ${fmtInt(big.total + big.dropped)} (stop: ${big.stopReason ?? 'duration'})`],
        ['rows in run_events', fmtInt(big.stored)],
        ['flood start → run stored (succeeded)', `${fmt(big.ingestSec)} s`],
        ['API RSS idle, after start-up (for comparison)', `${fmt(big.apiIdle)} MB`],
        ['peak RSS during the run', mem(big.peaks.ingest)],
        ['read back page by page (limit 10,000)', `${fmtInt(big.pagedRows)} rows in ${fmt(big.pageSec)} s (${fmtInt(big.pagedRows / big.pageSec)} rows/s); peak ${mem(big.peaks.pages)}`],
        ['read back as CSV (streamed)', `${fmtInt(big.csvRecords)} records in ${fmt(big.csvSec)} s (${fmtInt(big.csvRecords / big.csvSec)} rows/s); peak ${mem(big.peaks.csv)}`],
      ],
    ),
    '',
    `Stored completely (total + dropped = events made, every row stored and read back both ways) — **${complete ? 'yes' : 'no'}**.`,
    '',
    `**Live**: a getppid() of the bench process traced, its row awaited at a GET /v1/jobs/:id/events client; ${latencies.length} samples`,
    `250 ms apart: median ${fmt(median(latencies))} ms, p90 ${fmt(p90)} ms, max ${fmt(Math.max(...latencies))} ms (the agent flushes a chunk 50 ms`,
    'after its first row at most, BPFLEET_CHUNK_FLUSH_MS).',
    '',
    `Goal: median ≤ 100 ms — **${median(latencies) <= 100 ? 'met' : 'missed'}** (${fmt(median(latencies))} ms).`,
  ].join('\n');
}
