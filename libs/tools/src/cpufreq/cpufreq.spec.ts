import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateParams } from '../validate-params.js';
import { cpufreq } from './cpufreq.schema.js';
import { cpufreqNote, readScalingCurFreqs } from './frequency-info.js';

describe('cpufreq params', () => {
  it('fills the defaults in and takes the task filters', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(cpufreq, params)).toEqual([]);
    expect(params).toEqual({ frequencyHz: 99, perProcess: false });
    expect(validateParams(cpufreq, { pid: 42, comm: 'nginx', perProcess: true, frequencyHz: 1000 })).toEqual([]);
    expect(validateParams(cpufreq, { frequencyHz: 0 })[0]?.field).toBe('params.frequencyHz');
  });
});

describe('the note: why rows are empty or partial', () => {
  const none = { seededCpus: 0, frequencyEvents: 0, countedSamples: 0, unknownSamples: 0 };

  it('no sysfs frequency and no event: the host exposes none, whatever was sampled', () => {
    const note = 'this host exposes no CPU frequency information: no cpufreq in sysfs (/sys/devices/system/cpu/cpu*/cpufreq) and no power:cpu_frequency events during the run';
    expect(cpufreqNote(none)).toBe(note);
    expect(cpufreqNote({ ...none, unknownSamples: 198 })).toBe(note);
  });

  it('frequencies known from sysfs or events: no note when every sample was counted', () => {
    expect(cpufreqNote({ ...none, seededCpus: 2, countedSamples: 198 })).toBeUndefined();
    expect(cpufreqNote({ ...none, frequencyEvents: 3, countedSamples: 198 })).toBeUndefined();
    expect(cpufreqNote({ ...none, seededCpus: 2 })).toBeUndefined(); // nothing passed the filters
  });

  it('some CPUs never known (events for others only, or sysfs for some): says how many samples were left out', () => {
    expect(cpufreqNote({ ...none, frequencyEvents: 1, countedSamples: 150, unknownSamples: 50 })).toBe(
      '50 of 200 samples were taken on CPUs whose frequency was unknown (no scaling_cur_freq in sysfs and no power:cpu_frequency event for them yet) and are not counted',
    );
    expect(cpufreqNote({ ...none, seededCpus: 1, unknownSamples: 99 })).toMatch(/^99 of 99 samples/);
  });
});

describe('readScalingCurFreqs', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function cpuDir(entries: Record<string, string | null>): string {
    root = mkdtempSync(join(tmpdir(), 'cpufreq-sysfs-'));
    for (const [entry, khz] of Object.entries(entries)) {
      mkdirSync(join(root, entry, 'cpufreq'), { recursive: true });
      if (khz !== null) writeFileSync(join(root, entry, 'cpufreq', 'scaling_cur_freq'), khz);
    }
    mkdirSync(join(root, 'cpuidle'));
    return root;
  }

  it('reads kHz per CPU, skipping CPUs without a value and entries that are not CPUs', () => {
    const khz = readScalingCurFreqs(cpuDir({ cpu0: '2400000\n', cpu1: null, cpu12: '800000\n', cpufreq: '1' }));
    expect(khz).toEqual(new Map([[0, 2_400_000], [12, 800_000]]));
  });

  it('is empty on a host without cpufreq (these VMs) or without sysfs', () => {
    expect(readScalingCurFreqs(cpuDir({ cpu0: null, cpu1: null })).size).toBe(0);
    expect(readScalingCurFreqs(join(root, 'no-such-dir')).size).toBe(0);
  });
});
