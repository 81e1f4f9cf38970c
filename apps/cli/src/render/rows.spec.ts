import { describe, expect, it } from 'vitest';
import { renderCounts, renderEvents } from './rows.js';

describe('renderCounts', () => {
  it('shows key columns as they are, value columns grouped, the first rows and the total', () => {
    const text = renderCounts(
      {
        kind: 'counts',
        keys: ['pid', 'syscall'],
        rows: [
          { pid: 12345, syscall: 'getppid', count: 2000, totalLatencyNs: 123456 },
          { pid: 12345, syscall: 'read', count: 3, totalLatencyNs: 70 },
          { pid: 1, syscall: 'write', count: 1, totalLatencyNs: 9 },
        ],
        total: 2004,
      },
      2,
    );
    expect(text).toBe(
      ['pid    syscall  count  totalLatencyNs', '12345  getppid  2,000         123,456', '12345  read         3              70', '… 1 more rows', 'total 2,004'].join('\n'),
    );
  });
});

describe('renderEvents', () => {
  it('shows the declared columns in order, numbers right-aligned, and the totals', () => {
    const text = renderEvents({
      kind: 'events',
      columns: [
        { name: 'pid', type: 'int' },
        { name: 'comm', type: 'string' },
        { name: 'args', type: 'string[]' },
      ],
      rows: [
        { pid: 7, comm: 'sh', args: ['-c', 'true'], extra: 'not a column' },
        { pid: 12345, comm: 'ls', args: [] },
      ],
      total: 2,
      dropped: 0,
    });
    expect(text).toBe(['  pid  comm  args', '    7  sh    -c true', '12345  ls', '2 events, 0 dropped'].join('\n'));
  });
});
