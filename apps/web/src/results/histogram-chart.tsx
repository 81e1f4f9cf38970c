import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { HistogramBucket } from '../api/results';
import { UPlotChart } from '../components/uplot-chart';
import { formatNumber, formatTicks } from '../format';
import { barsOf, valueRangeOf, type Bar } from './histogram-model';

interface Props {
  buckets: readonly HistogramBucket[];
  unit: string;
  markers: { label: string; value: number }[];
  height: number;
  label: string;
  /** Small multiples leave out axis titles and marker labels. */
  compact?: boolean;
  /** The value axis's range, shared by small multiples so they compare; else the buckets' own. */
  valueRange?: [number, number];
}

const BAR_FILL = 'rgba(49, 130, 189, 0.75)';
const MARKER = '#b2182b';

/** The buckets as filled rectangles [lo, hi) × [floor, count]: uPlot's extension point for custom series. */
function barPaths(bars: readonly Bar[], floor: number): uPlot.Series.PathBuilder {
  return (u) => {
    const fill = new Path2D();
    const y0 = u.valToPos(floor, 'y', true);
    for (const bar of bars) {
      const x0 = u.valToPos(bar.lo, 'x', true);
      const x1 = u.valToPos(bar.hi, 'x', true);
      const y = u.valToPos(bar.count, 'y', true);
      fill.rect(x0, y, Math.max(1, x1 - x0), y0 - y);
    }
    return { fill, stroke: fill };
  };
}

/** Vertical lines at the percentiles, labelled at the top. */
function drawMarkers(markers: Props['markers'], labelled: boolean) {
  return (u: uPlot) => {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    ctx.strokeStyle = MARKER;
    ctx.fillStyle = MARKER;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    markers.forEach((marker, i) => {
      const x = u.valToPos(marker.value, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      if (labelled) ctx.fillText(marker.label, x + 3 * devicePixelRatio, top + (12 + i * 12) * devicePixelRatio);
    });
    ctx.restore();
  };
}

/**
 * A histogram on log axes (value and count): the log-linear buckets keep their true widths, so the shape of
 * a long tail is visible; p50/p90/p99 are dashed lines.
 */
export function HistogramChart({ buckets, unit, markers, height, label, compact = false, valueRange }: Props) {
  const bars = useMemo(() => barsOf(buckets), [buckets]);
  const data = useMemo<uPlot.AlignedData>(
    () => [bars.map((b) => Math.sqrt(b.lo * b.hi)), bars.map((b) => b.count)],
    [bars],
  );
  if (bars.length === 0) return <p>No values.</p>;
  const [lo, hi] = valueRange ?? valueRangeOf(bars);
  const top = Math.max(...bars.map((b) => b.count));
  const floor = 0.8;
  const options = (width: number): uPlot.Options => ({
    width,
    height,
    legend: { show: false },
    cursor: { show: !compact, points: { show: false } },
    scales: {
      x: { time: false, distr: 3, log: 10, range: [lo / 1.2, hi * 1.2] },
      y: { distr: 3, log: 10, range: [floor, top * 2] },
    },
    axes: [
      { label: compact ? undefined : `value (${unit}), log scale`, values: (_u, ticks) => formatTicks(ticks), size: compact ? 30 : 40 },
      { label: compact ? undefined : 'count, log scale', values: (_u, ticks) => formatTicks(ticks), size: compact ? 40 : 60 },
    ],
    series: [{}, { label: 'count', fill: BAR_FILL, stroke: BAR_FILL, paths: barPaths(bars, floor), points: { show: false } }],
    hooks: { draw: [drawMarkers(markers, !compact)] },
  });
  return (
    <figure class="histogram">
      <UPlotChart options={options} data={data} label={label} />
      {!compact && (
        <details>
          <summary>Buckets as a table</summary>
          <table class="data">
            <thead>
              <tr>
                <th scope="col" class="num">From ({unit})</th>
                <th scope="col" class="num">To ({unit})</th>
                <th scope="col" class="num">Count</th>
              </tr>
            </thead>
            <tbody>
              {buckets
                .filter((b) => b.count > 0)
                .map((b) => (
                  <tr key={b.lo}>
                    <td class="num">{formatNumber(b.lo)}</td>
                    <td class="num">{formatNumber(b.hi)}</td>
                    <td class="num">{formatNumber(b.count)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
