import { Option, type Command } from 'commander';
import { expectOk } from '../api/client.js';
import { connect, globalOptions, printJson } from '../context.js';
import { renderComparison } from '../render/compare.js';
import { writeOutput } from './result.js';

/** `bpfleet compare <base> <target>`: GET /v1/compare, rendered, as JSON, or as a differential folded file. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two runs or jobs of the same tool (a job: its runs merged)')
    .argument('<base>', 'the reference: a run id or a job id')
    .argument('<target>', 'what is compared with it: a run id or a job id')
    .option('--by <column>', 'events: compare the counts of events by this column')
    .addOption(new Option('--format <format>', 'folded: the differential folded file of two stacks results').choices(['folded']))
    .option('-o, --output <file>', 'write the folded file here instead of stdout')
    .action(async (base: string, target: string, options: { by?: string; format?: 'folded'; output?: string }, command: Command) => {
      const api = connect(command);
      const query = { base, target, by: options.by };
      if (options.format === 'folded') {
        const text = await expectOk(api.GET('/v1/compare', { params: { query: { ...query, format: 'folded' } }, parseAs: 'text' }));
        await writeOutput(Buffer.from(text), options.output);
        return;
      }
      const comparison = await expectOk(api.GET('/v1/compare', { params: { query } }));
      if (globalOptions(command).json) printJson(comparison);
      else process.stdout.write(`${renderComparison(comparison)}\n`);
    });
}
