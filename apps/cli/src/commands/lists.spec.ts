import { describe, expect, it } from 'vitest';
import type { Host, Tool } from '../api/types.js';
import { aJob, aRun } from '../test-support/jobs.js';
import { hostsTable, jobsTable, toolsTable } from './lists.js';

describe('the list tables', () => {
  it('tools: name (admin-only marked), result kind, description', () => {
    const tool = (name: string, adminOnly: boolean): Tool => ({
      name,
      description: `${name} does things`,
      resultKind: 'events',
      paramsSchema: {},
      examples: [],
      requires: [],
      adminOnly,
    });
    expect(toolsTable([tool('execsnoop', false), tool('bpftrace', true)])).toBe(
      ['tool              result  description', 'execsnoop         events  execsnoop does things', 'bpftrace (admin)  events  bpftrace does things'].join('\n'),
    );
  });

  it('hosts: labels as k=v', () => {
    const host: Host = { name: 'web-1', labels: { zone: 'a', role: 'db' }, status: 'online', lastSeen: '2025-01-01T00:00:00.000Z', kernel: '6.8.0', capabilities: {} };
    expect(hostsTable([host])).toBe(['host   status  kernel  last seen                 labels', 'web-1  online  6.8.0   2025-01-01T00:00:00.000Z  zone=a,role=db'].join('\n'));
  });

  it('jobs: the hosts of its runs and its tags', () => {
    const job = aJob([aRun('a', 'succeeded'), aRun('b', 'failed')], { id: 'j1', status: 'partial', tags: ['main', 'v2'] });
    expect(jobsTable([job])).toBe(['job  tool      status   hosts  tags     created', 'j1   syscount  partial  a,b    main,v2  2025-01-01T00:00:00.000Z'].join('\n'));
  });
});
