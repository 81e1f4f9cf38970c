import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { expectOk } from '../api/client.js';
import { asToolResult } from '../api/results.js';
import { connect, globalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { renderResult } from '../render/result.js';

/** The export formats of GET /v1/runs/:id/result; which ones a kind has, the API says (400 naming `format`). */
const RESULT_FORMATS = ['json', 'csv', 'folded', 'speedscope', 'pprof'] as const;
type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Formats that are not text: written to a file or a pipe, never to a terminal. */
const BINARY: ReadonlySet<ResultFormat> = new Set(['pprof']);

/** `bpfleet result <runId>`: the stored result, rendered, or exported in a format (to stdout or `-o FILE`). */
export function registerResult(program: Command): void {
  program
    .command('result')
    .description('print a run\'s result, or export it (csv for events and counts; folded, speedscope, pprof for stacks)')
    .argument('<runId>', 'a run id (bpfleet run and bpfleet jobs --json show them)')
    .addOption(new Option('--format <format>', 'export format instead of the rendered result').choices(RESULT_FORMATS))
    .option('-o, --output <file>', 'write the export to this file instead of stdout')
    .action(async (runId: string, options: { format?: ResultFormat; output?: string }, command: Command) => {
      const api = connect(command);
      const format = options.format ?? (globalOptions(command).json ? 'json' : undefined);
      if (format === undefined) {
        const result = await expectOk(api.GET('/v1/runs/{id}/result', { params: { path: { id: runId } } }));
        process.stdout.write(`${renderResult(asToolResult(result))}\n`);
        return;
      }
      if (BINARY.has(format) && !options.output && process.stdout.isTTY) {
        throw new CliError(`--format ${format} is binary: write it with -o FILE or redirect stdout`);
      }
      const body = await expectOk(
        api.GET('/v1/runs/{id}/result', { params: { path: { id: runId }, query: { format } }, parseAs: 'arrayBuffer' }),
      );
      await writeOutput(Buffer.from(body), options.output);
    });
}

/** Writes an export to `file`, or to stdout when none is given. */
export async function writeOutput(bytes: Buffer, file: string | undefined): Promise<void> {
  if (file) await writeFile(file, bytes);
  else process.stdout.write(bytes);
}
