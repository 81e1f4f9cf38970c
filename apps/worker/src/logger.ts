import { pino, type Logger } from 'pino';
import type { WorkerConfig } from './config.js';

export type { Logger } from 'pino';

/** The agent's root logger: one JSON line per entry on stdout, each naming the host. */
export function createAgentLogger(config: Pick<WorkerConfig, 'logLevel' | 'hostName'>): Logger {
  return pino({ level: config.logLevel, base: { host: config.hostName } });
}

/** The logger of one class: its entries carry `context: <class name>`, as the agent's logs always have. */
export function loggerFor(root: Logger, owner: { readonly name: string }): Logger {
  return root.child({ context: owner.name });
}
