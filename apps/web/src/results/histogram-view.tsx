import { useState } from 'preact/hooks';
import type { HistogramWithSeries } from '../api/results';
import { formatNumber, formatWithUnit } from '../format';
import { HistogramChart } from './histogram-chart';
import { barsOf, markersOf, topGroups, valueRangeOf } from './histogram-model';
import { LatencyHeatmap } from './heatmap';

const MULTIPLES = 12;

/** A histogram result: its summary, the chart, one small chart per group, and the heatmap of its series. */
export function HistogramView({ result }: { result: HistogramWithSeries }) {
  const [allGroups, setAllGroups] = useState(false);
  const groups = result.groups ?? [];
  const shown = allGroups ? topGroups(groups, groups.length) : topGroups(groups, MULTIPLES);
  const mean = result.count === 0 ? null : result.sum / result.count;
  const groupRange = valueRangeOf(shown.flatMap((group) => barsOf(group.histogram.buckets)));
  const unit = result.unit;
  return (
    <section aria-labelledby="histogram-heading">
      <h3 id="histogram-heading">Distribution</h3>
      <dl class="summary">
        {(
          [
            ['count', formatNumber(result.count)],
            ['min', formatWithUnit(result.min, unit)],
            ['mean', mean === null ? '–' : formatWithUnit(mean, unit)],
            ['p50', formatWithUnit(result.p50, unit)],
            ['p90', formatWithUnit(result.p90, unit)],
            ['p99', formatWithUnit(result.p99, unit)],
            ['p99.9', formatWithUnit(result.p999, unit)],
            ['max', formatWithUnit(result.max, unit)],
          ] as const
        ).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <HistogramChart
        buckets={result.buckets}
        unit={unit}
        markers={markersOf(result)}
        height={280}
        label={`Histogram of ${formatNumber(result.count)} values in ${unit}: p50 ${formatNumber(result.p50)}, p90 ${formatNumber(result.p90)}, p99 ${formatNumber(result.p99)}`}
      />
      {result.series && result.series.length > 0 && (
        <>
          <h3>Over time</h3>
          <LatencyHeatmap series={result.series} intervalSec={result.intervalSec} unit={unit} />
        </>
      )}
      {groups.length > 0 && (
        <>
          <h3>By {result.by ?? 'group'}</h3>
          <p class="hint">
            {groups.length} groups{groups.length > shown.length ? `, the ${shown.length} with most values shown` : ''}; one value axis for all, so
            they compare; counts on each group's own scale.
          </p>
          <ul class="multiples">
            {shown.map((group) => {
              const name = `${result.by ?? 'group'} ${group.key}${group.comm ? ` (${group.comm})` : ''}`;
              return (
                <li key={String(group.key)}>
                  <h4>{name}</h4>
                  <p class="hint">
                    n={formatNumber(group.histogram.count)} · p50 {formatNumber(group.histogram.p50)} · p99 {formatNumber(group.histogram.p99)} {unit}
                  </p>
                  <HistogramChart
                    buckets={group.histogram.buckets}
                    unit={unit}
                    markers={markersOf(group.histogram)}
                    height={140}
                    compact
                    valueRange={groupRange}
                    label={`Histogram of ${name}: ${formatNumber(group.histogram.count)} values, p99 ${formatNumber(group.histogram.p99)} ${unit}`}
                  />
                </li>
              );
            })}
          </ul>
          {groups.length > MULTIPLES && (
            <button type="button" onClick={() => setAllGroups(!allGroups)}>
              {allGroups ? `Show the ${MULTIPLES} largest groups` : `Show all ${groups.length} groups`}
            </button>
          )}
        </>
      )}
    </section>
  );
}
