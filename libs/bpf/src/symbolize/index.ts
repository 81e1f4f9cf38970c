/**
 * Symbolization of stack addresses: kernel via /proc/kallsyms, user via /proc/PID/maps, ELF program
 * headers and a long-lived llvm-symbolizer. See docs/symbolization.md.
 */
export { KernelSymbols, KERNEL_MODULE, UNKNOWN_SYMBOL } from './kallsyms.js';
export { Symbolizer, type SymbolizerOptions } from './symbolizer.js';
export {
  UserSymbolizer,
  snapshotMaps,
  readProcessView,
  fileIdentity,
  UNKNOWN_MODULE,
  ANON_MODULE,
  type ProcessView,
  type UserSymbolizerOptions,
} from './user.js';
export { LlvmSymbolizerProcess, parseResponse, type LlvmSymbolizerOptions, type ResolvedSymbol } from './llvm-symbolizer.js';
export { parseMaps, findMapping, readProcessMaps, rootPrefix, isFileBacked, type Mapping } from './maps.js';
export {
  parseElfHeader,
  parseLoadSegments,
  loadSegmentsOf,
  readLoadSegments,
  fileOffsetToVaddr,
  type LoadSegment,
} from './elf.js';
