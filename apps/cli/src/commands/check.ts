import { appendFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { expectOk, type Api } from '../api/client.js';
import type { Check, CheckVerdict } from '../api/types.js';
import { parseBaseline } from '../args/baseline.js';
import { parseThresholds } from '../args/thresholds.js';
import { checkJunit } from '../check/junit.js';
import { checkMarkdown } from '../check/markdown.js';
import { verdictExitCode } from '../check/outcome.js';
import { renderCheck } from '../check/render.js';
import { collect, connect, globalOptions, printJson, type CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { followJob, POLL_MS } from '../jobs/follow.js';
import { jobSpec, type JobOptions } from '../jobs/job-spec.js';
import { addJobOptions } from './job-options.js';

interface CheckOptions extends JobOptions {
  baseline: string;
  threshold?: string[];
  markdown?: string;
  stepSummary?: string;
  junit?: string;
}

/**
 * `bpfleet check <tool> --host h … --baseline tag:main --threshold p99=+10% [-- CMD]`: runs a candidate job
 * through POST /v1/checks, waits for the verdict and exits 0 (pass), 1 (fail), 2 (inconclusive), or 3 on a
 * usage or API error, or when CMD failed (a broken workload measures nothing worth a verdict). Writes the
 * Markdown summary to $GITHUB_STEP_SUMMARY (appended) and/or --markdown, JUnit XML to --junit.
 */
export function registerCheck(program: Command, context: CommandContext): void {
  addJobOptions(
    program
      .command('check')
      .description('run a tool and judge the result against a baseline; exit 0 pass, 1 fail, 2 inconclusive, 3 error')
      .usage('<tool> --host <host>... --baseline tag:<tag>|job:<id> --threshold NAME=LIMIT... [options] [-- CMD [ARGS...]]')
      .argument('<tool>', 'a tool name (bpfleet tools lists them)'),
  )
    .requiredOption('--baseline <baseline>', 'tag:<tag> (the latest succeeded job with it, same tool and hosts) or job:<jobId>')
    .option('--threshold <name=limit>', 'e.g. p99=+10%, total=+20%, syscall=read=+5%, function:foo=+5% (repeat for several)', collect)
    .option('--markdown <file>', 'write the Markdown summary here')
    // GitHub Actions names the job summary file in the environment; the summary is appended, as GitHub expects.
    .addOption(new Option('--step-summary <file>', 'append the Markdown summary to this file').env('GITHUB_STEP_SUMMARY'))
    .option('--junit <file>', 'write a JUnit XML report here: one testcase per threshold')
    .action(async (tool: string, options: CheckOptions, command: Command) => {
      const api = connect(command);
      const json = globalOptions(command).json === true;
      if (context.workload?.length === 0) throw new CliError('-- must be followed by a command');
      const baseline = parseBaseline(options.baseline);
      const thresholds = parseThresholds(options.threshold ?? []);
      const spec = await jobSpec(api, tool, options, context.workload !== undefined);
      const created = await expectOk(api.POST('/v1/checks', { body: { ...spec, baseline, thresholds } }));
      if (!json) process.stderr.write(`check ${created.id}, candidate job ${created.candidateJobId}\n`);
      const { commandExit } = await followJob(api, created.candidateJobId, {
        command: context.workload,
        commandStdout: json ? process.stderr : process.stdout,
      });
      const check = await waitForVerdict(api, created.id);
      await writeReports(check, options);
      if (json) printJson(check);
      else process.stdout.write(`${renderCheck(check)}\n`);
      if (commandExit !== undefined && commandExit !== 0) {
        throw new CliError(`the command exited with code ${commandExit}: no verdict is trusted from a failed workload`);
      }
      process.exitCode = verdictExitCode(check.verdict);
    });
}

/** Reads the check until the API has judged it (the candidate job has ended by then, or is about to). */
async function waitForVerdict(api: Api, id: string): Promise<Check & { verdict: CheckVerdict }> {
  for (;;) {
    const check = await expectOk(api.GET('/v1/checks/{id}', { params: { path: { id } } }));
    if (check.status === 'done' && check.verdict !== null) return { ...check, verdict: check.verdict };
    await sleep(POLL_MS);
  }
}

async function writeReports(check: Check, options: CheckOptions): Promise<void> {
  const markdown = checkMarkdown(check);
  // GitHub reads the file once the step ends; earlier steps may have written to it, so append.
  if (options.stepSummary) await appendFile(options.stepSummary, markdown);
  if (options.markdown) await writeFile(options.markdown, markdown);
  if (options.junit) await writeFile(options.junit, checkJunit(check));
}
