/** Synthetic execsnoop rows for the results bench (section 11): the same rows for the pipeline and the raw COPY. */
import type { EventsResult } from '../libs/contracts/src/index.js';

/** execsnoop's columns (libs/tools/src/execsnoop/execsnoop.ts). */
export const EXECSNOOP_COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'ppid', type: 'int' },
  { name: 'uid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'filename', type: 'string' },
  { name: 'args', type: 'string[]' },
  { name: 'ret', type: 'int' },
];

/** Row `n` as execsnoop makes it for a shell running `ls`: ~200 bytes of JSON. */
export function execsnoopRow(n: number, start = Date.UTC(2026, 0, 1)): Record<string, unknown> {
  return {
    ts: new Date(start + n).toISOString(),
    pid: 10_000 + (n % 50_000),
    ppid: 4242,
    uid: 1000,
    comm: 'ls',
    filename: '/usr/bin/ls',
    args: ['ls', '--color=auto', '-la', `/srv/data/${n % 997}`],
    ret: 0,
  };
}
