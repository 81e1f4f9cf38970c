import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentCredentialRepository, type AgentCredential } from '../../apps/api/src/repositories/agent-credential.repository.js';
import {
  agentHeartbeatKey,
  hostCancelChannel,
  reportJobIdPrefix,
  runCancelKey,
  TRACE_RESULTS_QUEUE,
  traceHostQueueName,
} from '../../libs/contracts/src/index.js';
import { createRedis, deletePrefix, testRedisUrl, uniquePrefix, waitFor } from '../support/index.js';

/**
 * The Redis ACL of an agent (apps/api/src/utils/agent-acl.ts) against the real Redis and BullMQ: what an agent
 * must do works (consume its queue through BullMQ's scripts, report, beat, read its end requests, hear its nudges)
 * and what another host's agent would need does not.
 */
describe('agent Redis ACL', () => {
  const prefix = uniquePrefix('acl');
  let admin: Redis;
  let credentials: AgentCredentialRepository;
  let a: AgentCredential;
  let asA: Redis;
  const closers: (() => Promise<unknown>)[] = [];

  const connectAs = (credential: AgentCredential) => {
    const address = new URL(testRedisUrl());
    address.username = '';
    address.password = '';
    const client = new Redis(address.toString(), { username: credential.redisUser, password: credential.redisPassword, maxRetriesPerRequest: null });
    closers.push(async () => client.disconnect());
    return client;
  };
  /** Redis' answer to a command, or to a command inside a script, on a key or channel outside the user's ACL. */
  const denied = (promise: Promise<unknown>) => expect(promise).rejects.toThrow(/NOPERM|can't access/);
  const queueAsA = (name: string) => {
    const queue = new Queue(name, { connection: asA, prefix });
    closers.push(() => queue.close());
    return queue;
  };

  beforeAll(async () => {
    admin = createRedis();
    credentials = new AgentCredentialRepository({ redisUrl: testRedisUrl(), queuePrefix: prefix });
    a = await credentials.provision('host-a');
    await credentials.provision('host-b');
    asA = connectAs(a);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await credentials.onApplicationShutdown();
    await deletePrefix(admin, prefix);
    admin.disconnect();
  });

  it('lets the agent consume its own queue with BullMQ and report on trace-results under its own ids', async () => {
    const hostQueue = new Queue(traceHostQueueName('host-a'), { connection: createRedis(), prefix });
    const results = new Queue(TRACE_RESULTS_QUEUE, { connection: asA, prefix });
    closers.push(() => hostQueue.close(), () => results.close());
    await hostQueue.add('trace', { runId: 'r1' }, { jobId: 'r1', attempts: 1 });
    const worker = new Worker(
      traceHostQueueName('host-a'),
      async (job) => {
        await job.updateProgress({ attached: true });
        await results.add('succeeded', { runId: 'r1' }, { jobId: `${reportJobIdPrefix('host-a')}r1-succeeded` });
      },
      { connection: asA, prefix, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 1 },
    );
    try {
      await waitFor(async () => (await hostQueue.getJobState('r1')) === 'completed', { what: 'the run completed by the agent' });
    } finally {
      await worker.close();
    }
    const adminResults = new Queue(TRACE_RESULTS_QUEUE, { connection: createRedis(), prefix });
    closers.push(() => adminResults.close());
    expect((await adminResults.getJob('host-a@r1-succeeded'))?.data).toEqual({ runId: 'r1' });
  });

  it("lets the agent beat, read its runs' end requests and hear its nudges", async () => {
    await asA.set(agentHeartbeatKey(prefix, 'host-a'), '{}');
    await admin.set(runCancelKey(prefix, 'host-a', 'r1'), 'cancel');
    expect(await asA.mget(runCancelKey(prefix, 'host-a', 'r1'))).toEqual(['cancel']);
    const subscriber = asA.duplicate();
    closers.push(async () => subscriber.disconnect());
    await subscriber.subscribe(hostCancelChannel(prefix, 'host-a'));
    const heard = new Promise((resolve) => subscriber.on('message', (_channel, message) => resolve(message)));
    await admin.publish(hostCancelChannel(prefix, 'host-a'), 'r1');
    expect(await heard).toBe('r1');
  });

  it("denies the agent another host's queue, heartbeat, end requests, nudges and reports", async () => {
    await denied(asA.lrange(`${prefix}:${traceHostQueueName('host-b')}:wait`, 0, -1));
    await denied(queueAsA(traceHostQueueName('host-b')).add('trace', { runId: 'x' }, { jobId: 'x' }));
    await denied(asA.set(agentHeartbeatKey(prefix, 'host-b'), '{}'));
    await denied(asA.mget(runCancelKey(prefix, 'host-b', 'r1')));
    const subscriber = asA.duplicate();
    closers.push(async () => subscriber.disconnect());
    await denied(subscriber.subscribe(hostCancelChannel(prefix, 'host-b')));
    await denied(asA.hgetall(`${prefix}:${TRACE_RESULTS_QUEUE}:${reportJobIdPrefix('host-b')}r1-succeeded`));
    await denied(queueAsA(TRACE_RESULTS_QUEUE).add('failed', { runId: 'r2' }, { jobId: `${reportJobIdPrefix('host-b')}r2-failed` }));
  });

  it('denies the agent its own end requests for writing, nudges, the credentials and server-wide commands', async () => {
    await denied(asA.set(runCancelKey(prefix, 'host-a', 'r1'), 'stop'));
    await denied(asA.publish(hostCancelChannel(prefix, 'host-a'), 'r1'));
    await denied(asA.hgetall(`${prefix}:agent-credentials`));
    await denied(asA.flushall());
    await denied(asA.keys('*'));
    await denied(asA.call('CONFIG', 'GET', 'requirepass'));
    await denied(asA.call('ACL', 'LIST'));
    await denied(asA.script('FLUSH'));
  });

  it('ends the previous credential at once when the host is provisioned again', async () => {
    const old = connectAs(await credentials.provision('host-c'));
    old.on('error', () => {});
    await old.ping();
    const renewed = await credentials.provision('host-c');
    await expect(old.set(agentHeartbeatKey(prefix, 'host-c'), '{}')).rejects.toThrow(/WRONGPASS|NOAUTH|closed/);
    expect(await connectAs(renewed).set(agentHeartbeatKey(prefix, 'host-c'), '{}')).toBe('OK');
  });

  it('verifies with the new signing key at once and with the replaced one for a grace period; a revoke ends both', async () => {
    const first = await credentials.provision('host-d');
    const second = await credentials.provision('host-d');
    expect(await credentials.signingKeysOf('host-d')).toEqual([second.signingKey, first.signingKey]);
    expect(await credentials.revoke('host-d')).toBe(true);
    expect(await credentials.signingKeysOf('host-d')).toEqual([]);
  });

  it('restores the ACL users from the stored credentials (a Redis restarted without an ACL file lost them)', async () => {
    await admin.call('ACL', 'DELUSER', a.redisUser);
    expect(await credentials.restoreAclUsers()).toBe(3); // host-a, host-b, host-c
    expect(await connectAs(a).set(agentHeartbeatKey(prefix, 'host-a'), '{}')).toBe('OK');
  });
});
