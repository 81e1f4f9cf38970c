import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './config.js';

/** This agent's own credential (docs/security.md): its Redis ACL user and the key it signs its reports with. */
export interface AgentCredentials {
  host: string;
  redisUser: string;
  redisPassword: string;
  signingKey: string;
}

/**
 * Reads the credential file `agent-credentials provision` wrote for this host. Refuses a file others may read
 * (mode beyond 0600: a secret readable by every local user is no longer this agent's alone), one that is not the
 * JSON of a credential, and one made for another host. Throws {@link ConfigError} naming the file.
 */
export function loadAgentCredentials(file: string, hostName: string): AgentCredentials {
  let text: string;
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new ConfigError(`BPFLEET_AGENT_CREDENTIALS_FILE ${file} is readable by group or others: chmod 600 it`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `BPFLEET_AGENT_CREDENTIALS_FILE ${file}: ${(error as Error).message}; provision one with agent-credentials provision ${hostName} (docs/security.md)`,
    );
  }
  let parsed: Partial<AgentCredentials>;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`BPFLEET_AGENT_CREDENTIALS_FILE ${file} is not JSON`);
  }
  const { host, redisUser, redisPassword, signingKey } = parsed;
  if (typeof host !== 'string' || typeof redisUser !== 'string' || typeof redisPassword !== 'string' || typeof signingKey !== 'string') {
    throw new ConfigError(`BPFLEET_AGENT_CREDENTIALS_FILE ${file} must hold host, redisUser, redisPassword and signingKey`);
  }
  if (host !== hostName) {
    throw new ConfigError(`BPFLEET_AGENT_CREDENTIALS_FILE ${file} is the credential of host ${host}, not of ${hostName} (BPFLEET_HOST_NAME)`);
  }
  return { host, redisUser, redisPassword, signingKey };
}
