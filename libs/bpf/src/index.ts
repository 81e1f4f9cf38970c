/**
 * libs/bpf: the TypeScript binding to libbpf.so.1 (through koffi). Importing it loads no native code;
 * libbpf is loaded on first use. See docs/bpf-runtime.md for the design.
 */
export { BpfError, NotSupportedError, errnoName } from './errors.js';
export * from './layout.js';
export { BpfObject, type RodataValue } from './object.js';
export { BpfProgram, type PerfSamplingOptions, type UprobeTarget, type UsdtTarget } from './program.js';
export { BpfLink, type LinkInfo } from './link.js';
export { BPF_MAP_TYPE, BpfMap, numPossibleCpus } from './map.js';
export {
  PERF_COUNT_HW_CPU_CYCLES, PERF_COUNT_SW_CPU_CLOCK, PERF_TYPE_HARDWARE, PERF_TYPE_SOFTWARE, PerfEventAttr,
  type PerfEventSpec, closeFd, onlineCpus, openPerfEvent, parseCpuList,
} from './perf.js';
export { resolveBinaryPath, libraryNameMatches } from './binary-path.js';
export { NotElfError, readElfFunctions, readUsdtProbes, type ElfFunction, type UsdtNote } from './elf-symbols.js';
export { ensureTracefs, kprobesAvailable, pmuExists, tracefsRoot, uprobesAvailable } from './tracefs.js';
export { RingBuffer } from './ring-buffer.js';
export { type SectionVar, type VarShape } from './btf.js';
export { bpfObjectPath } from './object-path.js';
export { btfCacheDir, minimizedBtf } from './min-btf.js';
export { sleepOrAbort } from './wait.js';
export { cgroupId } from './cgroup.js';
export { probeCapabilities, probeCapabilityReport } from './capabilities.js';
export * from './histogram/index.js';
export * from './symbolize/index.js';
export * from './bpftrace/index.js';
