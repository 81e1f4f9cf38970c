import { describe, expect, it } from 'vitest';
import { valueColumns } from './counts-model';

describe('valueColumns', () => {
  it('puts count first, then the other numeric non-key columns by name', () => {
    const rows = [
      { syscall: 'read', pid: 7, count: 3, totalLatencyNs: 1200 },
      { syscall: 'write', pid: 8, count: 1, avgNs: 5, comm: 'x' },
    ];
    expect(valueColumns({ keys: ['syscall', 'pid'], rows })).toEqual(['count', 'avgNs', 'totalLatencyNs']);
  });

  it('has count alone for an empty result', () => {
    expect(valueColumns({ keys: ['syscall'], rows: [] })).toEqual(['count']);
  });
});
