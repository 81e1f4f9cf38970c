import type { Command } from 'commander';
import { expectOk } from '../api/client.js';
import type { Job } from '../api/types.js';
import { connect, globalOptions, printJson } from '../context.js';

/** `bpfleet tag <jobId> <tag>…` and `bpfleet untag <jobId> <tag>`: a job's tags name it as a baseline. */
export function registerTags(program: Command): void {
  program
    .command('tag')
    .description('tag a job, e.g. to make it the baseline of checks (--baseline tag:<tag>)')
    .argument('<jobId>', 'the job')
    .argument('<tags...>', 'one or more tags')
    .action(async (jobId: string, tags: string[], _options, command: Command) => {
      const job = await expectOk(connect(command).POST('/v1/jobs/{id}/tags', { params: { path: { id: jobId } }, body: { tags } }));
      printTags(job, command);
    });

  program
    .command('untag')
    .description('remove a tag from a job')
    .argument('<jobId>', 'the job')
    .argument('<tag>', 'the tag')
    .action(async (jobId: string, tag: string, _options, command: Command) => {
      const job = await expectOk(connect(command).DELETE('/v1/jobs/{id}/tags/{tag}', { params: { path: { id: jobId, tag } } }));
      printTags(job, command);
    });
}

function printTags(job: Job, command: Command): void {
  if (globalOptions(command).json) printJson(job);
  else process.stdout.write(`job ${job.id} tags: ${job.tags.length > 0 ? job.tags.join(', ') : '(none)'}\n`);
}
