import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { loadAgentCredentials } from './credentials.js';

const credential = { host: 'db-1', redisUser: 'bpfleet-agent-db-1', redisPassword: 'pw', signingKey: 'key' };

describe(loadAgentCredentials.name, () => {
  let dir: string;
  let file: string;
  const write = (content: unknown, mode = 0o600) => {
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    chmodSync(file, mode);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bpfleet-credentials-'));
    file = join(dir, 'agent-credentials.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads this host's credential", () => {
    write({ ...credential, extra: 'ignored' });
    expect(loadAgentCredentials(file, 'db-1')).toEqual(credential);
  });

  it('refuses a file group or others may read, naming it', () => {
    write(credential, 0o640);
    expect(() => loadAgentCredentials(file, 'db-1')).toThrow(new ConfigError(`BPFLEET_AGENT_CREDENTIALS_FILE ${file} is readable by group or others: chmod 600 it`));
  });

  it("refuses another host's credential, a missing file, and what is not a credential", () => {
    write(credential);
    expect(() => loadAgentCredentials(file, 'db-2')).toThrow(`is the credential of host db-1, not of db-2 (BPFLEET_HOST_NAME)`);
    write({ host: 'db-1', redisUser: 'u' });
    expect(() => loadAgentCredentials(file, 'db-1')).toThrow('must hold host, redisUser, redisPassword and signingKey');
    write('{');
    expect(() => loadAgentCredentials(file, 'db-1')).toThrow('is not JSON');
    expect(() => loadAgentCredentials(join(dir, 'none.json'), 'db-1')).toThrow(/ENOENT.*provision one with agent-credentials provision db-1/);
  });
});
