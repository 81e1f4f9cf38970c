import type { Command } from 'commander';
import { expectOk, type Api } from '../api/client.js';
import { collect, connect, globalOptions, printJson, type CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { followJob } from '../jobs/follow.js';
import { jobSpec, type JobOptions } from '../jobs/job-spec.js';
import { jobResults } from '../jobs/results.js';
import { renderResult } from '../render/result.js';
import { addJobOptions } from './job-options.js';

interface RunOptions extends JobOptions {
  tag?: string[];
}

/**
 * `bpfleet run <tool> --host h … [-- CMD]`: starts a job, shows its progress, then prints each host's
 * result. Exits 0 when the job succeeded, 3 when it did not, and with CMD's own code when CMD failed.
 */
export function registerRun(program: Command, context: CommandContext): void {
  addJobOptions(
    program
      .command('run')
      .description('run a tool on hosts and print the result; with -- CMD, trace exactly while CMD runs')
      .usage('<tool> --host <host>... [options] [-- CMD [ARGS...]]')
      .argument('<tool>', 'a tool name (bpfleet tools lists them)'),
  )
    .option('--tag <tag>', 'tag the job (repeat for several), e.g. to make it a baseline', collect)
    .action(async (tool: string, options: RunOptions, command: Command) => {
      const api = connect(command);
      const json = globalOptions(command).json === true;
      if (context.workload?.length === 0) throw new CliError('-- must be followed by a command');
      const created = await expectOk(api.POST('/v1/jobs', { body: await jobSpec(api, tool, options, context.workload !== undefined) }));
      if (options.tag) await tagOrCancel(api, created.id, options.tag);
      if (!json) process.stderr.write(`job ${created.id}\n`);
      const { job, commandExit } = await followJob(api, created.id, {
        command: context.workload,
        commandStdout: json ? process.stderr : process.stdout,
      });
      const results = await jobResults(api, job);
      if (json) {
        printJson({ job, results: results.map(({ run, result }) => ({ runId: run.id, host: run.host, result })), commandExit });
      } else {
        for (const { run, result } of results) {
          process.stdout.write(`\n== ${run.host} (run ${run.id}): ${run.status}${run.error ? `: ${run.error}` : ''}\n`);
          if (result) process.stdout.write(`${renderResult(result)}\n`);
        }
      }
      if (commandExit !== undefined) process.stderr.write(`command exited with code ${commandExit}\n`);
      if (job.status !== 'succeeded') {
        throw new CliError(`job ${job.id} ended ${job.status}`);
      }
      process.exitCode = commandExit ?? ExitCode.Ok;
    });
}

/** Tags the new job; when the API refuses a tag, cancels the job rather than leave it tracing for nothing. */
async function tagOrCancel(api: Api, id: string, tags: string[]): Promise<void> {
  try {
    await expectOk(api.POST('/v1/jobs/{id}/tags', { params: { path: { id } }, body: { tags } }));
  } catch (error) {
    await api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } });
    throw error;
  }
}
