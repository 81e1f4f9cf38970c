/** bpftrace runner: `bpftrace -f json` for the generic tools, with its output in the result kinds. */
export {
  BpftraceError,
  bpftraceAvailable,
  bpftraceVersion,
  runBpftrace,
  type BpftraceRun,
  type RunBpftraceOptions,
} from './runner.js';
export {
  BpftraceOutputParser,
  bucketsFromBpftrace,
  countsFromMap,
  countsFromOutput,
  emptyOutput,
  eventsFromOutput,
  histogramFromBuckets,
  histogramFromOutput,
  parseBpftraceOutput,
  splitKey,
  type BpftraceHistBucket,
  type BpftraceOutput,
  type BpftraceStatsValue,
} from './output.js';
