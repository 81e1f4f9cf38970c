import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { bpfleet } from './bpfleet.js';

/** The getppid fixture under a name no other process uses: syscount filters on it as its comm. */
const COMM = 'cli-getppid';
/** An upper bound only: every job here is stopped when its workload exits. */
const DURATION = '30s';

/**
 * `bpfleet check` end to end: the CLI as its own process → the real API → BullMQ → a real agent → the
 * kernel. A workload started by the CLI (`-- CMD`) once the probes are attached makes a known number of
 * getppid calls; the trace stops when it exits. Doubling the calls fails a +20% threshold (exit 1);
 * the same workload again passes it (exit 0).
 */
describeKernel('bpfleet check against a tagged baseline', () => {
  let e2e: E2eHost;
  let dir: string;
  let binary: string;
  const tag = `cli-getppid-${process.pid}`;
  let baselineJobId: string;
  let baselineRunId: string;

  /** `sh` hands the fixture the byte it waits for on stdin; exec keeps its name as the comm. */
  const workload = (calls: number) => ['--', 'sh', '-c', 'echo go | exec "$0" "$1"', binary, String(calls)];
  const syscount = () => ['syscount', '--host', e2e.host, '-d', DURATION, '-p', `comm=${COMM}`];

  beforeAll(async () => {
    binary = compileWorkload('getppid', COMM);
    e2e = await startE2eHost('cli-check');
    dir = await mkdtemp(join(tmpdir(), 'bpfleet-cli-'));
  });

  afterAll(async () => {
    await e2e?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('run --tag -- CMD: traces exactly the command, tags the job, and counts its 1000 getppid calls', async () => {
    const run = await bpfleet(e2e.api, ['--json', 'run', ...syscount(), '--tag', tag, ...workload(1000)]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      job: { id: string; status: string; tags: string[]; runs: { id: string; status: string }[] };
      results: { runId: string; host: string; result: { kind: string; rows: { syscall: string; count: number }[] } }[];
      commandExit: number;
    };
    expect(out.job).toMatchObject({ status: 'succeeded', tags: [tag] });
    expect(out.commandExit).toBe(0);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]!.host).toBe(e2e.host);
    expect(out.results[0]!.result.rows.find((row) => row.syscall === 'getppid')?.count).toBe(1000);
    baselineJobId = out.job.id;
    baselineRunId = out.results[0]!.runId;
  });

  it('jobs --tag finds it, and result --format csv exports its counts', async () => {
    const jobs = await bpfleet(e2e.api, ['--json', 'jobs', '--tag', tag]);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect((JSON.parse(jobs.stdout) as { items: { id: string }[] }).items.map((job) => job.id)).toEqual([baselineJobId]);

    const csv = await bpfleet(e2e.api, ['result', baselineRunId, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split(/\r?\n/)).toContain('getppid,1000');
  });

  it('check: twice the getppid calls of the baseline fails syscall=getppid=+20% (exit 1), with Markdown and JUnit naming getppid', async () => {
    const markdown = join(dir, 'fail.md');
    const junit = join(dir, 'fail.xml');
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, 'earlier step\n');
    const check = await bpfleet(
      e2e.api,
      ['check', ...syscount(), '--baseline', `tag:${tag}`, '--threshold', 'syscall=getppid=+20%', '--markdown', markdown, '--junit', junit, ...workload(2000)],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(check.code, check.stderr + check.stdout).toBe(1);
    const md = await readFile(markdown, 'utf8');
    expect(md).toContain('bpfleet check `syscount`: fail');
    expect(md).toContain(`Baseline: tag ${tag} (job ${baselineJobId}).`);
    expect(md).toMatch(/^\| `syscall=getppid` \| \+20% \| 1,000 \| 2,000 \| \+100% \| ❌ fail \| .*getppid.* \|$/m);
    // GitHub's summary file: appended to, not replaced.
    expect(await readFile(summary, 'utf8')).toBe(`earlier step\n${md}`);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('tests="1" failures="1" errors="0" skipped="0"');
    expect(xml).toMatch(/<testcase classname="bpfleet\.check\.syscount" name="syscall=getppid">\n\s+<failure message="[^"]*getppid/);
  });

  it('check: the same workload as the baseline passes (exit 0)', async () => {
    const markdown = join(dir, 'pass.md');
    const check = await bpfleet(e2e.api, ['check', ...syscount(), '--baseline', `tag:${tag}`, '--threshold', 'syscall=getppid=+20%', '--markdown', markdown, ...workload(1000)]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(await readFile(markdown, 'utf8')).toMatch(/^\| `syscall=getppid` \| \+20% \| 1,000 \| 1,000 \| 0% \| ✅ pass \| .* \|$/m);
  });

  it("an API 4xx is printed with the field it names, exit 3", async () => {
    const run = await bpfleet(e2e.api, ['run', 'syscount', '--host', e2e.host, '-p', 'pid=0']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('bpfleet: params.pid: must be >= 1\n');

    const folded = await bpfleet(e2e.api, ['result', baselineRunId, '--format', 'folded']);
    expect(folded.code).toBe(3);
    expect(folded.stderr).toMatch(/^bpfleet: format: /);
  });
});
