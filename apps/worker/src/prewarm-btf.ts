/**
 * Entry point of a short-lived child process the agent starts at boot: makes (or finds in the on-disk cache)
 * the minimized BTF of every catalog tool's BPF object, so no run pays the ~25 ms of `bpftool gen
 * min_core_btf` after a kernel or tool update (libs/bpf min-btf.ts; a run falls back to the normal load path
 * when it cannot be made). A child of its own, because it loads every tool's runner module and blocks on
 * bpftool: the agent keeps neither the memory nor the stalled event loop.
 */
import { bpfObjectPath, minimizedBtf } from '../../../libs/bpf/src/index.js';
import { TOOL_CATALOG } from '../../../libs/tools/src/catalog.js';
import { loadTool } from '../../../libs/tools/src/runners.js';

for (const name of TOOL_CATALOG.keys()) {
  try {
    const tool = await loadTool(name);
    if (tool?.objectName) minimizedBtf(bpfObjectPath(tool.objectName));
  } catch {
    /* not built, or no bpftool: runs fall back to the normal load path */
  }
}
