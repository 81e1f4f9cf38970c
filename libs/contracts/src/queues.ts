/** Queue names and Redis keys shared by the API and the agents. */

/** Each host's agent consumes only its own queue, so a job for one host never waits behind another's. */
export const traceHostQueueName = (host: string): string => `trace-host-${host}`;

/** Durable path for everything agents report back (status changes, results, failures). */
export const TRACE_RESULTS_QUEUE = 'trace-results';

/**
 * Redis hash of a fleet's heartbeats: field = host name, value = JSON {@link HostHeartbeat}. Agents
 * write, the API reads. Keyed by the BullMQ prefix so several fleets (or test suites) share one Redis.
 */
export const hostHeartbeatsKey = (prefix: string): string => `${prefix}:host-heartbeats`;

/** Host names become queue names and Redis keys: keep them to a safe alphabet. */
export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
