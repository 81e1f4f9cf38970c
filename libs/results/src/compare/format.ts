/** Numbers as the `why` sentences print them: short, and never in exponent form except p-values. */

/** Integers as they are, large values rounded, others to 4 significant digits (812.25 → 812.3). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(4)));
}

/** A value with its unit, when it has one: `812 us`. */
export const withUnit = (value: number, unit: string): string => (unit ? `${formatNumber(value)} ${unit}` : formatNumber(value));

/** A share in [0, 1] as a percentage: `25.0%`. */
export const formatShare = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** A p-value: `p=0.03`, `p=2e-9`; one too small for doubles reads `p<1e-15`. */
export function formatP(p: number): string {
  if (p === 0) return 'p<1e-15';
  if (p < 0.001) return `p=${p.toExponential(0)}`;
  return `p=${Number(p.toPrecision(2))}`;
}
