import type { WorkerConfig } from './config.js';

/**
 * V8 flags the agent runs with (docs/PERFORMANCE.md, memory):
 * - `--max-semi-space-size=1` (MB): V8 grows the young generation's semi-spaces to 16 MB under start-up
 *   allocation and an idle agent keeps ~14 MB more of it resident than with 1 MB semi-spaces;
 * - `--optimize-for-size`: V8's own memory-over-speed trade-offs (~4 MB more); the agent's JS is not CPU-bound.
 * The ring-buffer consumer keeps its throughput with both (the bench runs it with these flags).
 * Heap flags only take effect when the isolate is created, so unless the launcher already passed them
 * (command line or NODE_OPTIONS) the agent re-executes itself once with them (process.execve: same pid, same
 * stdio), before anything is loaded or connected.
 */
const AGENT_V8_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'];

function reexecWithV8Flags(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const missing = AGENT_V8_FLAGS.filter((f) => !given.some((g) => g.split('=')[0] === f.split('=')[0]));
  if (missing.length === 0 || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

async function main(): Promise<void> {
  reexecWithV8Flags();
  // Loaded only after the re-exec, so the throwaway first process never pays for them.
  await import('reflect-metadata');
  const { ConfigError, loadWorkerConfig } = await import('./config.js');
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bpfleet agent: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const [{ NestFactory }, { Logger }, { WorkerModule }] = await Promise.all([
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('./worker.module.js'),
  ]);
  const app = await NestFactory.createApplicationContext(WorkerModule.forConfig(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGINT/SIGTERM abort the runs in progress, release their BPF objects and close the queue.
  app.enableShutdownHooks();
  setImmediate(() => void prewarmMinimizedBtf());
}

/**
 * Makes (or finds in the on-disk cache) the minimized BTF of every catalog tool's BPF object now, once per
 * agent boot, so no run pays the ~25 ms of `bpftool gen min_core_btf` after a kernel or tool update
 * (libs/bpf min-btf.ts; runs fall back to the normal load path when it cannot be made).
 */
async function prewarmMinimizedBtf(): Promise<void> {
  const [{ TOOL_CATALOG }, { loadTool }, { bpfObjectPath, minimizedBtf }] = await Promise.all([
    import('../../../libs/tools/src/catalog.js'),
    import('../../../libs/tools/src/runners.js'),
    import('../../../libs/bpf/src/index.js'),
  ]);
  for (const name of TOOL_CATALOG.keys()) {
    try {
      const tool = await loadTool(name)!;
      if (tool.objectName) minimizedBtf(bpfObjectPath(tool.objectName));
    } catch {
      /* not built, or no bpftool: runs fall back to the normal load path */
    }
  }
}

void main();
