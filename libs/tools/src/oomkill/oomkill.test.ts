import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { compileWorkload, describeKernel } from '../../../../test/support/kernel.js';
import { createMemoryCgroup, readOomhogReport } from '../../../../test/support/memcg.js';
import { traceWorkload } from '../../../../test/support/tools.js';
import oomkill, { readLoadAverages } from './oomkill.js';
import type { OomkillParams } from './oomkill.schema.js';

/**
 * oomhog.c in a 32 MB memory cgroup: each victim child holds 12 MB (and is the OOM killer's first choice),
 * then a trigger child touches 24 MB. With one victim alive the trigger's 24 MB cannot fit, with none it
 * can: so the OOM killer kills every victim, one each time the trigger's page faults hit the limit. The
 * trigger itself is killed too when it faults again while a victim's pages are still being freed (a kernel
 * race, a few runs in ten): a real kill, which the fixture reports and the tests then expect as one more row.
 */
const LIMIT_MB = 32;
const CHILD_MB = 12;
const TRIGGER_MB = 24;
const PAGES_PER_MB = 256;

type OomRow = {
  ts: string;
  triggerPid: number;
  triggerComm: string;
  victimPid: number;
  victimComm: string;
  pages: number;
  loadavg1: number;
  loadavg5: number;
  loadavg15: number;
};

describeKernel('oomkill on the real kernel', () => {
  const trigger = `oomt${process.pid % 100000}`;
  const victim = `oomv${process.pid % 100000}`;
  let binary: string;

  beforeAll(() => {
    binary = compileWorkload('oomhog', trigger);
  });

  /**
   * Runs oomhog with `children` victims in a fresh memory cgroup under oomkill (`params`): the rows about it
   * (kills of its victims, kills its trigger caused or suffered), its report, and /proc/loadavg before and after.
   */
  async function oomKills(children: number, params: Partial<OomkillParams>) {
    const dir = mkdtempSync(join(tmpdir(), 'oomkill-'));
    const memcg = createMemoryCgroup(`bpfleet-oomkill-${process.pid}-${children}`, LIMIT_MB << 20);
    const pidFile = join(dir, 'children');
    try {
      let loadBefore: number[] = [];
      const out = await traceWorkload(oomkill, { file: binary, args: [pidFile, String(children), String(CHILD_MB), String(TRIGGER_MB), victim] }, (pid) => {
        // Still blocked on stdin: it allocates nothing before it is in the cgroup.
        memcg.add(pid);
        loadBefore = readLoadAverages();
        return params;
      });
      const report = readOomhogReport(pidFile);
      expect(report.victims).toHaveLength(children);
      const rows = (out.result.rows as OomRow[]).filter((r) => r.triggerPid === report.trigger || report.victims.includes(r.victimPid));
      // The trigger's own kill, when the race made one, is a row of its own: the victims' rows are the others.
      const victimRows = rows.filter((r) => r.victimPid !== report.trigger);
      const triggerPasses = params.comm === undefined || params.comm === trigger; // filters apply to the victim
      expect(rows.length - victimRows.length).toBe(report.triggerKilled && triggerPasses ? 1 : 0);
      return { rows: victimRows, report, dropped: out.result.dropped, stopReason: out.stats.stopReason, loads: [loadBefore, readLoadAverages()] };
    } finally {
      await memcg.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('one row for the one process killed: the victim, the allocating task as trigger, its memory, the load', async () => {
    const { rows, report, dropped, loads } = await oomKills(1, {});

    expect(dropped).toBe(0);
    expect(rows).toEqual([
      expect.objectContaining({ triggerPid: report.trigger, triggerComm: trigger, victimPid: report.victims[0], victimComm: victim }),
    ]);
    const row = rows[0]!;
    // Its 12 MB touched, plus the libc and binary pages it maps (the counters lag by < 64 pages per CPU).
    expect(row.pages).toBeGreaterThanOrEqual(CHILD_MB * PAGES_PER_MB - 64);
    expect(row.pages).toBeLessThanOrEqual((CHILD_MB + 4) * PAGES_PER_MB);
    // Read as the event arrived: /proc/loadavg then, i.e. as before or (if updated meanwhile) after the run.
    expect(loads).toContainEqual([row.loadavg1, row.loadavg5, row.loadavg15]);
    expect(Date.parse(row.ts)).toBeGreaterThan(Date.now() - 60_000);
    console.log(`oomkill: ${JSON.stringify(row)}`);
  });

  it('filters apply to the victim, not to the trigger: one row per child killed', async () => {
    const byVictim = await oomKills(2, { comm: victim });
    expect(byVictim.rows).toHaveLength(2);
    expect(byVictim.rows.map((r) => r.victimPid).sort()).toEqual([...byVictim.report.victims].sort());
    for (const r of byVictim.rows) expect(r).toMatchObject({ triggerPid: byVictim.report.trigger, victimComm: victim });

    // The trigger's comm: no victim passes; only the trigger's own kill, when the race made one.
    const byTrigger = await oomKills(1, { comm: trigger });
    expect(byTrigger.rows).toEqual([]);
  });

  it('bounds rows per second in the kernel: past the bound kills are dropped and counted, and the run stops', async () => {
    const { rows, dropped, stopReason } = await oomKills(2, { comm: victim, maxEventsPerSec: 1 });

    // Both kills come within milliseconds of each other, inside one window of the bound.
    expect(rows).toHaveLength(1);
    expect(dropped).toBe(1);
    expect(stopReason).toBe('maxEventsPerSec');
  });
});
