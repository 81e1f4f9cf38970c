import { char, defineStruct, u32, u64, type BpfMap } from '../../../bpf/src/index.js';
import type { CountsResult } from '../../../contracts/src/index.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { cpufreq, type CpufreqParams } from './cpufreq.schema.js';
import { cpufreqNote, readScalingCurFreqs } from './frequency-info.js';

/** Mirrors `struct cpufreq_key` of cpufreq.h. */
export const CpufreqKey = defineStruct({ cpu: u32, mhz: u32, comm: char(16) });

const KEY = Buffer.alloc(4);

/** The rodata config of cpufreq.bpf.c for these params. */
export function cpufreqConfig(p: CpufreqParams) {
  return { ...taskFilterRodata(p), per_process: p.perProcess };
}

/** Writes each known CPU's frequency (kHz) into the per-CPU frequency array, in MHz; returns how many. */
function seedFrequencies(freqMhz: BpfMap, khzByCpu: ReadonlyMap<number, number>): number {
  let seeded = 0;
  for (const [cpu, khz] of khzByCpu) {
    const mhz = Math.floor(khz / 1000);
    if (cpu >= freqMhz.maxEntries || mhz === 0) continue;
    const key = Buffer.alloc(4);
    key.writeUInt32LE(cpu);
    const value = Buffer.alloc(4);
    value.writeUInt32LE(mhz);
    freqMhz.update(key, value);
    seeded++;
  }
  return seeded;
}

/**
 * cpufreq with the CPUs' starting frequencies (cpu → kHz) from `startingFrequencies`: sysfs
 * scaling_cur_freq on a real host. Rows `{ cpu, mhz, comm?, count }` sorted by count descending (with
 * `intervalSec` also per interval: the counts are only read, a snapshot is the counts so far); a sample
 * on a CPU whose frequency is unknown is not counted, and `note` says why rows are empty or partial.
 * `lostEvents` counts samples not counted because the map had 10240 keys already.
 */
export function cpufreqRunner(startingFrequencies: () => ReadonlyMap<number, number> = readScalingCurFreqs) {
  return defineRunner(cpufreq, {
    layouts: { counts: { key: CpufreqKey, value: u64 }, freq_mhz: { key: u32, value: u32 } },
    rodata: cpufreqConfig,
    attach: (obj, p) => [obj.program('cpufreq_change').attach(), ...obj.program('cpufreq_sample').attachPerfSampling({ frequency: p.frequencyHz })],
    collector(obj, p) {
      const keys = p.perProcess ? ['cpu', 'mhz', 'comm'] : ['cpu', 'mhz'];
      // Before attach (the skeleton makes the collector first): samples before the first change count.
      const seededCpus = seedFrequencies(obj.map('freq_mhz'), startingFrequencies());
      const read = (): CountsResult => {
        const rows: Record<string, unknown>[] = [];
        let total = 0;
        for (const [k, v] of obj.map('counts').entries()) {
          const key = CpufreqKey.decode(k);
          const count = Number(v.readBigUInt64LE(0));
          rows.push(p.perProcess ? { cpu: key.cpu, mhz: key.mhz, comm: key.comm, count } : { cpu: key.cpu, mhz: key.mhz, count });
          total += count;
        }
        rows.sort((a, b) => (b.count as number) - (a.count as number) || (a.cpu as number) - (b.cpu as number) || (a.mhz as number) - (b.mhz as number));
        return { kind: 'counts', keys, rows, total };
      };
      return {
        empty: (): CountsResult => ({ kind: 'counts', keys, rows: [], total: 0 }),
        snapshot: read,
        collect(): CountsResult {
          const result = read();
          const note = cpufreqNote({
            seededCpus,
            frequencyEvents: Number(obj.map('freq_events').sumPerCpuU64(KEY)),
            countedSamples: result.total,
            unknownSamples: Number(obj.map('unknown_samples').sumPerCpuU64(KEY)),
          });
          return { ...result, ...(note && { note }) };
        },
      };
    },
  });
}

export default cpufreqRunner();
