import { describe, expect, it } from 'vitest';
import { parseBpftraceOutput } from '../../../bpf/src/bpftrace/output.js';
import { validateParams } from '../validate-params.js';
import { BPFTRACE_MAX_PROGRAM_BYTES, bpftrace } from './bpftrace.schema.js';
import { aggregationMaps, programResultKind } from './program.js';
import { bpftraceResult } from './result.js';

describe('bpftrace params', () => {
  it('requires a program, is admin-only and needs hosts that allow custom programs', () => {
    expect(validateParams(bpftrace, {})).toEqual([{ field: 'params', message: "must have required property 'program'" }]);
    expect(validateParams(bpftrace, { program: '' })).toEqual([{ field: 'params.program', message: 'must NOT have fewer than 1 characters' }]);
    expect(bpftrace.adminOnly).toBe(true);
    expect(bpftrace.requires({ program: 'BEGIN {}' })).toEqual(['bpftrace', 'customPrograms']);
  });

  it('caps the program at 64 KiB, in characters and in UTF-8 bytes', () => {
    expect(validateParams(bpftrace, { program: 'x'.repeat(BPFTRACE_MAX_PROGRAM_BYTES) })).toEqual([]);
    expect(validateParams(bpftrace, { program: 'x'.repeat(BPFTRACE_MAX_PROGRAM_BYTES + 1) })).toEqual([
      { field: 'params.program', message: `must NOT have more than ${BPFTRACE_MAX_PROGRAM_BYTES} characters` },
    ]);
    expect(validateParams(bpftrace, { program: 'é'.repeat(BPFTRACE_MAX_PROGRAM_BYTES / 2 + 1) })).toEqual([
      { field: 'params.program', message: `must not be longer than ${BPFTRACE_MAX_PROGRAM_BYTES} bytes in UTF-8` },
    ]);
  });
});

describe('the result kind a program declares', () => {
  it.each([
    ['tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }', 'counts'],
    ['kprobe:f { @bytes[pid, comm] = sum(arg2); @n++; }', 'counts'],
    ['t:a:b { @s = stats(args->x); @m = avg(args->x); }', 'counts'],
    ['t:a:b { @start[tid] = nsecs; } t:a:c { @us = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }', 'histogram'],
    ['t:a:b { @[comm] = count(); @l = lhist(args->x, 0, 100, 10); }', 'histogram'],
    ['t:sched:sched_process_exec { printf("%d %s\\n", pid, comm); }', 'events'],
    // Scratch maps, comments and strings are not aggregations.
    ['t:a:b { @start[tid] = nsecs; } t:a:c /@start[tid]/ { printf("@x = count() %d\\n", nsecs - @start[tid]); } // @y = hist(1)', 'events'],
    ['/* @z = count(); */ t:a:b { @ts[tid] = @ts[tid] == 0 ? 1 : 2; }', 'events'],
  ] as const)('%s → %s', (program, kind) => {
    expect(programResultKind(program)).toBe(kind);
    expect(bpftrace.resultKindOf({ program })).toBe(kind);
  });

  it('names each aggregation map once, with its function and whether it is keyed', () => {
    expect(aggregationMaps('t:a:b { @[comm, args->a[0]] = count(); @x += 2; @h = hist(1); @[comm, 1] = count(); }')).toEqual([
      { name: '@', aggregation: 'count', keyed: true },
      { name: '@x', aggregation: 'increment', keyed: false },
      { name: '@h', aggregation: 'hist', keyed: false },
    ]);
  });
});

