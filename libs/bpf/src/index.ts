/**
 * libs/bpf: the TypeScript binding to libbpf.so.1 (through koffi). Importing it loads no native code;
 * libbpf is loaded on first use. See docs/bpf-runtime.md for the design.
 */
export { BpfError, NotSupportedError, errnoName } from './errors.js';
export * from './layout.js';
export { BpfObject, type RodataValue } from './object.js';
export { BpfProgram } from './program.js';
export { BpfLink } from './link.js';
export { BpfMap, numPossibleCpus } from './map.js';
export { RingBuffer } from './ring-buffer.js';
export { type SectionVar, type VarShape } from './btf.js';
export { bpfObjectPath } from './object-path.js';
export { sleepOrAbort } from './wait.js';
export { cgroupId } from './cgroup.js';
