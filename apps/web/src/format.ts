/** Display formatting shared by every screen. Pure functions: format.spec.ts pins their output. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** `1234567.891` → `1,234,567.89`; non-finite values as `–`. */
export const formatNumber = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : grouped.format(value);

/** Three significant digits, for axis ticks and chart labels: `0.000123` → `0.000123`, `123456` → `123,000`. */
const formatCompact = (value: number): string => compact.format(value);

/** Axis tick labels: uPlot passes null for the ticks a log axis leaves unlabelled, and they stay blank. */
export const formatTicks = (ticks: readonly (number | null)[]): (string | null)[] => ticks.map((t) => (t === null ? null : formatCompact(t)));

/** A share in [0, 1] as a percentage with one decimal: `0.7034` → `70.3%`. */
export const formatShare = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** A signed change: `+12.5%` / `−3.0%` for ratios (target/base − 1), `null` (base 0) as `new`. */
export function formatRatioChange(ratio: number | null): string {
  if (ratio === null) return 'new';
  const percent = (ratio - 1) * 100;
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)}%`;
}

/** A signed difference with grouping: `+1,200`, `−3`, `0`. */
export function formatDelta(delta: number): string {
  if (delta === 0) return '0';
  return `${delta > 0 ? '+' : '−'}${grouped.format(Math.abs(delta))}`;
}

/** A signed difference of shares in percentage points: `+1.25 pp`. */
export function formatPointsDelta(deltaShare: number): string {
  const points = deltaShare * 100;
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)} pp`;
}

/** Milliseconds for people: `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** How long ago `iso` was, relative to `now` (ms): `5 s ago`, `3 min ago`, `2 h ago`, `4 d ago`. */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** An ISO timestamp in the viewer's locale, to the second. */
export const formatTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');

/** The first 8 characters of a UUID: enough to tell jobs apart on one screen, the full id in a title. */
export const shortId = (id: string): string => id.slice(0, 8);

/** A value with its histogram unit: `812 us`; counts-like units (`tasks`, `value`) without a suffix. */
export function formatWithUnit(value: number, unit: string): string {
  return unit === 'value' ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
}

/**
 * A check threshold's `change` in its limit's own terms: percent for `+10%`, points for `+2pp`, the plain
 * difference (in the result's unit) for absolute limits such as `+2ms`.
 */
export function formatThresholdChange(change: number | null, limit: string): string {
  if (change === null) return '–';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  const magnitude = grouped.format(Math.abs(change));
  if (limit.endsWith('pp')) return `${sign}${magnitude} pp`;
  if (limit.endsWith('%')) return `${sign}${magnitude}%`;
  return `${sign}${magnitude}`;
}
