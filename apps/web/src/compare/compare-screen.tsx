import { useId, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, expectOk } from '../api/client';
import type { Comparison } from '../api/types';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { routes } from '../routes';
import { CountsDeltas, HistogramDeltas, Sources, StacksDeltas } from './compare-tables';
import { DiffFlameGraph } from './diff-flame';

/**
 * Two runs or jobs of one tool side by side (GET /v1/compare): percentile deltas, counts deltas, or the
 * functions that moved most with a differential flame graph. The ids are in the URL, so a comparison is a link.
 */
export function CompareScreen() {
  const { query, route } = useLocation();
  const base = query.base ?? '';
  const target = query.target ?? '';
  const by = query.by ?? '';
  const [draft, setDraft] = useState({ base, target, by });
  const ids = { base: useId(), target: useId(), by: useId() };
  const comparison = useResource(`compare:${base}:${target}:${by}`, (signal) =>
    base && target
      ? expectOk(api.GET('/v1/compare', { signal, params: { query: { base, target, by: by || undefined } } }))
      : Promise.resolve(null),
  );
  return (
    <Page title="Compare">
      <form
        class="compare-form"
        onSubmit={(e) => {
          e.preventDefault();
          route(routes.compare(draft.base.trim(), draft.target.trim(), draft.by.trim()));
        }}
      >
        <div class="field">
          <label for={ids.base}>Base (run or job id)</label>
          <input id={ids.base} name="base" type="text" required value={draft.base} onInput={(e) => setDraft({ ...draft, base: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for={ids.target}>Target (run or job id)</label>
          <input
            id={ids.target}
            name="target"
            type="text"
            required
            value={draft.target}
            onInput={(e) => setDraft({ ...draft, target: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for={ids.by}>By column (events only)</label>
          <input id={ids.by} name="by" type="text" value={draft.by} placeholder="comm" onInput={(e) => setDraft({ ...draft, by: e.currentTarget.value })} />
        </div>
        <button type="submit" class="primary">
          Compare
        </button>
      </form>
      <Problem error={comparison.error} title="No comparison" />
      {comparison.loading && !comparison.data && base && target && <Loading what="the comparison" />}
      {comparison.data && <ComparisonView comparison={comparison.data} base={base} target={target} />}
    </Page>
  );
}

function ComparisonView({ comparison, base, target }: { comparison: Comparison; base: string; target: string }) {
  return (
    <article class="comparison" data-kind={comparison.kind}>
      <Sources comparison={comparison} />
      {comparison.kind === 'histogram' ? (
        <HistogramDeltas comparison={comparison} />
      ) : comparison.kind === 'stacks' ? (
        <>
          <DiffFlameGraph base={base} target={target} unit={comparison.unit} />
          <StacksDeltas comparison={comparison} />
        </>
      ) : (
        <CountsDeltas comparison={comparison} />
      )}
    </article>
  );
}
