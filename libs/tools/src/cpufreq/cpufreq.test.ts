import { beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { runTool, traceWorkload } from '../../../../test/support/tools.js';
import cpufreq, { cpufreqRunner } from './cpufreq.js';
import { readScalingCurFreqs } from './frequency-info.js';

const HZ = 499;
// CPU time, not wall time: samples of a task follow its CPU time, whatever else shares its CPU.
const RUN_MS = 600;

// These VMs have no cpufreq driver: no cpufreq in sysfs, so no power:cpu_frequency event either.
const noCpufreq = readScalingCurFreqs().size === 0;

describeKernel('cpufreq on the real kernel', () => {
  const name = `cf${process.pid % 100000}x`;
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('spinsleep', name);
  });

  it.runIf(noCpufreq)('on a host exposing no frequency: succeeds with no rows and says why', async () => {
    const { result } = await runTool(cpufreq, { perProcess: true }, { durationMs: 500 });
    expect(result).toEqual({
      kind: 'counts',
      keys: ['cpu', 'mhz', 'comm'],
      rows: [],
      total: 0,
      note: 'this host exposes no CPU frequency information: no cpufreq in sysfs (/sys/devices/system/cpu/cpu*/cpufreq) and no power:cpu_frequency events during the run',
    });
  });

  // The one thing sysfs would give here, injected: CPU 1 runs at 2400 MHz from the start (as the runner
  // seeds it from scaling_cur_freq), CPU 0's frequency stays unknown. The sampling and counting are real.
  it.runIf(noCpufreq)('counts every sample of a task under its CPU at that CPU\'s frequency, and none on a CPU of unknown frequency', async () => {
    const seeded = cpufreqRunner(() => new Map([[1, 2_400_000]]));
    const params = (pid: number) => ({ pid, perProcess: true, frequencyHz: HZ });
    // One round of RUN_MS on the CPU, no sleep.
    const workload = (cpu: number) => ({ file: binary, args: ['1', String(RUN_MS * 1000), '0'], cpu });
    const expected = (HZ * RUN_MS) / 1000;

    const { result: known } = await traceWorkload(seeded, workload(1), params);
    expect(known.keys).toEqual(['cpu', 'mhz', 'comm']);
    expect(known.rows).toEqual([{ cpu: 1, mhz: 2400, comm: name, count: known.total }]);
    expect(known.total).toBeGreaterThan(0.6 * expected);
    expect(known.total).toBeLessThan(1.4 * expected);
    expect(known.note).toBeUndefined();

    const { result: unknown } = await traceWorkload(seeded, workload(0), params);
    expect(unknown.rows).toEqual([]);
    expect(unknown.total).toBe(0);
    const uncounted = Number(/^(\d+) of \1 samples were taken on CPUs whose frequency was unknown/.exec(unknown.note ?? '')?.[1]);
    expect(uncounted).toBeGreaterThan(0.6 * expected);
    expect(uncounted).toBeLessThan(1.4 * expected);
    console.log(`cpufreq: ${known.total} samples counted at CPU 1 / 2400 MHz; ${uncounted} on CPU 0 (unknown) not counted; ~${expected} expected each`);
  });
});
