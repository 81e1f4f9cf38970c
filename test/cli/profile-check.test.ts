import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { bpfleet } from './bpfleet.js';

const COMM = 'cli-twofuncs';
/**
 * ~1.2 s of CPU at factor 1 (4 units of ~60 µs a round): ~1200 samples at 997 Hz, enough for the API's
 * share ratio test to find a +60% change significantly beyond +20% (with ~400 it may not: inconclusive).
 */
const ROUNDS = '4800';

/**
 * The profile check end to end: cli-twofuncs spends 1/4 of its CPU time under scaled_work at factor 1,
 * 2/5 at factor 2 (scaled_work made exactly twice as slow). Its share of the samples rises by 60%, so a
 * `function:scaled_work=+20%` threshold fails (exit 1); steady_work's share falls, so its threshold passes.
 */
describeKernel('bpfleet check profile: a function made 2x slower', () => {
  let e2e: E2eHost;
  let dir: string;
  let binary: string;
  const tag = `cli-profile-${process.pid}`;
  const profile = () => ['profile', '--host', e2e.host, '-d', '30s', '-p', `comm=${COMM}`, '-p', 'frequencyHz=997'];

  beforeAll(async () => {
    binary = compileWorkload('cli-twofuncs', COMM);
    e2e = await startE2eHost('cli-profile');
    dir = await mkdtemp(join(tmpdir(), 'bpfleet-cli-'));
  });

  afterAll(async () => {
    await e2e?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('run renders the top functions, and check fails function:scaled_work=+20% (exit 1)', async () => {
    const baseline = await bpfleet(e2e.api, ['run', ...profile(), '--tag', tag, '--', binary, ROUNDS, '1']);
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/^top functions\nfunction +module +self \(samples\) +self% +total \(samples\) +total%\nburn +cli-twofuncs /m);

    const markdown = join(dir, 'profile.md');
    const check = await bpfleet(e2e.api, [
      'check',
      ...profile(),
      '--baseline',
      `tag:${tag}`,
      '--threshold',
      'function:scaled_work=+20%',
      '--threshold',
      'function:steady_work=+20%',
      '--markdown',
      markdown,
      '--',
      binary,
      ROUNDS,
      '2',
    ]);
    expect(check.code, check.stderr + check.stdout).toBe(1);
    const rows = (await readFile(markdown, 'utf8')).split('\n').filter((line) => line.startsWith('| `function:'));
    const [scaled, steady] = rows.map((line) => line.split(' | '));
    // 1/4 → 2/5 of the samples (±5 points of sampling noise), +60%; steady_work 3/4 → 3/5.
    expect(scaled![0]).toBe('| `function:scaled_work`');
    expect(scaled![5]).toBe('❌ fail');
    expect(parseFloat(scaled![2]!)).toBeGreaterThan(20);
    expect(parseFloat(scaled![2]!)).toBeLessThan(30);
    expect(parseFloat(scaled![3]!)).toBeGreaterThan(35);
    expect(parseFloat(scaled![3]!)).toBeLessThan(45);
    expect(steady![5]).toBe('✅ pass');
  });
});
