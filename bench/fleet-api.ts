/**
 * The real API (createApp, default timers) in the bench process, with timestamps taken around the steps of job
 * creation and of results ingest. The bench wraps methods of the running API's own instances; the product code
 * carries no timing code, and the wrappers only read the clock.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { RunMessage } from '../libs/contracts/src/index.js';
import type { Services } from './fleet-services.js';

/** Epoch ms with sub-ms precision (the agents' and Postgres' timestamps are epoch ms too: one clock, one host). */
export const epochMs = () => performance.timeOrigin + performance.now();

/** The API-side timestamps of one POST /v1/jobs (epoch ms). */
export interface CreateMarks {
  /** Fastify's onRequest hook (after the rate limiter's, which counts the request in Redis). */
  arrived?: number;
  /** The auth guard's token lookup (AuthService.authenticate). */
  authStart?: number;
  authEnd?: number;
  /** JobService.create entered: HTTP, auth guard and DTO validation are done. */
  handler: number;
  /** Tool, access, duration and params validated (ajv). */
  validated?: number;
  /** Hosts resolved (HostService.getForScheduling or select). */
  hostsStart?: number;
  hostsEnd?: number;
  /** Inside the host lookup (ms, summed): heartbeats read from Redis, host rows read from / written to Postgres. */
  heartbeatReadMs?: number;
  hostReadMs?: number;
  hostWriteMs?: number;
  /** The job and run rows inserted (one transaction). */
  insertStart?: number;
  insertEnd?: number;
  /** Every run's BullMQ job added on its host's queue. */
  enqueueStart?: number;
  enqueueEnd?: number;
  /** JobService.create returned. */
  done?: number;
  jobId?: string;
}

/** When the API's results worker handled one agent message (epoch ms). */
export interface IngestMarks {
  taken: number;
  stored?: number;
}

/** One heartbeat sync of the API (HostService.sync: Redis read, then Postgres writes). */
export interface SyncMarks {
  start: number;
  end?: number;
  /** ms reading every heartbeat (HGETALL), and how many there were. */
  readMs?: number;
  hosts: number;
  /** ms writing Postgres, and rows written. */
  writeMs: number;
  rows: number;
}

export interface FleetApi {
  url: string;
  token: string;
  /** JSON request with the admin token; resolves with status and parsed body. */
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Marks of job creations, by job id (filled when create returns). */
  creates: Map<string, CreateMarks>;
  /** Marks of results handled, by `<runId> <type>`. */
  ingests: Map<string, IngestMarks>;
  /** Every heartbeat sync since start, in order. */
  syncs: SyncMarks[];
  close(): Promise<void>;
}

