import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Each CPU's current frequency in kHz, from `<root>/cpu<N>/cpufreq/scaling_cur_freq`, for the CPUs that
 * have one (none on a host without a cpufreq driver, such as most VMs, nor without sysfs).
 */
export function readScalingCurFreqs(root = '/sys/devices/system/cpu'): Map<number, number> {
  const khz = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return khz; // no sysfs here (a container without /sys): no frequency from it
  }
  for (const entry of entries) {
    const cpu = /^cpu(\d+)$/.exec(entry)?.[1];
    if (cpu === undefined) continue;
    let text: string;
    try {
      text = readFileSync(join(root, entry, 'cpufreq', 'scaling_cur_freq'), 'utf8');
    } catch {
      continue; // no cpufreq for this CPU
    }
    const value = Number.parseInt(text.trim(), 10);
    if (value > 0) khz.set(Number(cpu), value);
  }
  return khz;
}

/** What a cpufreq run learned about the host's frequency information. */
export interface FrequencyObservations {
  /** CPUs whose frequency sysfs gave at the start. */
  seededCpus: number;
  /** power:cpu_frequency events seen while attached. */
  frequencyEvents: number;
  /** Samples (passing the filters) counted in rows. */
  countedSamples: number;
  /** Samples (passing the filters) on a CPU whose frequency was still unknown: not counted. */
  unknownSamples: number;
}

/**
 * The result's `note`: why it is empty (the host exposes no frequency at all) or partial (some samples
 * fell on CPUs whose frequency was never known); undefined when every sample was counted.
 */
export function cpufreqNote(o: FrequencyObservations): string | undefined {
  if (o.seededCpus === 0 && o.frequencyEvents === 0) {
    return 'this host exposes no CPU frequency information: no cpufreq in sysfs (/sys/devices/system/cpu/cpu*/cpufreq) and no power:cpu_frequency events during the run';
  }
  if (o.unknownSamples > 0) {
    return `${o.unknownSamples} of ${o.unknownSamples + o.countedSamples} samples were taken on CPUs whose frequency was unknown (no scaling_cur_freq in sysfs and no power:cpu_frequency event for them yet) and are not counted`;
  }
  return undefined;
}
