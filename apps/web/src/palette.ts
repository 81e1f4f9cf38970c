/**
 * Colours of the charts and flame graphs. Flame graphs: user frames in flamegraph.pl's warm hues, kernel
 * frames in cool blues, so the two read apart at a glance (and stay apart for red–green colour blindness:
 * the split is warm against cool, not red against green). Differential graphs: see {@link DIFF_PALETTES}.
 */
import type { FrameType } from './results/flame-tree';

type Rgb = readonly [number, number, number];

const rgb = ([r, g, b]: Rgb): string => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
const mix = (from: Rgb, to: Rgb, t: number): Rgb => [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, from[2] + (to[2] - from[2]) * t];

/** A stable number in [0, 1) from a name, so a function keeps its shade across renders and profiles. */
export function nameHash(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return (hash >>> 0) / 2 ** 32;
}

/** The fill of a flame-graph frame by its type, shaded by its name. */
export function frameColor(type: FrameType, name: string): string {
  const v = nameHash(name);
  switch (type) {
    case 'kernel':
      return rgb(mix([110, 160, 220], [70, 120, 200], v));
    case 'user':
      return rgb(mix([240, 120, 40], [245, 205, 60], v));
    default:
      return rgb([200, 200, 200]);
  }
}

/** The legend of {@link frameColor}. */
export const FRAME_LEGEND: { type: FrameType; label: string; color: string }[] = [
  { type: 'user', label: 'user frame', color: frameColor('user', 'user') },
  { type: 'kernel', label: 'kernel frame ([kernel] or a kernel module)', color: frameColor('kernel', 'kernel') },
  { type: 'process', label: 'process (comm)', color: frameColor('process', '') },
];

/** Search matches in a flame graph: magenta, a hue neither frame family uses. */
export const HIGHLIGHT = 'rgb(230, 0, 230)';

export type DiffPaletteName = 'red-blue' | 'blue-orange';

/**
 * Differential flame graph colours, from neutral (no change) to `grew` / `shrank` at the largest change.
 * `red-blue` is Brendan Gregg's, the one people know. `blue-orange` is the colour-blind-safe option: the
 * blue and orange of Okabe & Ito's palette differ in lightness as well as hue, so growth and shrinkage stay
 * apart for protan, deutan and tritan vision and in greyscale, where the pale pinks and lavenders of small
 * red/blue changes converge.
 */
export const DIFF_PALETTES: Record<DiffPaletteName, { label: string; grew: Rgb; shrank: Rgb; grewName: string; shrankName: string }> = {
  'red-blue': { label: 'red / blue (classic)', grew: [220, 40, 40], shrank: [40, 80, 220], grewName: 'red', shrankName: 'blue' },
  'blue-orange': { label: 'orange / blue (colour-blind safe)', grew: [230, 159, 0], shrank: [0, 90, 160], grewName: 'orange', shrankName: 'blue' },
};

const NEUTRAL: Rgb = [235, 235, 235];

/** The colour of a change `delta` (of a share) on a scale whose ends are ±`maxAbs`. */
export function diffColor(delta: number, maxAbs: number, palette: DiffPaletteName): string {
  if (maxAbs === 0 || delta === 0) return rgb(NEUTRAL);
  const { grew, shrank } = DIFF_PALETTES[palette];
  return rgb(mix(NEUTRAL, delta > 0 ? grew : shrank, Math.min(1, Math.abs(delta) / maxAbs)));
}

/** Sequential colour of a heatmap cell, `t` in [0, 1]: ColorBrewer's Blues, light (few) to dark (many). */
export function heatColor(t: number): string {
  const stops: Rgb[] = [
    [247, 251, 255],
    [107, 174, 214],
    [8, 48, 107],
  ];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return rgb(mix(stops[i]!, stops[i + 1]!, x - i));
}
