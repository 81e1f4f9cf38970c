import type { Command } from 'commander';
import { expectOk } from '../api/client.js';
import type { Host, Job, JobQuery, Tool } from '../api/types.js';
import { connect, globalOptions, printJson } from '../context.js';
import { renderTable } from '../render/table.js';

/** `bpfleet tools`, `bpfleet hosts`, `bpfleet jobs`: what the API lists, as tables or its JSON. */
export function registerLists(program: Command): void {
  program
    .command('tools')
    .description('list the tools a job can run, with the kind of result each gives')
    .action(async (_options, command: Command) => {
      const tools = await expectOk(connect(command).GET('/v1/tools'));
      if (globalOptions(command).json) printJson(tools);
      else print(toolsTable(tools));
    });

  program
    .command('hosts')
    .description('list the hosts whose agent has reported, online or not')
    .action(async (_options, command: Command) => {
      const hosts = await expectOk(connect(command).GET('/v1/hosts'));
      if (globalOptions(command).json) printJson(hosts);
      else print(hostsTable(hosts));
    });

  program
    .command('jobs')
    .description('list jobs, newest first')
    .option('--tag <tag>', 'only jobs with this tag')
    .option('--tool <tool>', 'only jobs of this tool')
    .option('--host <host>', 'only jobs with a run on this host')
    .option('--status <status>', 'only jobs in this status: queued, running, succeeded, failed, partial, cancelled')
    .option('--limit <n>', 'page size (1-100)')
    .option('--cursor <cursor>', 'the next page, as the previous one printed it')
    .action(async (options: Record<keyof JobQuery, string | undefined>, command: Command) => {
      const { limit, tool, status, ...rest } = options;
      // The API validates every filter and names the one that is wrong (`tool: must be one of …`).
      const query: JobQuery = { ...rest, tool: tool as JobQuery['tool'], status: status as JobQuery['status'] };
      if (limit !== undefined) query.limit = Number(limit);
      const page = await expectOk(connect(command).GET('/v1/jobs', { params: { query } }));
      if (globalOptions(command).json) {
        printJson(page);
        return;
      }
      print(jobsTable(page.items));
      if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
    });
}

const print = (text: string) => process.stdout.write(`${text}\n`);

/** One line per tool: name, result kind, description. */
export const toolsTable = (tools: readonly Tool[]): string =>
  renderTable(
    [{ title: 'tool' }, { title: 'result' }, { title: 'description' }],
    tools.map((tool) => [tool.adminOnly ? `${tool.name} (admin)` : tool.name, tool.resultKind, tool.description]),
  );

/** One line per host: name, status, kernel, last heartbeat, labels as k=v. */
export const hostsTable = (hosts: readonly Host[]): string =>
  renderTable(
    [{ title: 'host' }, { title: 'status' }, { title: 'kernel' }, { title: 'last seen' }, { title: 'labels' }],
    hosts.map((host) => [
      host.name,
      host.status,
      host.kernel,
      host.lastSeen,
      Object.entries(host.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
    ]),
  );

/** One line per job: id, tool, status, its hosts, tags, creation time. */
export const jobsTable = (jobs: readonly Job[]): string =>
  renderTable(
    [{ title: 'job' }, { title: 'tool' }, { title: 'status' }, { title: 'hosts' }, { title: 'tags' }, { title: 'created' }],
    jobs.map((job) => [job.id, job.tool, job.status, job.runs.map((run) => run.host).join(','), job.tags.join(','), job.createdAt]),
  );
