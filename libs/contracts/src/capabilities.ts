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
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export type Capabilities = Record<Capability, boolean>;
