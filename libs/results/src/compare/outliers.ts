import type { CountsResult, EventsResult, HistogramResult, StacksResult, ToolResult } from '../../../contracts/src/index.js';
import { IncompatibleSamplesError } from './errors.js';
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
type Host = { host: string; sample: Sample };

/**
 * The hosts of a job ranked by how far each is from all the others merged (leave one out). Needs at least 3
 * hosts; with fewer the report says so in `note` and ranks none.
 *
 * @throws IncompatibleSamplesError when the hosts' results differ in kind or unit.
 */
export function findOutliers(hosts: Host[]): OutlierReport {
  const first = hosts[0]?.sample.result;
  const metric: OutlierMetric | null = !first ? null : first.kind === 'histogram' ? 'p99_log_ratio' : first.kind === 'stacks' ? 'self_share_jsd' : 'rate_log_ratio';
  const unit = !first ? null : first.kind === 'histogram' ? first.unit : first.kind === 'stacks' ? 'share' : first.kind === 'counts' ? 'count_per_sec' : 'events_per_sec';
  for (const { sample } of hosts) {
    if (describe(sample.result) !== describe(first!)) throw new IncompatibleSamplesError(`cannot rank ${describe(sample.result)} among ${describe(first!)}`);
  }
  if (hosts.length < MIN_OUTLIER_HOSTS) {
    return { metric, unit, note: `outliers need at least ${MIN_OUTLIER_HOSTS} hosts; this job has ${hosts.length}`, hosts: [] };
  }
  const scores = metric === 'p99_log_ratio' ? p99Scores(hosts) : metric === 'self_share_jsd' ? jsdScores(hosts) : rateScores(hosts);
  const ranked = hosts.map(({ host }, at) => ({ host, ...scores[at]! }));
  ranked.sort((a, b) => b.score - a.score || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { metric, unit, note: null, hosts: ranked };
}

/** What must be alike for hosts to be ranked together: the kind, and the unit of histograms and stacks. */
const describe = (result: ToolResult): string => (result.kind === 'histogram' || result.kind === 'stacks' ? `${result.kind} in ${result.unit}` : `${result.kind} results`);

const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : Number(ratio.toPrecision(3))}×`;
const onOthers = (hosts: Host[]) => `on the other ${hosts.length - 1} hosts merged`;

/**
 * Each host's p99 against the p99 of the others' merged buckets. Values below 1 count as 1: the buckets hold
 * integers, so 1 is the resolution (and an empty host's 0 stays finite).
 */
function p99Scores(hosts: Host[]): Scored[] {
  return hosts.map(({ sample }, at) => {
    const rest = mergeSamples(hosts.filter((_, other) => other !== at).map((h) => h.sample)).result as HistogramResult;
    const { p99: value, unit } = sample.result as HistogramResult;
    const ratio = Math.max(value, 1) / Math.max(rest.p99, 1);
    return {
      score: Math.abs(Math.log(ratio)),
      value,
      restValue: rest.p99,
      why: `p99 ${formatNumber(value)} ${unit} against ${formatNumber(rest.p99)} ${unit} ${onOthers(hosts)} (${times(ratio)})`,
    };
  });
}

/**
 * Each host's rate against the others' (their counts over their traced time). Half an event is added to each
 * count before the ratio (a Haldane correction), so a silent host scores finitely.
 */
function rateScores(hosts: Host[]): Scored[] {
  const counts = hosts.map(({ sample }) => (sample.result as CountsResult | EventsResult).total);
  const exposures = hosts.map(({ sample }) => exposureMs(sample));
  const [allCounts, allExposure] = [counts.reduce((a, b) => a + b, 0), exposures.reduce((a, b) => a + b, 0)];
  return hosts.map((_, at) => {
    const [count, exposure] = [counts[at]!, exposures[at]!];
    const [restCount, restExposure] = [allCounts - count, allExposure - exposure];
    const value = (count * 1000) / exposure;
    const restValue = (restCount * 1000) / restExposure;
    const ratio = ((count + 0.5) / exposure) * (restExposure / (restCount + 0.5));
    return {
      score: Math.abs(Math.log(ratio)),
      value,
      restValue,
      why: `${formatNumber(value)}/s against ${formatNumber(restValue)}/s ${onOthers(hosts)} (${times(restValue > 0 ? value / restValue : ratio)})`,
    };
  });
}

/** Self samples per function (symbol + module) with its name. */
function selfCounts(sample: Sample): Map<string, { name: string; self: number }> {
  const selves = new Map<string, { name: string; self: number }>();
  for (const [key, fn] of functionCounts((sample.result as StacksResult).stacks)) if (fn.self > 0) selves.set(key, { name: fn.function, self: fn.self });
  return selves;
}

/** A count map as shares of its sum. */
function shares(counts: ReadonlyMap<string, number>): Map<string, number> {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return new Map([...counts].filter(([, n]) => n > 0).map(([key, n]) => [key, n / total]));
}

/** Each host's function self shares against the others' merged: Jensen–Shannon divergence in bits, in [0, 1]. */
function jsdScores(hosts: Host[]): Scored[] {
  const perHost = hosts.map(({ sample }) => selfCounts(sample));
  const names = new Map<string, string>();
  const all = new Map<string, number>();
  for (const selves of perHost) {
    for (const [key, { name, self }] of selves) {
      names.set(key, name);
      all.set(key, (all.get(key) ?? 0) + self);
    }
  }
  return perHost.map((selves) => {
    const p = shares(new Map([...selves].map(([key, { self }]) => [key, self])));
    const q = shares(new Map([...all].map(([key, n]) => [key, n - (selves.get(key)?.self ?? 0)])));
    const { divergence, widest } = jensenShannon(p, q);
    return {
      score: divergence,
      value: widest?.p ?? 0,
      restValue: widest?.q ?? 0,
      why: widest
        ? `self shares diverge from the other ${hosts.length - 1} hosts merged (JSD ${divergence.toFixed(3)} bits); ` +
          `most different: ${names.get(widest.key)} ${formatShare(widest.p)} here, ${formatShare(widest.q)} elsewhere`
        : `no samples here nor ${onOthers(hosts)}`,
    };
  });
}

/** JSD (bits) of two share distributions, 1 when exactly one is empty, and the key whose shares differ most. */
function jensenShannon(p: ReadonlyMap<string, number>, q: ReadonlyMap<string, number>) {
  let divergence = p.size === 0 || q.size === 0 ? (p.size === q.size ? 0 : 1) : 0;
  let widest: { key: string; p: number; q: number } | null = null;
  for (const key of new Set([...p.keys(), ...q.keys()])) {
    const [a, b] = [p.get(key) ?? 0, q.get(key) ?? 0];
    if (p.size > 0 && q.size > 0) {
      const m = (a + b) / 2;
      divergence += (a > 0 ? (a / 2) * Math.log2(a / m) : 0) + (b > 0 ? (b / 2) * Math.log2(b / m) : 0);
    }
    if (!widest || Math.abs(a - b) > Math.abs(widest.p - widest.q)) widest = { key, p: a, q: b };
  }
  return { divergence: Math.max(0, divergence), widest };
}
