import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventsResult } from '../../libs/contracts/src/index.js';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { createMemoryCgroup, readOomhogReport, type OomhogReport } from '../support/memcg.js';
import { startGated } from '../support/workload.js';

/**
 * oomkill on the whole path: REST call → Postgres → BullMQ → a real agent process → the oom:mark_victim
 * tracepoint in this kernel → Postgres → REST read. The workload of the library test (oomhog.c) in a
 * 32 MB memory cgroup of its own: its child holding 12 MB is the one process the OOM killer can pick when
 * the parent touches 24 MB.
 */
describeKernel('oomkill end to end', () => {
  let e2e: E2eHost;
  const trigger = `oome${process.pid % 100000}`;
  const victim = `oomf${process.pid % 100000}`;

  beforeAll(async () => {
    e2e = await startE2eHost('oomkill');
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it('an OOM kill in a memory cgroup comes back as exactly one row naming the victim and its trigger', async () => {
    const binary = compileWorkload('oomhog', trigger);
    const dir = mkdtempSync(join(tmpdir(), 'oomkill-e2e-'));
    const memcg = createMemoryCgroup(`bpfleet-oomkill-e2e-${process.pid}`, 32 << 20);
    const workload = startGated(binary, [join(dir, 'children'), '1', '12', '24', victim]);
    try {
      memcg.add(workload.pid);
      let report!: OomhogReport;
      const result = await e2e.runJob<EventsResult>('oomkill', {}, 3, async () => {
        workload.go();
        // 0: its victim died of the OOM killer's SIGKILL.
        expect(await workload.exited, `oomhog's exit (signal: ${workload.signal})`).toBe(0);
        report = readOomhogReport(join(dir, 'children'));
      });
      expect(result.kind).toBe('events');
      expect(result.columns.map((c) => c.name)).toEqual([
        'ts', 'triggerPid', 'triggerComm', 'victimPid', 'victimComm', 'pages', 'loadavg1', 'loadavg5', 'loadavg15',
      ]);
      // Its victim's kill; and the trigger's own, when the kernel race of the library test made one.
      const ours = result.rows.filter((r) => r.triggerPid === report.trigger || report.victims.includes(r.victimPid as number));
      const victimRows = ours.filter((r) => r.victimPid !== report.trigger);
      expect(victimRows).toEqual([
        expect.objectContaining({ triggerPid: report.trigger, triggerComm: trigger, victimPid: report.victims[0], victimComm: victim }),
      ]);
      expect(ours.length - victimRows.length).toBe(report.triggerKilled ? 1 : 0);
      expect(victimRows[0]!.pages).toBeGreaterThanOrEqual(12 * 256 - 64);
    } finally {
      workload.kill();
      await memcg.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
