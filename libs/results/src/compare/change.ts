import type { Change } from './types.js';

/** A figure on both sides: delta = target − base, ratio = target / base (null when base is 0). */
export const changeOf = (base: number, target: number): Change => ({ base, target, delta: target - base, ratio: base === 0 ? null : target / base });
