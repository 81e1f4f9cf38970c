import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalesce.js';

/** A task whose runs are recorded and finish only when the test says so. */
function controlledTask() {
  const log: string[] = [];
  const finishers: ((error?: Error) => void)[] = [];
  let runs = 0;
  const task = () => {
    const run = ++runs;
    log.push(`start ${run}`);
    return new Promise<void>((resolve, reject) => {
      finishers.push((error) => {
        log.push(`end ${run}`);
        if (error) reject(error);
        else resolve();
      });
    });
  };
  return { log, task, finish: (error?: Error) => finishers.shift()!(error) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe(Coalescer.name, () => {
  it('runs at once when the key is idle', async () => {
    const { log, task, finish } = controlledTask();
    const done = new Coalescer().run('job', task);
    expect(log).toEqual(['start 1']);
    finish();
    await done;
    expect(log).toEqual(['start 1', 'end 1']);
  });

  it('gives every caller arriving during a run one shared run that starts after it', async () => {
    const { log, task, finish } = controlledTask();
    const coalescer = new Coalescer();
    const first = coalescer.run('job', task);
    const resolved: number[] = [];
    const later = [1, 2, 3, 4, 5].map((i) => coalescer.run('job', task).then(() => resolved.push(i)));
    await settle();
    expect(log).toEqual(['start 1']);
    finish();
    await first;
    await settle();
    expect(log).toEqual(['start 1', 'end 1', 'start 2']);
    expect(resolved).toEqual([]);
    finish();
    await Promise.all(later);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    expect(resolved).toEqual([1, 2, 3, 4, 5]);
  });

  it('queues a caller arriving during the shared run behind it, not into it', async () => {
    const { log, task, finish } = controlledTask();
    const coalescer = new Coalescer();
    void coalescer.run('job', task);
    const second = coalescer.run('job', task);
    finish();
    await settle();
    const third = coalescer.run('job', task);
    finish();
    await second;
    await settle();
    finish();
    await third;
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs different keys independently', async () => {
    const { log, task, finish } = controlledTask();
    const coalescer = new Coalescer();
    const a = coalescer.run('a', task);
    const b = coalescer.run('b', task);
    expect(log).toEqual(['start 1', 'start 2']);
    finish();
    finish();
    await Promise.all([a, b]);
  });

  it('hands a failure to every caller of that run; the next call runs again', async () => {
    const { log, task, finish } = controlledTask();
    const coalescer = new Coalescer();
    const first = coalescer.run('job', task);
    const shared = [coalescer.run('job', task), coalescer.run('job', task)];
    finish();
    await first;
    await settle();
    finish(new Error('database away'));
    for (const caller of shared) await expect(caller).rejects.toThrow('database away');
    const retry = coalescer.run('job', task);
    finish();
    await retry;
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});
