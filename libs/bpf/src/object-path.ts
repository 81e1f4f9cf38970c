import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Path of a tool's compiled BPF object, `<dir>/<tool>.bpf.o`. `dir` is `$BPFLEET_BPF_DIR` when set, else
 * the first `build/bpf` found walking up from this module (works from sources under vitest and from
 * `dist/` when compiled). Throws with the build command to run when the object is missing.
 */
export function bpfObjectPath(tool: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = `${tool}.bpf.o`;
  if (env.BPFLEET_BPF_DIR) {
    const p = resolve(env.BPFLEET_BPF_DIR, file);
    if (!existsSync(p)) throw new Error(`BPF object ${p} not found (BPFLEET_BPF_DIR); run scripts/build-bpf.sh`);
    return p;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'build', 'bpf', file);
    if (existsSync(p)) return p;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`BPF object build/bpf/${file} not found above ${fileURLToPath(import.meta.url)}; run scripts/build-bpf.sh`);
}
