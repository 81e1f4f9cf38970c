import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { release, tmpdir, version } from 'node:os';
import { join } from 'node:path';

const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';

/** objPath → [size, mtime, result]: the hash and cache lookup run once per object and process. */
const memo = new Map<string, { size: number; mtimeMs: number; path: string | undefined }>();

/**
 * Directory of the minimized-BTF cache: `$BPFLEET_BTF_CACHE_DIR`, else `<$BPFLEET_DATA_DIR>/btf`, else
 * `<tmpdir>/bpfleet/btf`.
 */
export function btfCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BPFLEET_BTF_CACHE_DIR || join(env.BPFLEET_DATA_DIR || join(tmpdir(), 'bpfleet'), 'btf');
}

/**
 * A BTF file holding only the kernel types the CO-RE relocations of `objPath` use (`bpftool gen
 * min_core_btf`, a few hundred bytes instead of the 5.5 MB vmlinux BTF), for `btf_custom_path`: libbpf
 * 1.1 then relocates against it without reading and parsing vmlinux BTF on every load (~14 ms of a
 * runqlat load). Programs that need vmlinux BTF *ids* (tp_btf, fentry, typed ksyms) still make libbpf load
 * vmlinux; raw_tp / tp / kprobe / uprobe programs do not.
 *
 * Cached on disk under {@link btfCacheDir}, keyed by the kernel (release and build, `uname -r -v`) and a
 * hash of the object, so it is made once per kernel and object build (~25 ms) and then reused across runs
 * and agent restarts. Returns undefined — callers then load the normal way — when the kernel has no BTF,
 * bpftool is missing or fails, or the cache cannot be written. Never throws.
 */
export function minimizedBtf(objPath: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let st;
  try {
    st = statSync(objPath);
  } catch {
    return undefined;
  }
  const known = memo.get(objPath);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.path && existsSync(known.path) ? known.path : undefined;
  const path = makeMinimizedBtf(objPath, env);
  memo.set(objPath, { size: st.size, mtimeMs: st.mtimeMs, path });
  return path;
}

function makeMinimizedBtf(objPath: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    if (!existsSync(VMLINUX_BTF)) return undefined;
    const key = createHash('sha256').update(`${release()}\n${version()}\n`).update(readFileSync(objPath)).digest('hex').slice(0, 32);
    const dir = btfCacheDir(env);
    const out = join(dir, `${key}.btf`);
    if (existsSync(out)) return out;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${out}.${process.pid}.tmp`;
    try {
      execFileSync(env.BPFTOOL || 'bpftool', ['gen', 'min_core_btf', VMLINUX_BTF, tmp, objPath], { stdio: 'ignore', timeout: 10_000 });
      renameSync(tmp, out); // atomic: concurrent agents/runs never read a half-written file
    } finally {
      rmSync(tmp, { force: true });
    }
    return out;
  } catch {
    return undefined;
  }
}
