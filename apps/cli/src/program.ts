import { Command, Option } from 'commander';
import { registerCheck } from './commands/check.js';
import { registerCompare } from './commands/compare.js';
import { registerLists } from './commands/lists.js';
import { registerResult } from './commands/result.js';
import { registerRun } from './commands/run.js';
import { registerTags } from './commands/tags.js';
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

const TAKES_WORKLOAD = new Set(['run', 'check']);

/**
 * The `bpfleet` program. Commander's own errors (unknown option, missing argument) are thrown as
 * CommanderError rather than exiting, so that main.ts gives them the usage exit code.
 */
export function buildProgram(context: CommandContext): Command {
  const program = new Command('bpfleet')
    .description('Run BPF performance tools on remote Linux hosts, compare results, and gate CI on regressions.')
    .addOption(new Option('--url <url>', 'the bpfleet API, e.g. http://localhost:8080').env('BPFLEET_URL'))
    .addOption(new Option('--token <token>', 'an API token').env('BPFLEET_TOKEN'))
    .option('--json', "print the API's JSON instead of tables, for scripts")
    .showHelpAfterError('(bpfleet --help, or bpfleet <command> --help, for usage)')
    .exitOverride();
  program.hook('preAction', (_, action) => {
    if (context.workload && !TAKES_WORKLOAD.has(action.name())) {
      throw new CliError(`${action.name()} takes no command after --; only run and check do`);
    }
  });
  registerLists(program);
  registerRun(program, context);
  registerResult(program);
  registerCompare(program);
  registerTags(program);
  registerCheck(program, context);
  return program;
}
