/** Injection token of the validated {@link ApiConfig}. */
export const API_CONFIG = Symbol('API_CONFIG');

/**
 * Redis hash of agent heartbeats for a fleet prefix. For the default prefix `bpfleet` this is exactly
 * `HOST_HEARTBEATS_KEY` of libs/contracts; deriving it from the prefix lets test suites (and several
 * fleets) share one Redis without seeing each other's hosts.
 */
export const hostHeartbeatsKey = (prefix: string): string => `${prefix}:host-heartbeats`;
