import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig } from './config.js';
import type { AgentCredentials } from './credentials.js';

/**
 * V8 flags the agent runs with (docs/PERFORMANCE.md, memory):
 * - `--max-semi-space-size=1` (MB): V8 grows the young generation's semi-spaces to 16 MB under start-up
 *   allocation and an idle agent keeps ~14 MB more of it resident than with 1 MB semi-spaces;
 * - `--optimize-for-size`: V8's own memory-over-speed trade-offs (~4 MB more); the agent's JS is not CPU-bound.
 * The ring-buffer consumer keeps its throughput with both (the bench runs it with these flags).
 */
const AGENT_V8_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'];

/**
 * Environment the agent runs with unless its launcher set these: `MALLOC_ARENA_MAX=2` caps glibc's malloc arenas
 * (one per allocating thread by default: V8's workers, libuv's pool), each keeping the memory freed in it;
 * an agent that has run something keeps ~2 MB less resident, and its threads allocate little.
 */
const AGENT_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2' };

/**
 * Heap flags only take effect when the isolate is created and malloc settings when the process starts, so
 * unless the launcher already gave them (command line, NODE_OPTIONS, environment) the agent re-executes itself
 * once with them (process.execve: same pid, same stdio), before anything is loaded or connected.
 */
function reexecWithAgentSettings(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const missing = AGENT_V8_FLAGS.filter((f) => !given.some((g) => g.split('=')[0] === f.split('=')[0]));
  const envMissing = Object.keys(AGENT_ENV).some((name) => process.env[name] === undefined);
  if ((missing.length === 0 && !envMissing) || typeof process.execve !== 'function') return;
  const env = { ...AGENT_ENV, ...process.env };
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], env);
}

async function main(): Promise<void> {
  reexecWithAgentSettings();
  // Loaded only after the re-exec, so the throwaway first process never pays for them.
  const [{ ConfigError, loadWorkerConfig }, { loadAgentCredentials }, { createAgentLogger }, { Agent }] = await Promise.all([
    import('./config.js'),
    import('./credentials.js'),
    import('./logger.js'),
    import('./agent.js'),
  ]);
  let config: WorkerConfig;
  let credentials: AgentCredentials;
  try {
    config = loadWorkerConfig();
    credentials = loadAgentCredentials(config.credentialsFile, config.hostName);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bpfleet agent: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createAgentLogger(config);
  const agent = new Agent(config, credentials, logger);
  // SIGINT/SIGTERM abort the runs in progress, release their BPF objects and close the queue; a second
  // signal while that goes on changes nothing (each shutdown step runs once).
  const stop = (signal: NodeJS.Signals) => {
    logger.info(`${signal}: shutting down`);
    void agent.shutdown().then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await agent.start();
  } catch (error) {
    logger.fatal(`start-up failed: ${(error as Error).message}`);
    await agent.shutdown();
    process.exit(1);
  }
  prewarmMinimizedBtf();
}

/** Starts prewarm-btf.js (see there) beside the agent; nothing waits for it, and its failure costs only speed. */
function prewarmMinimizedBtf(): void {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./prewarm-btf.js', import.meta.url))], { stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

void main();
