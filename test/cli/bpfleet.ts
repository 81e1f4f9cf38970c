import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/kernel.js';

/** The CLI as `npx bpfleet` runs it in the repository: the package's bin over its built dist/. */
export const BPFLEET_BIN = join(ROOT, 'apps/cli/bin/bpfleet.js');

export interface CliRun {
  /** The exit code (null when a signal ended it). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bpfleet args…` as its own process against `api` (BPFLEET_URL/BPFLEET_TOKEN), with `env` on top,
 * and resolves when it exits. stdin is empty: no terminal, so progress comes as plain lines on stderr.
 */
export function bpfleet(api: { url: string; token: string }, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [BPFLEET_BIN, ...args], {
    env: { ...process.env, BPFLEET_URL: api.url, BPFLEET_TOKEN: api.token, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
