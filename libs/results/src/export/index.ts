import type { CountsResult, EventsResult, HistogramResult, ResultKind, StacksResult, ToolResult } from '../../../contracts/src/index.js';
import { countsCsv, eventsCsv } from './csv.js';
import { UnsupportedExportError } from './errors.js';
import { foldedStacks } from './folded.js';
import { EXPORT_FORMATS, type ExportFormat } from './formats.js';
import { pprofProfile } from './pprof.js';
import { speedscopeFile } from './speedscope.js';

export { EXPORT_FORMATS, type ExportFormat } from './formats.js';
export { UnsupportedExportError } from './errors.js';

export interface ExportMeta {
  /** The file's name without extension, e.g. `profile-<runId>`; speedscope also shows it as the profile's name. */
  name: string;
}

export interface ExportedFile {
  /** For the Content-Type header. */
  contentType: string;
  /** `meta.name` plus the format's extension, for Content-Disposition. */
  fileName: string;
  /** Text, or bytes for pprof (gzip). */
  body: string | Buffer;
}

type Exporters<R extends ToolResult> = Partial<Record<ExportFormat, (result: R, meta: ExportMeta) => string | Buffer>>;

const json = (result: ToolResult) => JSON.stringify(result);

/** One JSON object per line (newline-delimited JSON), each row as it is, in order: what `jq -c` and log tools read. */
export const ndjsonLines = (rows: readonly Record<string, unknown>[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

/** The one table of which kind exports as what: formatsFor and exportResult both read it. */
const EXPORTERS: { events: Exporters<EventsResult>; counts: Exporters<CountsResult>; histogram: Exporters<HistogramResult>; stacks: Exporters<StacksResult> } = {
  events: { json, csv: eventsCsv, ndjson: (result) => ndjsonLines(result.rows) },
  counts: { json, csv: countsCsv },
  histogram: { json },
  stacks: { json, folded: foldedStacks, speedscope: (result, meta) => speedscopeFile(result, meta.name), pprof: pprofProfile },
};

const FILE_TYPES: Record<ExportFormat, { contentType: string; extension: string }> = {
  json: { contentType: 'application/json', extension: '.json' },
  csv: { contentType: 'text/csv; charset=utf-8; header=present', extension: '.csv' },
  folded: { contentType: 'text/plain; charset=utf-8', extension: '.folded' },
  speedscope: { contentType: 'application/json', extension: '.speedscope.json' },
  // gzip is part of the file (pprof reads .pb.gz), not a transfer encoding a client would undo.
  pprof: { contentType: 'application/octet-stream', extension: '.pb.gz' },
  ndjson: { contentType: 'application/x-ndjson', extension: '.ndjson' },
};

/** The Content-Type of `format` and the file name `meta.name` gets in it (as {@link exportResult} labels its files). */
export function fileTypeOf(format: ExportFormat, meta: ExportMeta): { contentType: string; fileName: string } {
  const { contentType, extension } = FILE_TYPES[format];
  return { contentType, fileName: `${meta.name}${extension}` };
}

/**
 * The formats a result of `kind` exports as, in EXPORT_FORMATS order: `json` for every kind, `csv` for
 * events and counts, `folded`, `speedscope` and `pprof` for stacks, `ndjson` for events.
 */
export function formatsFor(kind: ResultKind): ExportFormat[] {
  return EXPORT_FORMATS.filter((format) => EXPORTERS[kind][format] !== undefined);
}

function exportWith<R extends ToolResult>(exporters: Exporters<R>, result: R, format: ExportFormat, meta: ExportMeta): ExportedFile {
  const exporter = exporters[format];
  if (!exporter) throw new UnsupportedExportError(result.kind, format, formatsFor(result.kind));
  return { ...fileTypeOf(format, meta), body: exporter(result, meta) };
}

/**
 * `result` as a file in `format` (see the exporter of each format for its layout). Pure: the same result
 * gives the same bytes. Throws UnsupportedExportError when the result's kind has no such format
 * (see formatsFor).
 */
export function exportResult(result: ToolResult, format: ExportFormat, meta: ExportMeta): ExportedFile {
  switch (result.kind) {
    case 'events':
      return exportWith(EXPORTERS.events, result, format, meta);
    case 'counts':
      return exportWith(EXPORTERS.counts, result, format, meta);
    case 'histogram':
      return exportWith(EXPORTERS.histogram, result, format, meta);
    case 'stacks':
      return exportWith(EXPORTERS.stacks, result, format, meta);
  }
}
