/**
 * How the bench runs bpfleet: one catalog tool held in a helper process (tool-helper.ts), or the real agent
 * against a throwaway redis-server, with runs enqueued directly on its BullMQ queue.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunMessage, RunStats } from '../libs/contracts/src/index.js';
import { freePort, ROOT, run, sleep, startUntil, stop, type Started } from './lib.js';

export const TOOL_HELPER = join(ROOT, 'dist/bench/tool-helper.js');
export const AGENT = join(ROOT, 'dist/apps/worker/src/main.js');
/** Provisions agent credentials (apps/api/src/agent-credentials.ts). */
const CREDENTIALS = join(ROOT, 'dist/apps/api/src/agent-credentials.js');

/** Starts `tool` with these params (validated and defaulted by the helper) and resolves once it is attached. */
export function holdTool(tool: string, params: Record<string, unknown> = {}): Promise<Started> {
  return startUntil('node', [TOOL_HELPER, 'hold', tool, JSON.stringify(params)], /^attached /);
}

export interface AttachRun {
  /** ms from calling the runner to onAttached. */
  runnerMs: number;
  /** The run's own stats: loadMs (open, resolve, load; whole ms), attachMs (start → attached; whole ms). */
  stats: RunStats;
}

/**
 * Runs `tool` `count` times in one helper process, each detached once attached (the first pays the process's
 * first-use costs, the others are an agent's steady state).
 */
export async function attachRuns(tool: string, params: Record<string, unknown>, count: number): Promise<AttachRun[]> {
  const out = await run('node', [TOOL_HELPER, 'attach', tool, JSON.stringify(params), String(count)]);
  return out.trim().split('\n').map((line) => JSON.parse(line) as AttachRun);
}

export interface HeldRun {
  summary: Record<string, number>;
  stats: RunStats;
}

/** Stops a held tool and returns what its run reported (result summary and stats). */
export async function releaseTool(held: Started): Promise<HeldRun> {
  const ended = held.child.stdout!.readableEnded ? Promise.resolve() : once(held.child.stdout!, 'end');
  await stop(held.child, 'SIGTERM');
  await ended;
  const last = held.lines.findLast((l) => l.startsWith('{'));
  if (!last) throw new Error(`tool-helper printed no result: ${held.lines.slice(-5).join(' | ')}`);
  return JSON.parse(last) as HeldRun;
}

export interface AgentJob {
  tool: string;
  params: Record<string, unknown>;
  durationSec: number;
  /** Called every `tickMs` while the run is on (sampling, load). */
  tick: () => void | Promise<void>;
  tickMs: number;
  /** How long past `durationSec` to wait for the outcome (default 15 s; a big profile symbolizes for longer). */
  graceMs?: number;
}

export interface Agent {
  /** The agent's pid (it re-executes itself with its V8 flags in place, so this is the agent). */
  pid: number;
  /** Enqueues one run and resolves with the agent's final message for it, or undefined if none came in time. */
  runJob(job: AgentJob): Promise<RunMessage | undefined>;
  close(): Promise<void>;
}

/** Starts the real agent (`REDIS_URL`, or a throwaway redis-server) and resolves once it has sent a heartbeat. */
export async function startAgent(): Promise<Agent> {
  const { Redis } = await import('ioredis');
  const { Queue } = await import('bullmq');
  const { traceHostQueueName, agentHeartbeatKey, TRACE_RESULTS_QUEUE } = await import('../libs/contracts/src/index.js');

  let redisChild: Started | undefined;
  let url = process.env.REDIS_URL;
  if (!url) {
    const port = await freePort();
    redisChild = await startUntil('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    url = `redis://127.0.0.1:${port}`;
  }
  const host = `bench-${process.pid}`;
  const prefix = 'bpfleet';
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(traceHostQueueName(host), { connection: redis, prefix });
  const results = new Queue(TRACE_RESULTS_QUEUE, { connection: redis, prefix });
  const closeRedis = async () => {
    await results.close();
    await queue.close();
    redis.disconnect();
    if (redisChild) await stop(redisChild.child, 'SIGTERM');
  };
  let agent: Started;
  try {
    // The agent's own credential, as an operator provisions it (docs/security.md); it gets Redis' address only.
    const credentialsFile = join(mkdtempSync(join(tmpdir(), 'bpfleet-bench-')), 'agent-credentials.json');
    execFileSync('node', [CREDENTIALS, 'provision', host, '--out', credentialsFile], {
      env: { ...process.env, REDIS_URL: url, BPFLEET_QUEUE_PREFIX: prefix },
    });
    const address = new URL(url);
    address.username = '';
    address.password = '';
    agent = await startUntil('node', [AGENT], /consuming trace-host/, {
      env: {
        ...process.env,
        REDIS_URL: address.toString(),
        BPFLEET_AGENT_CREDENTIALS_FILE: credentialsFile,
        BPFLEET_HOST_NAME: host,
        BPFLEET_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'info',
      },
    });
  } catch (err) {
    await closeRedis();
    throw err;
  }
  for (let i = 0; i < 50 && !(await redis.get(agentHeartbeatKey(prefix, host))); i++) await sleep(100);

  const outcome = async (runId: string) => {
    const msgs = (await results.getJobs(['waiting', 'completed', 'failed', 'delayed'])).map((j) => j.data as RunMessage);
    return msgs.find((m) => m.runId === runId && (m.type === 'succeeded' || m.type === 'failed'));
  };
  return {
    pid: agent.child.pid!,
    async runJob({ tool, params, durationSec, tick, tickMs, graceMs = 15_000 }) {
      const runId = `bench-${tool}-${Date.now()}`;
      await queue.add(tool, { jobId: runId, runId, host, tool, durationSec, params }, { jobId: runId });
      const deadline = Date.now() + durationSec * 1000 + graceMs;
      for (;;) {
        await tick();
        const state = await (await queue.getJob(runId))?.getState();
        if (state === 'completed' || state === 'failed' || Date.now() > deadline) break;
        await sleep(tickMs);
      }
      return outcome(runId);
    },
    async close() {
      await stop(agent.child, 'SIGTERM');
      await closeRedis();
    },
  };
}
