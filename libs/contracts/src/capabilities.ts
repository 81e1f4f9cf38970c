/** What an agent found its kernel can do; published in every heartbeat. */
export const CAPABILITIES = [
  'btf',
  'tracepoint',
  'rawTracepoint',
  'btfTracepoint',
  'kprobe',
  'uprobe',
  'usdt',
  'perfSampling',
  'ringBuffer',
  'pmc',
  'bpftrace',
  'customPrograms',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/**
 * Capabilities the operator grants in the agent's configuration rather than probed from the kernel:
 * `customPrograms` (BPFLEET_ALLOW_CUSTOM_PROGRAMS) lets the agent run programs a caller wrote (bpftrace tool).
 */
export type GrantedCapability = 'customPrograms';
export type KernelCapability = Exclude<Capability, GrantedCapability>;

export type Capabilities = Record<Capability, boolean>;
