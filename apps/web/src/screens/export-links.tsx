import { useState } from 'preact/hooks';
import { ApiError, api, toApiError } from '../api/client';
import type { ToolResult } from '../api/results';
import { Problem } from '../components/problem';

type Format = 'json' | 'csv' | 'folded' | 'speedscope' | 'pprof';

/** The exports of GET /v1/runs/:id/result by kind (docs/exports.md), with their file extensions. */
const FORMATS: Record<ToolResult['kind'], [Format, string][]> = {
  events: [
    ['csv', 'csv'],
    ['json', 'json'],
  ],
  counts: [
    ['csv', 'csv'],
    ['json', 'json'],
  ],
  histogram: [['json', 'json']],
  stacks: [
    ['folded', 'folded.txt'],
    ['speedscope', 'speedscope.json'],
    ['pprof', 'pb.gz'],
    ['json', 'json'],
  ],
};

/**
 * Download buttons: the exports need the bearer token, which a plain link cannot send, so the file is
 * fetched and handed to the browser as a blob.
 */
export function ExportLinks({ runId, kind }: { runId: string; kind: ToolResult['kind'] }) {
  const [failure, setFailure] = useState<ApiError | undefined>();
  const download = async (format: Format, extension: string) => {
    setFailure(undefined);
    const { data, error, response } = await api.GET('/v1/runs/{id}/result', {
      params: { path: { id: runId }, query: { format } },
      parseAs: 'blob',
    });
    if (!response.ok || !data) {
      setFailure(toApiError(response, error));
      return;
    }
    const url = URL.createObjectURL(data);
    const link = Object.assign(document.createElement('a'), { href: url, download: `run-${runId}.${extension}` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div class="toolbar" role="group" aria-label="Download the result">
      <span>Download:</span>
      {FORMATS[kind].map(([format, extension]) => (
        <button key={format} type="button" class="small" onClick={() => download(format, extension)}>
          {format}
        </button>
      ))}
      <Problem error={failure} title="The export failed" />
    </div>
  );
}
