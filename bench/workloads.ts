/** The bench's workloads, compiled into WORK by run.ts's prepare(); each resolves to its throughput. */
import { join } from 'node:path';
import { run, WORK } from './lib.js';

/** Round trips/s of two processes pinned to CPU 0 passing a byte over two pipes (bench/pingpong.c). */
export async function pingpong(seconds: number): Promise<number> {
  return Number((await run('taskset', ['-c', '0', join(WORK, 'pingpong'), String(seconds)])).trim());
}

/** Loop iterations/s of one busy thread pinned to each CPU (bench/spin.c). */
export async function spin(seconds: number): Promise<number> {
  return Number((await run(join(WORK, 'spin'), [String(seconds)])).trim());
}

/** Calls/s of a never-inlined hot_function called in a loop on CPU 0 (bench/hot.c), and how many calls it made. */
export async function hot(seconds: number): Promise<{ rate: number; calls: number }> {
  const [rate, calls] = (await run('taskset', ['-c', '0', join(WORK, 'hot'), String(seconds)])).trim().split(' ').map(Number);
  return { rate: rate!, calls: calls! };
}
