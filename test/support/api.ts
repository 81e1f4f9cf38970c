import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import { createApp } from '../../apps/api/src/app.js';
import { loadConfig, type ApiConfig } from '../../apps/api/src/config.js';
import type { TestEnv } from './env.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RunningApi {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The admin bearer token. */
  token: string;
  app: NestFastifyApplication;
  config: ApiConfig;
  /** JSON request with the admin token (pass `token: null` for none, or another token). */
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string | null },
  ): Promise<ApiResponse<T>>;
  /** A new token with these scopes, made through POST /v1/tokens with the admin token. */
  createToken(name: string, scopes: ('read' | 'run' | 'admin')[]): Promise<string>;
  /** Stops the API (idempotent). The env's database and Redis keys stay, so another API can take over. */
  close(): Promise<void>;
}

/**
 * Starts the real API (createApp) on 127.0.0.1, port 0, against `env`'s database and Redis prefix,
 * with fast timers (heartbeat sync 200 ms, reaper 200 ms) unless `overrides` say otherwise.
 */
export async function startApi(env: TestEnv, overrides: Partial<ApiConfig> = {}): Promise<RunningApi> {
  // Every API over one env shares its admin token, as replicas share BPFLEET_ADMIN_TOKEN (a different one
  // would replace it: the bootstrap token follows the setting).
  const token = overrides.adminToken ?? createHash('sha256').update(`admin:${env.databaseUrl}`).digest('base64url');
  const config: ApiConfig = {
    ...loadConfig({
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      BPFLEET_QUEUE_PREFIX: env.queuePrefix,
      BPFLEET_DATA_DIR: env.dataDir,
      BPFLEET_ADMIN_TOKEN: token,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      BPFLEET_HOST_SYNC_INTERVAL_MS: '200',
      BPFLEET_REAPER_INTERVAL_MS: '200',
      BPFLEET_CHECK_INTERVAL_MS: '200',
    }),
    ...overrides,
  };
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let closed = false;
  const api: RunningApi = {
    url,
    token,
    app,
    config,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const bearer = options.token === undefined ? token : options.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, headers: response.headers, body: parsed as any };
    },
    async createToken(name, scopes) {
      const res = await api.request('POST', '/v1/tokens', { body: { name, scopes } });
      if (res.status !== 201) throw new Error(`POST /v1/tokens answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
  return api;
}
