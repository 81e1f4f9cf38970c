import type { HistogramResult, StacksResult } from '../../../contracts/src/index.js';
import { formatNumber, formatShare } from './format.js';
import { functionCounts } from './functions.js';
import { mergeSamples } from './merge.js';
import { exposureMs, type Sample } from './sample.js';

/** Fewer hosts leave no "rest" to stand apart from: with two, each is as far from the other. */
export const MIN_OUTLIER_HOSTS = 3;

/**
 * What the score measures, by kind: `p99_log_ratio` (histograms: |ln(p99 / p99 of the rest)|),
 * `rate_log_ratio` (counts and events: |ln(rate / rate of the rest)|), `self_share_jsd` (stacks: the
 * Jensen–Shannon divergence, in bits, of the functions' self shares).
 */
export type OutlierMetric = 'p99_log_ratio' | 'rate_log_ratio' | 'self_share_jsd';

export interface OutlierHost {
  host: string;
  /** ≥ 0; 0 when the host is like the rest. */
  score: number;
  /** The host's figure: its p99, its rate per second, or (stacks) its share of the function that differs most. */
  value: number;
  /** The same figure for the other hosts merged. */
  restValue: number;
  why: string;
}

export interface OutlierReport {
  /** Null when there are no hosts. */
  metric: OutlierMetric | null;
  /** The unit of value and restValue: the histogram's, `<unit>_per_sec`, or `share` (a fraction in [0, 1]). */
  unit: string | null;
  /** Why there is no ranking (fewer than 3 hosts), or null. */
  note: string | null;
  /** Most different first (ties by host name). */
  hosts: OutlierHost[];
}

type Scored = Omit<OutlierHost, 'host'>;

/**
 * The hosts of a job ranked by how far each is from all the others merged (leave one out). Needs at least 3
 * hosts; with fewer the report says so in `note` and ranks none.
 *
 * @throws IncompatibleSamplesError when the hosts' results cannot be merged (different kinds or units).
 */
export function findOutliers(hosts: { host: string; sample: Sample }[]): OutlierReport {
  const first = hosts[0]?.sample.result;
  const metric: OutlierMetric | null = !first ? null : first.kind === 'histogram' ? 'p99_log_ratio' : first.kind === 'stacks' ? 'self_share_jsd' : 'rate_log_ratio';
  const unit = !first ? null : first.kind === 'histogram' ? first.unit : first.kind === 'stacks' ? 'share' : first.kind === 'counts' ? 'count_per_sec' : 'events_per_sec';
  if (hosts.length < MIN_OUTLIER_HOSTS) {
    return { metric, unit, note: `outliers need at least ${MIN_OUTLIER_HOSTS} hosts; this job has ${hosts.length}`, hosts: [] };
  }
  const others = hosts.length - 1;
  const scored = hosts.map(({ host, sample }, at) => {
    const rest = mergeSamples(hosts.filter((_, other) => other !== at).map((h) => h.sample));
    const score = metric === 'p99_log_ratio' ? p99Score(sample, rest, others) : metric === 'self_share_jsd' ? jsdScore(sample, rest, others) : rateScore(sample, rest, others);
    return { host, ...score };
  });
  scored.sort((a, b) => b.score - a.score || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { metric, unit, note: null, hosts: scored };
}

const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : Number(ratio.toPrecision(3))}×`;

/** Values below 1 count as 1: the buckets hold integers, so 1 is the resolution (and an empty host's 0 stays finite). */
function p99Score(sample: Sample, rest: Sample, others: number): Scored {
  const unit = (sample.result as HistogramResult).unit;
  const value = (sample.result as HistogramResult).p99;
  const restValue = (rest.result as HistogramResult).p99;
  const ratio = Math.max(value, 1) / Math.max(restValue, 1);
  return {
    score: Math.abs(Math.log(ratio)),
    value,
    restValue,
    why: `p99 ${formatNumber(value)} ${unit} against ${formatNumber(restValue)} ${unit} on the other ${others} hosts merged (${times(ratio)})`,
  };
}

/** Half an event is added to each count before the ratio (as in a Haldane correction), so a silent host scores finitely. */
function rateScore(sample: Sample, rest: Sample, others: number): Scored {
  const total = (s: Sample) => (s.result as { total: number }).total;
  const rate = (count: number, s: Sample) => (count * 1000) / exposureMs(s);
  const ratio = rate(total(sample) + 0.5, sample) / rate(total(rest) + 0.5, rest);
  const value = rate(total(sample), sample);
  const restValue = rate(total(rest), rest);
  return {
    score: Math.abs(Math.log(ratio)),
    value,
    restValue,
    why: `${formatNumber(value)}/s against ${formatNumber(restValue)}/s on the other ${others} hosts merged (${times(restValue > 0 ? value / restValue : ratio)})`,
  };
}

/** Self shares per function (symbol + module). */
function selfShares(sample: Sample): Map<string, { name: string; share: number }> {
  const stacks = (sample.result as StacksResult).stacks;
  const total = stacks.reduce((sum, s) => sum + s.count, 0);
  const shares = new Map<string, { name: string; share: number }>();
  for (const [key, fn] of functionCounts(stacks)) if (fn.self > 0) shares.set(key, { name: fn.function, share: fn.self / total });
  return shares;
}

/** Jensen–Shannon divergence (bits, in [0, 1]) of the self-share distributions; 1 when exactly one side is empty. */
function jsdScore(sample: Sample, rest: Sample, others: number): Scored {
  const p = selfShares(sample);
  const q = selfShares(rest);
  let divergence = p.size === 0 && q.size === 0 ? 0 : p.size === 0 || q.size === 0 ? 1 : 0;
  let widest = { name: '', value: 0, restValue: 0 };
  for (const key of new Set([...p.keys(), ...q.keys()])) {
    const a = p.get(key)?.share ?? 0;
    const b = q.get(key)?.share ?? 0;
    if (p.size > 0 && q.size > 0) {
      const m = (a + b) / 2;
      divergence += (a > 0 ? (a / 2) * Math.log2(a / m) : 0) + (b > 0 ? (b / 2) * Math.log2(b / m) : 0);
    }
    if (Math.abs(a - b) > Math.abs(widest.value - widest.restValue)) widest = { name: (p.get(key) ?? q.get(key))!.name, value: a, restValue: b };
  }
  return {
    score: Math.max(0, divergence),
    value: widest.value,
    restValue: widest.restValue,
    why:
      widest.name === ''
        ? `the same self shares as the other ${others} hosts merged`
        : `self shares diverge from the other ${others} hosts merged (JSD ${divergence.toFixed(3)} bits); most different: ${widest.name} ${formatShare(widest.value)} here, ${formatShare(widest.restValue)} elsewhere`,
  };
}
