import { api, expectOk } from '../api/client';
import { asToolResult } from '../api/results';
import { useResource } from '../api/use-resource';
import { Loading, Problem } from '../components/problem';
import { ResultView } from '../results/result-view';
import { ExportLinks } from './export-links';

/**
 * A run's result; an events result whole: its pages (100,000 rows each by default) followed through `nextCursor`,
 * so a run over one page shows every row (the table is virtualized).
 */
async function loadResult(runId: string, signal: AbortSignal) {
  const read = (cursor?: string) =>
    expectOk(api.GET('/v1/runs/{id}/result', { signal, params: { path: { id: runId }, query: cursor ? { cursor } : {} } })) as Promise<
      Record<string, unknown>
    >;
  const first = await read();
  if (first.kind !== 'events') return asToolResult(first);
  const rows = [...((first.rows as unknown[] | undefined) ?? [])];
  for (let page = first; typeof page.nextCursor === 'string'; ) {
    page = await read(page.nextCursor);
    rows.push(...((page.rows as unknown[] | undefined) ?? []));
  }
  return asToolResult({ ...first, rows, nextCursor: null });
}

/** The stored result of a run, drawn by kind, with its exports. */
export function RunResult({ runId }: { runId: string }) {
  const result = useResource(`result:${runId}`, (signal) => loadResult(runId, signal));
  if (result.error) return <Problem error={result.error} title="No result" />;
  if (!result.data) return <Loading what="the result" />;
  return (
    <>
      <ExportLinks runId={runId} kind={result.data.kind} />
      <ResultView result={result.data} />
    </>
  );
}