type Method<T, K extends keyof T> = T[K] extends (...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Replaces `target[key]` by a wrapper that gets the original (bound) and the arguments. A method this version of
 * the API does not have is left alone (the bench also measures the API as it was, for before/after figures).
 */
function wrap<T extends object, K extends keyof T>(target: T, key: K, around: (original: Method<T, K>, ...args: Parameters<Method<T, K>>) => ReturnType<Method<T, K>>): void {
  if (typeof target[key] !== 'function') return;
  const original = (target[key] as Method<T, K>).bind(target) as Method<T, K>;
  target[key] = ((...args: Parameters<Method<T, K>>) => around(original, ...args)) as T[K];
}

/** Starts the API on 127.0.0.1 (port 0) with its default timers against `services`, instrumented. */
export async function startFleetApi(services: Services, prefix: string, env: Record<string, string> = {}): Promise<FleetApi> {
  const [{ createApp }, { loadConfig }, { JobService }, { HostService }, { JobRepository }, { QueueRepository }, { ResultService }, { HostRepository }, { RedisRepository }, { AuthService }] =
    await Promise.all([
      import('../apps/api/src/app.js'),
      import('../apps/api/src/config.js'),
      import('../apps/api/src/services/job.service.js'),
      import('../apps/api/src/services/host.service.js'),
      import('../apps/api/src/repositories/job.repository.js'),
      import('../apps/api/src/repositories/queue.repository.js'),
      import('../apps/api/src/services/result.service.js'),
      import('../apps/api/src/repositories/host.repository.js'),
      import('../apps/api/src/repositories/redis.repository.js'),
      import('../apps/api/src/services/auth.service.js'),
    ]);
  const token = randomBytes(24).toString('base64url');
  const config = loadConfig({
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    BPFLEET_QUEUE_PREFIX: prefix,
    BPFLEET_ADMIN_TOKEN: token,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    // The per-token limit still counts every POST in Redis; the bench's hundreds of POSTs a minute stay under it.
    BPFLEET_RATE_LIMIT_PER_MIN: '1000000',
    ...env,
  });
  const app = await createApp(config);

  const creates = new Map<string, CreateMarks>();
  const ingests = new Map<string, IngestMarks>();
  const syncs: SyncMarks[] = [];
  const current = new AsyncLocalStorage<CreateMarks>();

  // The bench posts one job at a time: the latest POST /v1/jobs to arrive, and its token lookup, are this create's.
  let request: Pick<CreateMarks, 'arrived' | 'authStart' | 'authEnd'> = {};
  app.getHttpAdapter().getInstance().addHook('onRequest', async (req: { method: string; url: string }) => {
    if (req.method === 'POST' && req.url === '/v1/jobs') request = { arrived: epochMs() };
  });
  wrap(app.get(AuthService), 'authenticate', async (original, header) => {
    const mine = request;
    mine.authStart ??= epochMs();
    const auth = await original(header);
    mine.authEnd ??= epochMs();
    return auth;
  });

  const jobs = app.get(JobService);
  wrap(jobs, 'create', async (original, dto, auth) => {
    const marks: CreateMarks = { ...request, handler: epochMs() };
    const created = await current.run(marks, () => original(dto, auth));
    marks.done = epochMs();
    marks.jobId = created.id;
    creates.set(created.id, marks);
    return created;
  });
  wrap(jobs, 'validateToolAndParams', (original, dto, auth) => {
    const out = original(dto, auth);
    const marks = current.getStore();
    if (marks) marks.validated = epochMs();
    return out;
  });
  const timed = <T extends object, K extends keyof T>(target: T, key: K, start: keyof CreateMarks, end: keyof CreateMarks) =>
    wrap(target, key, ((original: (...args: unknown[]) => Promise<unknown>, ...args: unknown[]) => {
      const marks = current.getStore();
      if (marks) (marks[start] as number) = epochMs();
      return original(...args).finally(() => {
        if (marks) (marks[end] as number) = epochMs();
      });
    }) as never);
  const hosts = app.get(HostService);
  timed(hosts, 'getForScheduling', 'hostsStart', 'hostsEnd');
  timed(hosts, 'select', 'hostsStart', 'hostsEnd');
  timed(app.get(JobRepository), 'createWithRuns', 'insertStart', 'insertEnd');
  timed(app.get(QueueRepository), 'enqueueTraces', 'enqueueStart', 'enqueueEnd');

  // A sync (periodic) reads every heartbeat, then writes Postgres; a job's host lookup reads too, in its own context.
  let sync: SyncMarks | undefined;
  wrap(hosts, 'sync', async (original) => {
    const mine: SyncMarks = (sync = { start: epochMs(), hosts: 0, writeMs: 0, rows: 0 });
    try {
      await original();
    } finally {
      mine.end = epochMs();
      syncs.push(mine);
      if (sync === mine) sync = undefined;
    }
  });
  const redisRepository = app.get(RedisRepository);
  const hostRepository = app.get(HostRepository);
  /** Times `key` of `target` into the create in progress (`field`) or, outside any, into the sync in progress. */
  const during = <T extends object, K extends keyof T>(target: T, key: K, field: 'heartbeatReadMs' | 'hostReadMs' | 'hostWriteMs', onSync?: (s: SyncMarks, ms: number, out: unknown, args: unknown[]) => void) =>
    wrap(target, key, ((original: (...args: unknown[]) => Promise<unknown>, ...args: unknown[]) => {
      const marks = current.getStore();
      const mine = marks ? undefined : sync;
      const start = epochMs();
      return original(...args).then((out) => {
        const ms = epochMs() - start;
        if (marks) marks[field] = (marks[field] ?? 0) + ms;
        else if (mine) onSync?.(mine, ms, out, args);
        return out;
      });
    }) as never);
  during(redisRepository, 'readHeartbeats', 'heartbeatReadMs', (s, ms, out) => {
    s.readMs = ms;
    s.hosts = Object.keys(out as object).length;
  });
  during(redisRepository, 'readHeartbeatsOf', 'heartbeatReadMs');
  during(hostRepository, 'getByNames', 'hostReadMs');
  during(hostRepository, 'getAll', 'hostReadMs');
  const written = (s: SyncMarks, ms: number, _out: unknown, args: unknown[]) => {
    s.writeMs += ms;
    s.rows += (args[0] as unknown[]).length;
  };
  during(hostRepository, 'upsertHeartbeats', 'hostWriteMs', written);
  during(hostRepository, 'touchLastSeen', 'hostWriteMs', written);

  wrap(app.get(ResultService), 'handle', async (original, message: RunMessage) => {
    const marks: IngestMarks = { taken: epochMs() };
    await original(message);
    marks.stored = epochMs();
    ingests.set(`${message.runId} ${message.type}`, marks);
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    token,
    creates,
    ingests,
    syncs,
    async request(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => app.close(),
  };
}
