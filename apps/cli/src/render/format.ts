const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const signedDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, signDisplay: 'exceptZero' });

/** A count or measurement for a terminal: thousands separated, at most 2 decimals (`1,234.57`). */
export const formatNumber = (n: number): string => (Number.isInteger(n) ? integer : decimal).format(n);

/** A signed difference: `+1,200`, `-3.5`, `0`. */
export const formatDelta = (n: number): string => signedDecimal.format(n);

/** A share in [0, 1] as a percentage: 0.1234 → `12.3%`. */
export const formatShare = (share: number): string => percent.format(share);

/** A relative change: 0.2 → `+20%`, -0.05 → `-5%`. */
export const formatChange = (change: number): string => signedPercent.format(change);

/**
 * Any JSON value in a table cell: arrays joined with spaces, objects as JSON, null and undefined empty.
 * Numbers as they are (a pid or a port is no quantity to group by thousands): callers format quantities.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(formatCell).join(' ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
