import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CREDENTIALS_MAIN = fileURLToPath(new URL('../../dist/apps/api/src/agent-credentials.js', import.meta.url));

/**
 * Provisions host `name`'s agent credential as an operator would (`agent-credentials provision NAME --out FILE`,
 * the built command) and returns the file (mode 0600, in a fresh temp dir). Synchronous, so an agent can be
 * started with it right away. `redisUrl` must be an admin of Redis (the API's).
 */
export function provisionAgentFile(name: string, env: { redisUrl: string; queuePrefix: string }): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bpfleet-agent-')), 'agent-credentials.json');
  const done = spawnSync(process.execPath, [CREDENTIALS_MAIN, 'provision', name, '--out', file], {
    env: { ...process.env, REDIS_URL: env.redisUrl, BPFLEET_QUEUE_PREFIX: env.queuePrefix },
    encoding: 'utf8',
  });
  if (done.status !== 0) throw new Error(`provisioning the agent of ${name} failed: ${done.stderr || done.error?.message}`);
  return file;
}
