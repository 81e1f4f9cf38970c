import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError } from '../errors.js';

/** A started workload command and how it ended. */
export interface RunningCommand {
  /** Its exit code; 128 + the signal number when a signal ended it, as a shell reports it. */
  exited: Promise<number>;
}

/**
 * Starts `argv` (no shell) with the CLI's stdin and stderr, and stdout to `stdout` (`process.stderr`
 * under `--json`, so that the CLI's stdout stays the JSON). A command that cannot be started (not found,
 * not executable) rejects `exited` with a {@link CliError}.
 */
export function startCommand(argv: readonly string[], stdout: NodeJS.WritableStream): RunningCommand {
  const [file, ...args] = argv;
  const child = spawn(file!, args, { stdio: ['inherit', stdout === process.stdout ? 'inherit' : 'pipe', 'inherit'] });
  child.stdout?.pipe(stdout, { end: false });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(new CliError(`cannot start ${file}: ${error.message}`)));
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  return { exited };
}
