import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { speedscopeFile } from './speedscope.js';
import { noStacks, profileStacks } from './test-support/stacks.js';

/** The published schema, as the speedscope package ships it. */
const schemaPath = createRequire(import.meta.url).resolve('speedscope/dist/release/file-format-schema.json');
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

interface Parsed {
  name: string;
  exporter: string;
  shared: { frames: { name: string; file?: string }[] };
  profiles: { type: string; name: string; unit: string; startValue: number; endValue: number; samples: number[][]; weights: number[] }[];
}

const parsed = (text: string): Parsed => JSON.parse(text);

describe('speedscopeFile', () => {
  it('is valid against the published file-format schema', () => {
    const file = JSON.parse(speedscopeFile(profileStacks(), 'profile-r1'));
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    // The validator is live: the same file with a unit the schema does not know is refused.
    expect(validate({ ...file, profiles: [{ ...file.profiles[0], unit: 'samples' }] })).toBe(false);
  });

  it('weights every stack by its count, adding up to the result total', () => {
    const [profile] = parsed(speedscopeFile(profileStacks(), 'profile-r1')).profiles;
    expect(profile!.weights).toEqual([5, 3, 2, 1]);
    expect(profile!.weights.reduce((sum, w) => sum + w, 0)).toBe(profileStacks().total);
    expect([profile!.startValue, profile!.endValue]).toEqual([0, 11]);
  });

  it('writes each stack root first, process name as the root, over frames shared once with the module as file', () => {
    const file = parsed(speedscopeFile(profileStacks(), 'profile-r1'));
    expect(file.shared.frames).toEqual([
      { name: 'app' },
      { name: 'main', file: '/usr/bin/app' },
      { name: 'poll', file: '/usr/lib/libc.so.6' },
      { name: 'do_sys_poll', file: '[kernel]' },
      { name: '/usr/bin/app+0x1f0', file: '/usr/bin/app' },
      { name: 'kworker/0:1' },
      { name: 'worker_thread', file: '[kernel]' },
      { name: 'ext4_sync_file', file: '[ext4]' },
    ]);
    expect(file.profiles[0]!.samples).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [0, 1, 4],
      [5, 6, 7],
    ]);
  });

  it('names the file and profile from meta, bpfleet as exporter, and takes the unit from the result', () => {
    const file = parsed(speedscopeFile(profileStacks('us'), 'offcputime-r2'));
    expect([file.name, file.exporter, file.profiles[0]!.name, file.profiles[0]!.type]).toEqual(['offcputime-r2', 'bpfleet', 'offcputime-r2', 'sampled']);
    expect(file.profiles[0]!.unit).toBe('microseconds');
    expect(parsed(speedscopeFile(profileStacks('samples'), 'p')).profiles[0]!.unit).toBe('none');
    expect(parsed(speedscopeFile(profileStacks('events'), 'p')).profiles[0]!.unit).toBe('none');
  });

  it('is a valid file with an empty profile for a result with no stacks', () => {
    const file = JSON.parse(speedscopeFile(noStacks(), 'profile-r3'));
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(file.profiles[0]).toMatchObject({ samples: [], weights: [], startValue: 0, endValue: 0 });
    expect(file.shared.frames).toEqual([]);
  });
});
