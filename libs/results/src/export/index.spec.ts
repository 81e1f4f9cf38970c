import { describe, expect, it } from 'vitest';
import type { ResultKind, ToolResult } from '../../../contracts/src/index.js';
import { EXPORT_FORMATS, exportResult, formatsFor, UnsupportedExportError, type ExportFormat } from './index.js';
import { profileStacks } from './test-support/stacks.js';

const RESULTS: Record<ResultKind, ToolResult> = {
  events: { kind: 'events', columns: [{ name: 'pid', type: 'int' }], rows: [{ pid: 1 }], total: 1, dropped: 0 },
  counts: { kind: 'counts', keys: ['syscall'], rows: [{ syscall: 'read', count: 2 }], total: 2 },
  histogram: { kind: 'histogram', unit: 'us', buckets: [{ lo: 1, hi: 2, count: 1 }], count: 1, sum: 1, min: 1, max: 1, p50: 1, p90: 1, p99: 1, p999: 1 },
  stacks: profileStacks(),
};

describe('formatsFor', () => {
  it.each([
    ['events', ['json', 'csv', 'ndjson']],
    ['counts', ['json', 'csv']],
    ['histogram', ['json']],
    ['stacks', ['json', 'folded', 'speedscope', 'pprof']],
  ] as const)('%s exports as %j', (kind, formats) => {
    expect(formatsFor(kind)).toEqual(formats);
  });
});

describe('exportResult', () => {
  const pairs = Object.values(RESULTS).flatMap((result) => EXPORT_FORMATS.map((format) => [result.kind, format] as [ResultKind, ExportFormat]));

  it.each(pairs.filter(([kind, format]) => !formatsFor(kind).includes(format)))('refuses %s as %s with the formats the kind has', (kind, format) => {
    const refuse = () => exportResult(RESULTS[kind], format, { name: 'r' });
    expect(refuse).toThrow(UnsupportedExportError);
    expect(refuse).toThrow(expect.objectContaining({ kind, format, supported: formatsFor(kind) }));
  });

  it.each([
    ['json', 'application/json', 'run-1.json'],
    ['folded', 'text/plain; charset=utf-8', 'run-1.folded'],
    ['speedscope', 'application/json', 'run-1.speedscope.json'],
    ['pprof', 'application/octet-stream', 'run-1.pb.gz'],
  ] as const)('labels stacks as %s with content type %s and file name %s', (format, contentType, fileName) => {
    expect(exportResult(RESULTS.stacks, format, { name: 'run-1' })).toMatchObject({ contentType, fileName });
  });

  it.each(['events', 'counts'] as const)('labels %s as csv with text/csv and .csv', (kind) => {
    expect(exportResult(RESULTS[kind], 'csv', { name: 'run-1' })).toMatchObject({ contentType: 'text/csv; charset=utf-8; header=present', fileName: 'run-1.csv' });
  });

  it('writes events as ndjson: one JSON object per row, each line ending in a line feed', () => {
    const result: ToolResult = { kind: 'events', columns: [{ name: 'pid', type: 'int' }, { name: 'comm', type: 'string' }], rows: [{ pid: 1, comm: 'a\nb' }, { pid: 2, comm: 'c' }], total: 2, dropped: 0 };
    expect(exportResult(result, 'ndjson', { name: 'run-1' })).toEqual({
      contentType: 'application/x-ndjson',
      fileName: 'run-1.ndjson',
      body: '{"pid":1,"comm":"a\\nb"}\n{"pid":2,"comm":"c"}\n',
    });
  });

  it('writes pprof as bytes (gzip magic 1f 8b) and the text formats as strings', () => {
    const pprof = exportResult(RESULTS.stacks, 'pprof', { name: 'r' }).body;
    expect(Buffer.isBuffer(pprof) && [pprof[0], pprof[1]]).toEqual([0x1f, 0x8b]);
    expect(typeof exportResult(RESULTS.stacks, 'folded', { name: 'r' }).body).toBe('string');
  });

  it.each(Object.values(RESULTS))('writes a $kind result as JSON that parses back to the same result', (result) => {
    expect(JSON.parse(exportResult(result, 'json', { name: 'r' }).body as string)).toEqual(result);
  });
});
