export * from './catalog.js';
export * from './definition.js';
export * from './validate-params.js';
export type { ExecsnoopParams } from './execsnoop/execsnoop.schema.js';
export type { SyscountParams, SyscountKey } from './syscount/syscount.schema.js';
export type { RunqlatParams, RunqlatUnit } from './runqlat/runqlat.schema.js';
