import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { HistogramSnapshot } from '../api/results';
import { UPlotChart } from '../components/uplot-chart';
import { formatNumber, formatTicks } from '../format';
import { heatColor } from '../palette';
import { heatLevel, heatmapOf, type Heatmap } from './histogram-model';

/** Fills each (interval × bucket) cell with its count's colour, on uPlot's time and log-value axes. */
function drawCells(map: Heatmap) {
  return (u: uPlot) => {
    const { ctx } = u;
    ctx.save();
    map.times.forEach((t, column) => {
      const x0 = u.valToPos(t, 'x', true);
      const x1 = u.valToPos(t + map.intervalSec, 'x', true);
      map.bands.forEach((band, row) => {
        const count = map.counts[column]![row]!;
        if (count === 0) return;
        const y0 = u.valToPos(band.lo, 'y', true);
        const y1 = u.valToPos(band.hi, 'y', true);
        ctx.fillStyle = heatColor(0.15 + 0.85 * heatLevel(count, map.max));
        ctx.fillRect(x0, y1, Math.max(1, x1 - x0), Math.max(1, y0 - y1));
      });
    });
    ctx.restore();
  };
}

/**
 * The latency heatmap (time × value bucket, colour = count) of a histogram with a `series`: how the
 * distribution moved during the run, which the whole-window histogram averages away.
 */
export function LatencyHeatmap({ series, intervalSec, unit }: { series: HistogramSnapshot[]; intervalSec?: number; unit: string }) {
  const map = useMemo(() => heatmapOf(series, intervalSec), [series, intervalSec]);
  const data = useMemo<uPlot.AlignedData>(() => [map.times, map.times.map(() => null)], [map]);
  if (map.bands.length === 0) return <p>The series has no values.</p>;
  const options = (width: number): uPlot.Options => ({
    width,
    height: 260,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: true, range: [map.times[0]!, map.times[map.times.length - 1]! + map.intervalSec] },
      y: { distr: 3, log: 10, range: [map.bands[0]!.lo, map.bands[map.bands.length - 1]!.hi] },
    },
    axes: [{ label: 'time' }, { label: `value (${unit}), log scale`, values: (_u, ticks) => formatTicks(ticks), size: 60 }],
    series: [{}, { label: 'cells', show: true, points: { show: false }, paths: () => null }],
    hooks: { draw: [drawCells(map)] },
  });
  return (
    <figure class="heatmap">
      <UPlotChart
        options={options}
        data={data}
        label={`Latency heatmap: ${map.times.length} intervals of ${map.intervalSec} s, ${map.bands.length} value bands (powers of two), at most ${formatNumber(map.max)} in a cell`}
      />
      <figcaption>
        <span class="heat-scale" aria-hidden="true" style={{ background: `linear-gradient(to right, ${heatColor(0.15)}, ${heatColor(1)})` }} />
        colour: values in the cell, log scale from 1 to {formatNumber(map.max)}; {map.times.length} intervals of {map.intervalSec} s
      </figcaption>
    </figure>
  );
}
