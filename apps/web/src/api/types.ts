import type { components, operations } from '../generated/api';

type Schemas = components['schemas'];

/** The API's answers as the UI reads them (generated from the OpenAPI spec). */
export type Tool = Schemas['ToolResponseDto'];
export type Host = Schemas['HostResponseDto'];
export type Job = Schemas['JobResponseDto'];
export type Run = Schemas['RunResponseDto'];
export type CreateJob = Schemas['CreateJobDto'];
export type Check = Schemas['CheckResponseDto'];
export type Schedule = Schemas['ScheduleResponseDto'];
export type Comparison = operations['compare']['responses'][200]['content']['application/json'];
export type HistogramComparison = Extract<Comparison, { kind: 'histogram' }>;
export type CountsComparison = Extract<Comparison, { kind: 'counts' | 'events' }>;
export type StacksComparison = Extract<Comparison, { kind: 'stacks' }>;

/** A job status that will not change any more. */
export const FINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'partial', 'cancelled']);

/** The filters of GET /v1/jobs; `tool` is typed as the catalog's names, which the URL can only claim. */
export type JobQuery = NonNullable<operations['listJobs']['parameters']['query']>;
