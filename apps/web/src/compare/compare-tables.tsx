import type { Comparison, CountsComparison, HistogramComparison, StacksComparison } from '../api/types';
import { StatusBadge } from '../components/status';
import { formatDelta, formatNumber, formatPointsDelta, formatRatioChange, formatShare, formatWithUnit, shortId } from '../format';
import { routes } from '../routes';

/** What each side is: a run, or a job whose succeeded runs were merged. */
export function Sources({ comparison }: { comparison: Comparison }) {
  const side = (name: string, source: Comparison['sources']['base']) => (
    <div>
      <dt>{name}</dt>
      <dd>
        {source.type} <a href={routes.job(source.jobId, source.type === 'run' ? source.id : undefined)}>{shortId(source.id)}</a> on{' '}
        {source.hosts.join(', ')} · {source.durationSec} s
      </dd>
    </div>
  );
  return (
    <dl class="summary">
      <div>
        <dt>Tool</dt>
        <dd>{comparison.tool}</dd>
      </div>
      {side('Base', comparison.sources.base)}
      {side('Target', comparison.sources.target)}
      {comparison.normalized && (
        <div>
          <dt>Normalized</dt>
          <dd>per second of traced time (the two asked for different durations)</dd>
        </div>
      )}
    </dl>
  );
}

const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** A change's direction as a word, so the table does not rely on colour. */
const direction = (delta: number) => (delta > 0 ? 'up' : delta < 0 ? 'down' : 'same');

export function HistogramDeltas({ comparison }: { comparison: HistogramComparison }) {
  const { unit, shift } = comparison;
  return (
    <section aria-labelledby="percentiles-heading">
      <h3 id="percentiles-heading">Percentiles</h3>
      <table class="data deltas">
        <thead>
          <tr>
            <th scope="col">Percentile</th>
            <th scope="col" class="num">Base</th>
            <th scope="col" class="num">Target</th>
            <th scope="col" class="num">Δ</th>
            <th scope="col" class="num">Change</th>
          </tr>
        </thead>
        <tbody>
          {PERCENTILES.map((name) => {
            const row = comparison.percentiles[name];
            return (
              <tr key={name} class={`delta-${direction(row.delta)}`}>
                <th scope="row">{name === 'p999' ? 'p99.9' : name}</th>
                <td class="num">{formatWithUnit(row.base, unit)}</td>
                <td class="num">{formatWithUnit(row.target, unit)}</td>
                <td class="num">{formatDelta(row.delta)}</td>
                <td class="num">{formatRatioChange(row.ratio)}</td>
              </tr>
            );
          })}
          <tr>
            <th scope="row">count{comparison.normalized ? ' per s' : ''}</th>
            <td class="num">{formatNumber(comparison.base.count)}</td>
            <td class="num">{formatNumber(comparison.target.count)}</td>
            <td class="num">{formatDelta(comparison.target.count - comparison.base.count)}</td>
            <td class="num">{comparison.base.count === 0 ? 'new' : formatRatioChange(comparison.target.count / comparison.base.count)}</td>
          </tr>
        </tbody>
      </table>
      <p>
        {shift === null
          ? 'No shift test: a side is empty.'
          : `Mann–Whitney shift test: p = ${shift.pValue.toPrecision(2)}, Cliff's delta ${shift.effect.toFixed(3)} (positive: target higher) — ${
              shift.significant ? 'a significant shift (p < 0.01)' : 'no significant shift'
            }.`}
      </p>
    </section>
  );
}

export function CountsDeltas({ comparison }: { comparison: CountsComparison }) {
  const maxAbs = Math.max(1, ...comparison.rows.map((r) => Math.abs(r.delta)));
  return (
    <section aria-labelledby="counts-deltas-heading">
      <h3 id="counts-deltas-heading">Counts ({comparison.unit})</h3>
      <p>
        Total: {formatNumber(comparison.total.base)} → {formatNumber(comparison.total.target)} ({formatDelta(comparison.total.delta)},{' '}
        {formatRatioChange(comparison.total.ratio)}).
        {comparison.appeared.length > 0 && ` ${comparison.appeared.length} keys appeared.`}
        {comparison.vanished.length > 0 && ` ${comparison.vanished.length} keys vanished.`}
      </p>
      {comparison.rows.length === 0 ? (
        <p class="hint">Only totals: compare events by a column to see rows.</p>
      ) : (
        <table class="data deltas">
          <thead>
            <tr>
              {comparison.keys.map((key) => (
                <th key={key} scope="col">
                  {key}
                </th>
              ))}
              <th scope="col" class="num">Base</th>
              <th scope="col" class="num">Target</th>
              <th scope="col" class="num">Δ</th>
              <th scope="col">Δ, to scale</th>
              <th scope="col" class="num">Change</th>
              <th scope="col">Key</th>
            </tr>
          </thead>
          <tbody>
            {comparison.rows.map((row) => {
              const keyText = comparison.keys.map((key) => String((row as Record<string, unknown>)[key] ?? ''));
              return (
                <tr key={keyText.join('\u0000')} class={`delta-${direction(row.delta)}`}>
                  {keyText.map((text, i) =>
                    i === 0 ? (
                      <th key={i} scope="row">
                        {text}
                      </th>
                    ) : (
                      <td key={i}>{text}</td>
                    ),
                  )}
                  <td class="num">{formatNumber(row.base)}</td>
                  <td class="num">{formatNumber(row.target)}</td>
                  <td class="num">{formatDelta(row.delta)}</td>
                  <td class="diverging" aria-hidden="true">
                    <span class={`dbar ${row.delta >= 0 ? 'up' : 'down'}`} style={{ width: `${(50 * Math.abs(row.delta)) / maxAbs}%` }} />
                  </td>
                  <td class="num">{formatRatioChange(row.ratio)}</td>
                  <td>
                    <StatusBadge status={row.change} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function StacksDeltas({ comparison }: { comparison: StacksComparison }) {
  return (
    <section aria-labelledby="functions-deltas-heading">
      <h3 id="functions-deltas-heading">Functions that moved most</h3>
      <p class="hint">
        {formatNumber(comparison.base.total)} → {formatNumber(comparison.target.total)} {comparison.unit}; shares are of each side's
        total. Top regressed first{comparison.omitted > 0 ? `; ${comparison.omitted} functions that barely moved are left out` : ''}.
      </p>
      <table class="data deltas">
        <thead>
          <tr>
            <th scope="col">Function</th>
            <th scope="col">Module</th>
            <th scope="col" class="num">Self, base</th>
            <th scope="col" class="num">Self, target</th>
            <th scope="col" class="num">Δ self</th>
            <th scope="col" class="num">Total, base</th>
            <th scope="col" class="num">Total, target</th>
            <th scope="col" class="num">Δ total</th>
          </tr>
        </thead>
        <tbody>
          {comparison.functions.map((fn) => (
            <tr key={`${fn.module}\u0000${fn.function}`} class={`delta-${direction(fn.delta.totalShare)}`}>
              <th scope="row">{fn.function}</th>
              <td class="module">{fn.module ?? '–'}</td>
              <td class="num">{formatShare(fn.base.selfShare)}</td>
              <td class="num">{formatShare(fn.target.selfShare)}</td>
              <td class="num">{formatPointsDelta(fn.delta.selfShare)}</td>
              <td class="num">{formatShare(fn.base.totalShare)}</td>
              <td class="num">{formatShare(fn.target.totalShare)}</td>
              <td class="num">{formatPointsDelta(fn.delta.totalShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
