/** Every format a result can be exported as; which ones a result has depends on its kind (`formatsFor`). */
export const EXPORT_FORMATS = ['json', 'csv', 'folded', 'speedscope', 'pprof', 'ndjson'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];
