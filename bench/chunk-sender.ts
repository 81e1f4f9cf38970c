/**
 * Bench helper: sends an events run's rows as the agent does — its ChunkWriter (chunks of BPFLEET_CHUNK_ROWS, fuller
 * while a backlog waits), RunReportRepository (signed with the host's key) and Redis connection — for COUNT
 * execsnoop-shaped rows made as fast as they are taken, then the run's end. Starts once a line comes on stdin (the
 * bench's clock starts then) and prints its totals and the CPU seconds it used as JSON.
 *   node dist/bench/chunk-sender.js RUN_ID COUNT
 *   env: REDIS_URL, BPFLEET_HOST_NAME, BPFLEET_AGENT_CREDENTIALS_FILE, BPFLEET_QUEUE_PREFIX
 */
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { pino } from 'pino';
import type { ChunkMessage } from '../libs/contracts/src/index.js';
import { ChunkWriter } from '../apps/worker/src/chunk-writer.js';
import { loadWorkerConfig } from '../apps/worker/src/config.js';
import { loadAgentCredentials } from '../apps/worker/src/credentials.js';
import { MessageSigner } from '../apps/worker/src/message-signer.js';
import { RedisConnection } from '../apps/worker/src/redis.connection.js';
import { RunReportRepository } from '../apps/worker/src/run-report.repository.js';
import { EXECSNOOP_COLUMNS, execsnoopRow } from './execsnoop-rows.js';

async function main(): Promise<void> {
  const [runId, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!runId || !Number.isInteger(count)) throw new Error('usage: chunk-sender.js RUN_ID COUNT');
  const config = loadWorkerConfig();
  const credentials = loadAgentCredentials(config.credentialsFile, config.hostName);
  const redis = new RedisConnection(config, credentials);
  const reports = new RunReportRepository(config, redis, new MessageSigner(credentials));
  let taken = 0;
  let wake: (() => void) | undefined;
  const send = async (chunk: ChunkMessage) => {
    await reports.send(chunk);
    taken += chunk.rows.length;
    wake?.();
  };
  const writer = new ChunkWriter(runId, send, config.chunks, pino({ level: 'warn' }));
  process.stdin.resume();
  await once(process.stdin, 'data');
  const cpu = process.cpuUsage();
  for (let n = 0; n < count; n++) {
    // As a kernel ring buffer holds events while the agent is busy, rows wait here before the writer's buffer is
    // full (rows in flight count too), instead of being dropped: what is measured is how fast they are stored.
    while (n - taken >= config.chunks.maxBufferedRows) await new Promise<void>((resolve) => (wake = resolve));
    writer.write(execsnoopRow(n));
    if (n % 1000 === 999) await setImmediate();
  }
  const totals = await writer.close();
  await reports.send({
    type: 'succeeded',
    runId,
    at: new Date().toISOString(),
    result: { kind: 'events', columns: EXECSNOOP_COLUMNS, rows: [], total: totals.rows, dropped: totals.dropped, chunks: totals.chunks },
    stats: {},
  });
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ...totals, cpuSec: (used.user + used.system) / 1e6 }));
  await reports.close();
  await redis.close();
  process.stdin.pause();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
