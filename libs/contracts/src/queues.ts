/** Queue names and Redis keys shared by the API and the agents. */

/** Each host's agent consumes only its own queue, so a job for one host never waits behind another's. */
export const traceHostQueueName = (host: string): string => `trace-host-${host}`;

/** Durable path for everything agents report back (status changes, results, failures). */
export const TRACE_RESULTS_QUEUE = 'trace-results';

/**
 * How the BullMQ id of every message a host's agent puts on {@link TRACE_RESULTS_QUEUE} begins: the agent's ACL
 * lets it reach the job keys of its own messages only. `@` is outside the host name alphabet, so no host's prefix
 * is the beginning of another's.
 */
export const reportJobIdPrefix = (host: string): string => `${host}@`;

/**
 * The keys one agent owns (read and write), `<prefix>:agent:<host>:*`: a Redis ACL can grant a key pattern but not
 * a field of a shared hash, so everything an agent writes about itself is a key of its own.
 */
export const agentKeyPattern = (prefix: string, host: string): string => `${prefix}:agent:${host}:*`;

/**
 * One host's latest heartbeat, JSON {@link HostHeartbeat}, written by its agent only, read by the API. Keyed by the
 * BullMQ prefix so several fleets (or test suites) share one Redis.
 */
export const agentHeartbeatKey = (prefix: string, host: string): string => `${prefix}:agent:${host}:heartbeat`;

/**
 * The agent process currently serving a host (JSON {@link AgentIncarnation}), replaced by each agent at start: the
 * new one finds the runs the previous one held and reports them lost at once.
 */
export const agentIncarnationKey = (prefix: string, host: string): string => `${prefix}:agent:${host}:incarnation`;

/** Written by an agent under {@link agentIncarnationKey} when it starts. */
export interface AgentIncarnation {
  /** Random per process start. */
  id: string;
  /** The id of its BullMQ worker: the lock of every job it holds starts with `<workerId>:`. */
  workerId: string;
  /** ISO time the agent started. */
  startedAt: string;
}

/**
 * The fleet's provisioned agents: field = host name, value = the API's JSON record of that agent's credential
 * (never readable by agents). Only hosts listed here are read for heartbeats.
 */
export const agentCredentialsKey = (prefix: string): string => `${prefix}:agent-credentials`;

/** The Redis ACL user of one host's agent; the prefix keeps fleets (and test suites) sharing one Redis apart. */
export const agentRedisUser = (prefix: string, host: string): string => `${prefix}-agent-${host}`;

/** Host names become queue names and Redis keys: keep them to a safe alphabet. */
export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
