import {
  agentKeyPattern,
  hostCancelChannel,
  reportJobIdPrefix,
  TRACE_RESULTS_QUEUE,
  traceHostQueueName,
} from '../../../../libs/contracts/src/index.js';

/**
 * The keys BullMQ's `addStandardJob` script declares for a queue (its KEYS[1..9]): EVALSHA needs read and write on
 * each, whatever the script then does with it. The job's own hash is reached inside the script, where Redis checks
 * each command against the caller's ACL again.
 */
const QUEUE_ADD_KEYS = ['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'];

/**
 * The Redis ACL rules of one host's agent (for `ACL SETUSER <user> reset on #<sha256> ...rules`), tested against
 * BullMQ in test/api/agent-acl.test.ts:
 * - commands: every data command, none of `@admin` or `@dangerous` (no FLUSHALL, KEYS, CONFIG, MONITOR, CLIENT
 *   KILL/LIST, ACL), but INFO and CLIENT SETNAME/GETNAME, which BullMQ and ioredis send on connecting; no PUBLISH
 *   (only the API nudges agents), no SCRIPT FLUSH/KILL nor FUNCTION (shared by every client of the server);
 * - its own queue `<prefix>:trace-host-<host>:*`, whole (BullMQ's worker scripts touch most of its keys);
 * - its own keys `<prefix>:agent:<host>:*` (heartbeat, incarnation);
 * - its runs' end requests `<prefix>:cancel:host:<host>:run:*`, read only, and its host's nudge channel;
 * - on `trace-results`: the keys a job is added through, and the job keys of its own messages only (ids
 *   `<host>@...`), so it cannot read another host's results.
 */
export function agentAclRules(prefix: string, host: string): string[] {
  const results = `${prefix}:${TRACE_RESULTS_QUEUE}`;
  return [
    'resetkeys',
    'resetchannels',
    '-@all',
    '+@fast',
    '+@slow',
    '-@dangerous',
    '-@admin',
    '+info',
    '+client|setname',
    '+client|getname',
    '-publish',
    '-spublish',
    '-script|flush',
    '-script|kill',
    '-function',
    `~${prefix}:${traceHostQueueName(host)}:*`,
    `~${agentKeyPattern(prefix, host)}`,
    `%R~${hostCancelChannel(prefix, host)}:run:*`,
    `&${hostCancelChannel(prefix, host)}`,
    ...QUEUE_ADD_KEYS.map((key) => `~${results}:${key}`),
    `~${results}:${reportJobIdPrefix(host)}*`,
  ];
}
