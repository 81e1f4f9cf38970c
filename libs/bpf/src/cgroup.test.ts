import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cgroupId } from './cgroup.js';

/** Mount points of a filesystem type, from /proc/self/mounts. */
const mountsOf = (type: string) =>
  readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[2] === type)
    .map((fields) => fields[1]!);

describe('cgroupId', () => {
  it('is the inode of a cgroup v2 directory, and refuses what BPF cannot match, naming the path', () => {
    const v2 = mountsOf('cgroup2')[0];
    expect(v2, 'a cgroup v2 hierarchy is mounted (v2 or hybrid host)').toBeDefined();
    expect(cgroupId(v2!)).toBeGreaterThan(0n);
    const notACgroup = (path: string) => `${path} is not a cgroup directory on this host (a directory under /sys/fs/cgroup)`;
    expect(() => cgroupId(`${v2}/bpfleet-no-such-cgroup`)).toThrow(notACgroup(`${v2}/bpfleet-no-such-cgroup`));
    expect(() => cgroupId(`${v2}/cgroup.procs`)).toThrow(notACgroup(`${v2}/cgroup.procs`));
    // Outside the mount, an existing directory and a missing one are refused alike: no probing of the host.
    expect(() => cgroupId(`${v2}/../../../etc`)).toThrow(notACgroup(`${v2}/../../../etc`));
    expect(() => cgroupId('/etc/bpfleet-no-such-dir')).toThrow(notACgroup('/etc/bpfleet-no-such-dir'));
    // A v1 controller hierarchy (hybrid hosts, as these machines): its inodes are no v2 cgroup ids.
    const v1 = mountsOf('cgroup')[0];
    if (v1) expect(() => cgroupId(v1)).toThrow('is not in a cgroup v2 hierarchy');
  });
});
