import type { ResultKind } from '../../../contracts/src/index.js';

export const HISTOGRAM_STATS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean', 'count'] as const;
export type HistogramStat = (typeof HISTOGRAM_STATS)[number];

/** Nanoseconds per time unit: the units histograms of time use, and absolute limits may be written in. */
export const NS_PER: Readonly<Record<TimeUnit, number>> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };
export type TimeUnit = 'ns' | 'us' | 'ms' | 's';
export const isTimeUnit = (unit: string): unit is TimeUnit => Object.hasOwn(NS_PER, unit);

/** What a threshold measures. */
export type ThresholdMetric =
  | { kind: 'histogram'; stat: HistogramStat }
  /** `match` null: the total; otherwise the rows whose columns have these values (as text), summed. */
  | { kind: 'counts' | 'events'; match: Record<string, string> | null }
  /** The symbol's share of samples: with it anywhere on the stack (`total`) or innermost (`self`). */
  | { kind: 'stacks'; share: 'total' | 'self'; symbol: string };

/**
 * How far the measure may move. `increase`: fails when it rises more than `amount`; `decrease`: when it
 * falls more (throughput-like measures). `%` relative to the baseline, `pp` percentage points of a share,
 * a time unit or `own` (the histogram's own unit) an absolute difference.
 */
export interface ThresholdBound {
  direction: 'increase' | 'decrease';
  /** ≥ 0, in `unit`. */
  amount: number;
  unit: '%' | 'pp' | TimeUnit | 'own';
}

export interface Threshold {
  /** As the user wrote it: `p99`, `syscall=read`, `function:foo`. */
  name: string;
  /** As the user wrote it: `+10%`. */
  limit: string;
  metric: ThresholdMetric;
  bound: ThresholdBound;
}

export interface ThresholdProblem {
  /** `thresholds.<name>`. */
  field: string;
  message: string;
}

/** What the caller may know before the result exists, to report more problems up front. */
export interface ThresholdContext {
  /** The histogram's unit: a time limit on a histogram of something else is then a problem. */
  unit?: string;
  /** The key columns (counts) or columns (events) a selector may use. */
  columns?: string[];
}

const ACCEPTED = {
  distribution: '+N% or -N% (relative change), +N with ns, us, ms or s (absolute, for a histogram of time), or a bare +N (absolute, in the histogram\'s own unit)',
  count: '+N% or -N% (relative change; with -, a decrease beyond it fails)',
  share: '+N% or -N% (relative change of the share) or +Npp / -Npp (percentage points)',
} as const;

const LIMIT = /^([+-])\s*(\d+(?:\.\d+)?)\s*(%|pp|ns|us|µs|ms|s)?$/;

/**
 * Thresholds of a check (`{ "p99": "+10%" }`) for a result kind, parsed. Names: histogram
 * `p50|p90|p99|p999|max|mean|count`; counts and events `total` or `col=value[,col=value]` (those rows summed);
 * stacks `function:<symbol>` (share of samples with the symbol on the stack) or `self:<symbol>` (innermost).
 * Every malformed name or limit becomes a problem naming `thresholds.<name>` and what is accepted; with
 * `context`, so do time limits on a histogram of something else and selectors on unknown columns.
 */
export function parseThresholds(
  kind: ResultKind,
  thresholds: Record<string, string>,
  context: ThresholdContext = {},
): { parsed: Threshold[]; problems: ThresholdProblem[] } {
  const parsed: Threshold[] = [];
  const problems: ThresholdProblem[] = [];
  for (const [name, limit] of Object.entries(thresholds)) {
    const problem = (message: string) => problems.push({ field: `thresholds.${name}`, message });
    const metric = parseMetric(kind, name.trim(), context);
    if (typeof metric === 'string') {
      problem(metric);
      continue;
    }
    const accepted = metric.kind === 'stacks' ? 'share' : metric.kind === 'histogram' && metric.stat !== 'count' ? 'distribution' : 'count';
    const bound = parseBound(String(limit));
    if (!bound || !allows(accepted, bound.unit)) {
      problem(`${JSON.stringify(limit)} is not a limit for ${name}: use ${ACCEPTED[accepted]}`);
      continue;
    }
    if (isTimeUnit(bound.unit) && context.unit !== undefined && !isTimeUnit(context.unit)) {
      problem(`${limit} is a time, but this histogram counts ${context.unit}: use a relative limit or a bare number (in ${context.unit})`);
      continue;
    }
    parsed.push({ name, limit, metric, bound });
  }
  return { parsed, problems };
}

function allows(accepted: keyof typeof ACCEPTED, unit: ThresholdBound['unit']): boolean {
  if (unit === '%') return true;
  if (accepted === 'share') return unit === 'pp';
  return accepted === 'distribution' && unit !== 'pp';
}

function parseBound(text: string): ThresholdBound | null {
  const m = LIMIT.exec(text.trim());
  if (!m) return null;
  const unit = m[3] === undefined ? 'own' : m[3] === 'µs' ? 'us' : (m[3] as ThresholdBound['unit']);
  return { direction: m[1] === '+' ? 'increase' : 'decrease', amount: Number(m[2]), unit };
}

/** The metric a name stands for, or why it stands for none. */
function parseMetric(kind: ResultKind, name: string, context: ThresholdContext): ThresholdMetric | string {
  switch (kind) {
    case 'histogram':
      return (HISTOGRAM_STATS as readonly string[]).includes(name)
        ? { kind, stat: name as HistogramStat }
        : `unknown threshold ${JSON.stringify(name)}: a histogram takes ${HISTOGRAM_STATS.slice(0, -1).join(', ')} or count`;
    case 'counts':
    case 'events': {
      if (name === 'total') return { kind, match: null };
      const match = parseSelector(name, context.columns);
      return typeof match === 'string' ? match : { kind, match };
    }
    case 'stacks': {
      const m = /^(function|self):(.+)$/.exec(name);
      if (!m || m[2]!.trim() === '') {
        return `unknown threshold ${JSON.stringify(name)}: a stacks result takes function:<symbol> (share of samples with it on the stack) or self:<symbol> (share with it innermost)`;
      }
      return { kind, share: m[1] === 'function' ? 'total' : 'self', symbol: m[2]!.trim() };
    }
  }
}

const SELECTOR_HELP = 'total, or rows selected as col=value[,col=value]';

function parseSelector(name: string, columns: string[] | undefined): Record<string, string> | string {
  const match: Record<string, string> = {};
  for (const part of name.split(',')) {
    const at = part.indexOf('=');
    const column = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (at < 0 || column === '' || value === '') return `${JSON.stringify(name)} is not a threshold: use ${SELECTOR_HELP}`;
    if (Object.hasOwn(match, column)) return `${JSON.stringify(name)} names column ${column} twice: use ${SELECTOR_HELP}`;
    if (columns && !columns.includes(column)) return `no column ${JSON.stringify(column)} to select on; the columns are ${columns.join(', ')}`;
    match[column] = value;
  }
  return match;
}
