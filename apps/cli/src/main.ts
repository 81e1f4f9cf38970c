import { CommanderError } from 'commander';
import { splitCommand } from './args/command.js';
import { CliError, ExitCode } from './errors.js';
import { buildProgram } from './program.js';

const { args, command } = splitCommand(process.argv.slice(2));
try {
  await buildProgram({ workload: command }).parseAsync(args, { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the problem (or the help) itself.
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Error;
  } else if (error instanceof CliError) {
    process.stderr.write(`bpfleet: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`bpfleet: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.Error;
  }
}