const output = (lines: object[]) => parseBpftraceOutput(lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n');

describe('bpftrace output as a result', () => {
  it('counts: every aggregation map, one row per key, typed keys, stats and avg columns; the rest in the note', () => {
    const program = 't:a:b { @start[tid] = nsecs; @[comm] = count(); @total = sum(1); @s[pid] = stats(2); @avg = avg(3); printf("x\\n"); }';
    const out = output([
      { type: 'printf', data: 'x\n' },
      { type: 'map', data: { '@': { bash: 3, python3: 48 } } },
      { type: 'map', data: { '@start': { '7': 123 } } },
      { type: 'map', data: { '@total': 51 } },
      { type: 'stats', data: { '@s': { '42': { count: 2, average: 5, total: 10 } } } },
      { type: 'stats', data: { '@avg': 7 } },
    ]);
    expect(bpftraceResult('counts', aggregationMaps(program), out)).toEqual({
      kind: 'counts',
      keys: ['map', 'key'],
      rows: [
        { map: '@', key: 'python3', count: 48 },
        { map: '@', key: 'bash', count: 3 },
        { map: '@total', key: null, count: 51 },
        { map: '@s', key: 42, count: 2, average: 5, total: 10 },
        { map: '@avg', key: null, average: 7 },
      ],
      total: 104,
      note:
        '1 text line(s) not kept (a program with aggregation maps reports them); maps not in this counts result: @start; ' +
        '1 output line(s) bpftrace printed were not understood',
    });
  });

  it('counts: a declared map bpftrace never printed (no event) gives no rows; a value of the wrong shape is skipped', () => {
    const maps = aggregationMaps('t:a:b { @a[comm] = count(); @b[comm] = count(); }');
    const result = bpftraceResult('counts', maps, parseBpftraceOutput(JSON.stringify({ type: 'map', data: { '@b': 12 } })));
    expect(result).toEqual({ kind: 'counts', keys: ['map', 'key'], rows: [], total: 0 });
  });

  it('histogram: one unkeyed map is the histogram; a keyed one also gives one group per key', () => {
    const buckets = [{ min: 4, max: 7, count: 3 }, { min: 8, max: 15, count: 1 }];
    const plain = bpftraceResult('histogram', aggregationMaps('t:a:b { @h = hist(1); }'), output([{ type: 'hist', data: { '@h': buckets } }]));
    expect(plain).toMatchObject({ kind: 'histogram', unit: 'value', count: 4, buckets: [{ lo: 4, hi: 8, count: 3 }, { lo: 8, hi: 16, count: 1 }] });
    expect(plain).not.toHaveProperty('groups');

    const keyed = bpftraceResult(
      'histogram',
      aggregationMaps('t:a:b { @h[comm] = hist(1); }'),
      output([{ type: 'hist', data: { '@h': { a: [{ min: 4, max: 7, count: 1 }], b: buckets } } }]),
    );
    expect(keyed).toMatchObject({ count: 5, by: 'key' });
    if (keyed.kind !== 'histogram') throw new Error('not a histogram');
    expect(keyed.groups!.map((g) => [g.key, g.histogram.count])).toEqual([['b', 4], ['a', 1]]);
  });

  it('histogram: several hist maps: the first on top, one group per map and key; an empty one when nothing was printed', () => {
    const maps = aggregationMaps('t:a:b { @a = hist(1); @b[pid] = lhist(2, 0, 10, 1); }');
    const several = bpftraceResult(
      'histogram',
      maps,
      output([
        { type: 'hist', data: { '@a': [{ min: 1, max: 1, count: 2 }] } },
        { type: 'hist', data: { '@b': { '9': [{ min: 2, max: 2, count: 5 }] } } },
      ]),
    );
    expect(several).toMatchObject({ count: 2, by: 'map' });
    if (several.kind !== 'histogram') throw new Error('not a histogram');
    expect(several.groups!.map((g) => [g.key, g.histogram.count])).toEqual([['@b[9]', 5], ['@a', 2]]);
    expect(bpftraceResult('histogram', maps, parseBpftraceOutput(''))).toMatchObject({ kind: 'histogram', count: 0, buckets: [] });
  });

  it('events: one row per printf line with the time it was read; dropped lines counted', () => {
    const before = Date.now();
    const out = output([{ type: 'printf', data: 'a 1\nb ' }, { type: 'printf', data: '2\n' }]);
    out.droppedLines = 3;
    const result = bpftraceResult('events', [], out);
    expect(result).toMatchObject({ kind: 'events', total: 5, dropped: 3, columns: [{ name: 'ts', type: 'timestamp' }, { name: 'line', type: 'string' }] });
    if (result.kind !== 'events') throw new Error('not events');
    expect(result.rows.map((r) => r.line)).toEqual(['a 1', 'b 2']);
    for (const row of result.rows) expect(Date.parse(row.ts as string)).toBeGreaterThanOrEqual(before - 1);
  });

  it('says when bpftrace was killed before printing its maps', () => {
    const result = bpftraceResult('counts', aggregationMaps('t:a:b { @ = count(); }'), parseBpftraceOutput(''), true);
    expect(result.note).toBe('bpftrace ignored SIGINT and was killed before printing its maps');
  });
});
