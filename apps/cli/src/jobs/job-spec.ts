import { expectOk, type Api } from '../api/client.js';
import { parseDurationSec } from '../args/duration.js';
import { parseParams, type ParamSchema } from '../args/params.js';
import { CliError } from '../errors.js';

/** What POST /v1/jobs (and a check's candidate) is given. */
export interface JobSpec {
  tool: string;
  hosts: string[];
  durationSec: number;
  params: Record<string, unknown>;
}

/** The options `run` and `check` share, as commander collects them. */
export interface JobOptions {
  host?: string[];
  duration?: string;
  param?: string[];
}

/** Without `-d`: a plain run traces 10 s; with a workload the duration is only an upper bound (the API's default maximum, 1 h). */
export const DEFAULT_DURATION_SEC = 10;
export const WORKLOAD_DURATION_SEC = 3600;

/**
 * The job `tool` with the CLI's options: its params typed by the tool's paramsSchema (GET /v1/tools). An
 * unknown tool or no `--host` is a usage error.
 */
export async function jobSpec(api: Api, tool: string, options: JobOptions, withWorkload: boolean): Promise<JobSpec> {
  if (!options.host) throw new CliError('--host: give at least one host (bpfleet hosts lists them)');
  const tools = await expectOk(api.GET('/v1/tools'));
  const definition = tools.find((t) => t.name === tool);
  if (!definition) throw new CliError(`unknown tool "${tool}"; the tools are: ${tools.map((t) => t.name).join(', ')}`);
  return {
    tool,
    hosts: options.host,
    durationSec: options.duration ? parseDurationSec(options.duration) : withWorkload ? WORKLOAD_DURATION_SEC : DEFAULT_DURATION_SEC,
    // paramsSchema is a JSON Schema object; the API types it only as an object.
    params: parseParams(options.param ?? [], definition.paramsSchema as ParamSchema),
  };
}
