import type { Job, Run } from '../api/types.js';

/** A run of `host` as GET /v1/jobs/:id lists it; `extra` overrides any field. */
export const aRun = (host: string, status: Run['status'], extra: Partial<Run> = {}): Run => ({
  id: `run-${host}`,
  host,
  status,
  startedAt: null,
  finishedAt: null,
  error: null,
  stats: null,
  ...extra,
});

/** A syscount job of 10 s with `runs`, as GET /v1/jobs/:id answers it; `extra` overrides any field. */
export const aJob = (runs: Run[], extra: Partial<Job> = {}): Job => ({
  id: 'job-1',
  tool: 'syscount',
  status: 'running',
  durationSec: 10,
  params: {},
  target: null,
  dispatchTimeoutSec: 300,
  scheduleId: null,
  createdBy: null,
  tags: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  runs,
  ...extra,
});
