/**
 * A memory cgroup of a test's own, so that the test can run a workload out of memory without putting any
 * other process at risk: a memory cgroup's OOM killer only ever picks processes inside it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeCgroup } from './cgroup.js';

/** cgroup v2 mounts (unified at /sys/fs/cgroup, or beside v1 controllers on hybrid hosts), then v1's memory controller. */
const V2_ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'];
const V1_MEMORY_ROOT = '/sys/fs/cgroup/memory';

export interface MemoryCgroup {
  readonly path: string;
  readonly version: 1 | 2;
  /** Moves process `pid` (all its threads) into the cgroup; its children are born there. */
  add(pid: number): void;
  /** SIGKILLs whatever is still inside, waits for it to leave, and removes the cgroup. */
  remove(): Promise<void>;
}

const controllers = (dir: string) => readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);

/** The v2 hierarchy that has the memory controller, if any. */
function v2MemoryRoot(): string | undefined {
  return V2_ROOTS.find((root) => existsSync(join(root, 'cgroup.controllers')) && controllers(root).includes('memory'));
}

/**
 * Creates cgroup `name` with a hard memory limit of `limitBytes` and no swap (so a workload past the limit
 * meets the OOM killer instead of swapping): on cgroup v2 where its hierarchy has the memory controller
 * (`memory.max`, `memory.swap.max` 0), else on v1's memory controller (`memory.limit_in_bytes`, and
 * `memory.memsw.limit_in_bytes` the same when swap accounting is on; `memory.swappiness` 0). Made at the
 * hierarchy's root (on v2 a cgroup holding processes cannot give its children controllers), enabling the v2
 * memory controller for the root's children first if it is not yet. Needs root.
 */
export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  const v2 = v2MemoryRoot();
  const version = v2 ? 2 : 1;
  const root = v2 ?? V1_MEMORY_ROOT;
  if (!v2 && !existsSync(join(V1_MEMORY_ROOT, 'memory.limit_in_bytes'))) throw new Error('no memory cgroup controller on this host (v2 or v1)');
  const path = join(root, name);
  const set = (file: string, value: string | number) => writeFileSync(join(path, file), String(value));
  const has = (file: string) => existsSync(join(path, file));

  if (v2 && !readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('memory')) {
    writeFileSync(join(v2, 'cgroup.subtree_control'), '+memory');
  }
  mkdirSync(path);
  if (version === 2) {
    set('memory.max', limitBytes);
    if (has('memory.swap.max')) set('memory.swap.max', 0);
  } else {
    set('memory.limit_in_bytes', limitBytes);
    if (has('memory.memsw.limit_in_bytes')) set('memory.memsw.limit_in_bytes', limitBytes);
    set('memory.swappiness', 0);
  }

  return { path, version, add: (pid) => set('cgroup.procs', pid), remove: () => removeCgroup(path) };
}

/** What test/fixtures/workloads/oomhog.c reports: its victims, and its trigger with whether the OOM killer killed it too. */
export interface OomhogReport {
  victims: number[];
  trigger: number;
  triggerKilled: boolean;
}

export function readOomhogReport(path: string): OomhogReport {
  const report: OomhogReport = { victims: [], trigger: 0, triggerKilled: false };
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    const [what, pid, killed] = line.split(' ');
    if (what === 'victim') report.victims.push(Number(pid));
    if (what === 'trigger') Object.assign(report, { trigger: Number(pid), triggerKilled: killed === '1' });
  }
  return report;
}
