import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { provisionAgentFile } from './agent-credentials.js';

const AGENT_MAIN = fileURLToPath(new URL('../../dist/apps/worker/src/main.js', import.meta.url));

export interface AgentProcess {
  readonly name: string;
  /** Its credential file: give it to startAgent to start this host's agent again. */
  readonly credentialsFile: string;
  readonly child: ChildProcess;
  /** SIGKILL: the agent dies mid-run without a chance to report. */
  kill(): Promise<void>;
  /** SIGTERM and wait: the agent's graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * Starts a real agent (the built `dist/apps/worker`) as its own process, identifying as host `name`, with its own
 * credential: `credentialsFile` when given (a restarted agent keeps its credential), else a new one provisioned
 * now (which ends the connections of any earlier agent of `name`). `./dev.sh test` builds dist before the suites run.
 */
export function startAgent(
  name: string,
  env: { redisUrl: string; queuePrefix: string; labels?: string; concurrency?: number; credentialsFile?: string },
): AgentProcess {
  const credentialsFile = env.credentialsFile ?? provisionAgentFile(name, env);
  // Only where Redis is: the agent logs in with its own credential, never the admin's.
  const address = new URL(env.redisUrl);
  address.username = '';
  address.password = '';
  const child = spawn(process.execPath, [AGENT_MAIN], {
    env: {
      ...process.env,
      REDIS_URL: address.toString(),
      BPFLEET_AGENT_CREDENTIALS_FILE: credentialsFile,
      BPFLEET_HOST_NAME: name,
      BPFLEET_QUEUE_PREFIX: env.queuePrefix,
      BPFLEET_LABELS: env.labels ?? '',
      ...(env.concurrency ? { BPFLEET_AGENT_CONCURRENCY: String(env.concurrency) } : {}),
      BPFLEET_HEARTBEAT_SEC: '1',
      LOG_LEVEL: process.env.AGENT_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit');
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return { name, credentialsFile, child, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
