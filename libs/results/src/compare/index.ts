/** Comparison of results, check verdicts and outliers: pure functions over samples (see /docs). */
export { compareSamples, type CompareOptions } from './compare.js';
export { differentialFolded } from './folded.js';
export { IncompatibleSamplesError, UnknownColumnError } from './errors.js';
export { evaluateThresholds, type CheckEvaluation, type ThresholdResult } from './evaluate.js';
export { mergeSamples } from './merge.js';
export { findOutliers, MIN_OUTLIER_HOSTS, type OutlierHost, type OutlierMetric, type OutlierReport } from './outliers.js';
export type { Sample } from './sample.js';
export type { ShiftTest } from './stats.js';
export { ALPHA } from './stats.js';
export {
  parseThresholds,
  type HistogramStat,
  type Threshold,
  type ThresholdBound,
  type ThresholdContext,
  type ThresholdMetric,
  type ThresholdProblem,
} from './thresholds.js';
export type * from './types.js';
