/** Cgroups of a test's own, to check the `cgroup` filter of the tools against processes known to be inside. */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCgroup {
  readonly path: string;
  /** Moves process `pid` (all its threads) into the cgroup; its children are born there. */
  add(pid: number): void;
  /** SIGKILLs whatever is still inside, waits for it to leave, and removes the cgroup. */
  remove(): Promise<void>;
}

/** Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on v2 hosts, /sys/fs/cgroup/unified on hybrid ones. */
export function cgroupV2Root(): string {
  const root = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .find((fields) => fields[2] === 'cgroup2')?.[1];
  if (!root) throw new Error('no cgroup v2 hierarchy is mounted');
  return root;
}

/** A cgroup `name` at the root of `root` (default: the v2 hierarchy). Needs root. */
export function createCgroup(name: string, root = cgroupV2Root()): TestCgroup {
  const path = join(root, name);
  mkdirSync(path);
  return { path, add: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)), remove: () => removeCgroup(path) };
}

/** SIGKILLs the processes left in cgroup `path`, waits for them to leave, and removes it. */
export async function removeCgroup(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const members = readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  for (const pid of members) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
  // A killed process leaves the cgroup once it has exited: rmdir is EBUSY until then.
  for (let attempt = 0; ; attempt++) {
    try {
      rmdirSync(path);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
