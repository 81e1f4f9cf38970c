/**
 * @deprecated Moved to libs/bpf/test-support/kernel.ts (kept out of the production build). This
 * re-export is excluded from the build too and goes once every test imports the new path.
 */
export * from '../test-support/kernel.js';
