import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, startApi, type RunningApi, type TestEnv } from '../support/index.js';
import { ROOT } from '../support/kernel.js';

/** The spec the CLI's client is generated from (apps/cli's build turns it into src/generated/api.ts). */
const COMMITTED_SPEC = join(ROOT, 'apps/cli/openapi.json');
const REFRESH = './dev.sh openapi';

/**
 * The CLI is typed from a committed copy of the API's /openapi.json, so that it builds and packs without a
 * running API. This fails as soon as the two differ; `./dev.sh openapi` runs it with BPFLEET_WRITE_OPENAPI=1,
 * which writes the live document over the committed one instead.
 */
describe('the CLI\'s committed OpenAPI spec', () => {
  let env: TestEnv;
  let api: RunningApi;

  beforeAll(async () => {
    env = await createTestEnv('cli-openapi');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
  });

  it('is the document the API serves', async () => {
    const res = await api.request('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    if (process.env.BPFLEET_WRITE_OPENAPI === '1') {
      await writeFile(COMMITTED_SPEC, `${JSON.stringify(res.body, null, 2)}\n`);
    }
    const committed: unknown = JSON.parse(await readFile(COMMITTED_SPEC, 'utf8'));
    expect(res.body, `apps/cli/openapi.json differs from the API's /openapi.json: run \`${REFRESH}\` to refresh it and the CLI's types`).toEqual(committed);
  });
});
