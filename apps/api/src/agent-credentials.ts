import { rmSync, writeFileSync } from 'node:fs';
import { AgentCredentialRepository } from './repositories/agent-credential.repository.js';

/*
 * Provisions and revokes agent credentials (docs/security.md), run where the API's Redis credential is:
 *   node dist/apps/api/src/agent-credentials.js provision HOST [--out FILE]   the credential, once (FILE: mode 0600)
 *   node dist/apps/api/src/agent-credentials.js revoke HOST
 *   node dist/apps/api/src/agent-credentials.js list
 * Reads REDIS_URL (the API's, an admin of Redis) and BPFLEET_QUEUE_PREFIX.
 */
const USAGE = 'usage: agent-credentials provision HOST [--out FILE] | revoke HOST | list';

async function main(argv: string[]): Promise<number> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    console.error('agent-credentials: REDIS_URL (the API\'s) is required');
    return 2;
  }
  const [command, host, flag, out] = argv;
  const credentials = new AgentCredentialRepository({ redisUrl, queuePrefix: process.env.BPFLEET_QUEUE_PREFIX || 'bpfleet' });
  try {
    if (command === 'provision' && host && (flag === undefined || (flag === '--out' && out))) {
      const text = `${JSON.stringify(await credentials.provision(host), null, 2)}\n`;
      if (!out) process.stdout.write(text);
      else {
        // Made anew: an existing file would keep its mode, perhaps one others may read.
        rmSync(out, { force: true });
        writeFileSync(out, text, { mode: 0o600, flag: 'wx' });
        console.log(`wrote the agent credential of ${host} to ${out}`);
      }
      return 0;
    }
    if (command === 'revoke' && host && flag === undefined) {
      console.log((await credentials.revoke(host)) ? `revoked the credential of ${host}` : `${host} had no credential`);
      return 0;
    }
    if (command === 'list' && host === undefined) {
      for (const name of (await credentials.hosts()).sort()) console.log(name);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (error) {
    console.error(`agent-credentials: ${(error as Error).message}`);
    return 1;
  } finally {
    await credentials.onApplicationShutdown();
  }
}

process.exitCode = await main(process.argv.slice(2));
