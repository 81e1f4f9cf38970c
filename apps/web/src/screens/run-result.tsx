import { api, expectOk } from '../api/client';
import { asToolResult } from '../api/results';
import { useResource } from '../api/use-resource';
import { Loading, Problem } from '../components/problem';
import { ResultView } from '../results/result-view';
import { ExportLinks } from './export-links';

/** The stored result of a run, drawn by kind, with its exports. */
export function RunResult({ runId }: { runId: string }) {
  const result = useResource(`result:${runId}`, (signal) =>
    expectOk(api.GET('/v1/runs/{id}/result', { signal, params: { path: { id: runId } } })).then(asToolResult),
  );
  if (result.error) return <Problem error={result.error} title="No result" />;
  if (!result.data) return <Loading what="the result" />;
  return (
    <>
      <ExportLinks runId={runId} kind={result.data.kind} />
      <ResultView result={result.data} />
    </>
  );
}
