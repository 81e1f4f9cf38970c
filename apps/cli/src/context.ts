import type { Command } from 'commander';
import { createApi, type Api } from './api/client.js';
import { CliError } from './errors.js';

/** The options every command takes (declared on the program, given before or after the command name). */
export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** What a command's action needs beyond its own arguments. */
export interface CommandContext {
  /** The workload command given after `--` (only `run` and `check` accept one). */
  workload?: string[];
}

export const globalOptions = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();

/** The API client for `--url`/`BPFLEET_URL` with `--token`/`BPFLEET_TOKEN`. */
export function connect(command: Command): Api {
  const { url, token } = globalOptions(command);
  if (!url) throw new CliError('no API URL: pass --url or set BPFLEET_URL (e.g. http://localhost:8080)');
  return createApi({ url, token });
}

/** Prints what the API answered, for scripts (`--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Appends one option value to the list of a repeatable option (`--host a --host b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
