import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, startApi, type RunningApi, type TestEnv } from '../support/index.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const REDOCLY = join(REPO, 'node_modules/@redocly/cli/bin/cli.js');
const execFileAsync = promisify(execFile);

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

/** `redocly lint` with the repo's redocly.yaml (recommended rules), offline: no telemetry, no update check. */
async function lint(file: string): Promise<LintReport> {
  const args = [REDOCLY, 'lint', '--config', join(REPO, 'redocly.yaml'), '--lint-config=error', '--format=json', file];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' };
  // Exit code 1 means "problems found": the JSON report on stdout says which.
  const { stdout } = await execFileAsync(process.execPath, args, { cwd: REPO, env }).catch(
    (error: { stdout?: string; stderr?: string; code?: number }) => {
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw new Error(`redocly lint did not run: ${error.stderr ?? String(error)}`);
    },
  );
  return JSON.parse(stdout) as LintReport;
}

const describeProblem = (problem: LintProblem) =>
  `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`;

describe('the OpenAPI contract', () => {
  let env: TestEnv;
  let api: RunningApi;
  let document: { paths: Record<string, Record<string, Operation>> };
  let dir: string;

  beforeAll(async () => {
    env = await createTestEnv('openapi');
    api = await startApi(env);
    const res = await api.request('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    document = res.body;
    dir = await mkdtemp(join(tmpdir(), 'bpfleet-openapi-'));
  });

  afterAll(async () => {
    await api?.close();
    await env?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes redocly lint (recommended) with no error and no warning', async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document, null, 2));
    const report = await lint(file);
    expect(report.problems.map(describeProblem)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  // The lint accepts any declared security; this checks the declaration against what the API really does.
  it('declares bearer security exactly on the operations that answer 401 without a token', async () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(11);
    const publicIds: string[] = [];
    for (const { method, path, operation } of operations) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await api.request(method.toUpperCase(), url, { token: null });
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.security, where).toBeDefined();
      if (operation.security!.length === 0) {
        publicIds.push(operation.operationId!);
        expect(res.status, where).not.toBe(401);
      } else {
        expect(operation.security, where).toEqual([{ bearer: [] }]);
        expect(res.status, where).toBe(401);
        expect(Object.keys(operation.responses), where).toContain('401');
      }
    }
    expect(publicIds.sort()).toEqual(['getOpenApiDocument', 'getReadiness', 'getLiveness', 'getSwaggerUi'].sort());
  });
});
