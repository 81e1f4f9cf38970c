/** Names for the API's schemas, as generated from the committed openapi.json (src/generated/api.d.ts). */
import type { components, operations, paths } from '../generated/api.js';

type Schemas = components['schemas'];

export type Tool = Schemas['ToolResponseDto'];
export type Host = Schemas['HostResponseDto'];
export type Job = Schemas['JobResponseDto'];
export type Run = Schemas['RunResponseDto'];
export type JobQuery = NonNullable<operations['listJobs']['parameters']['query']>;
export type Check = Schemas['CheckResponseDto'];
export type ThresholdOutcome = Schemas['ThresholdOutcomeDto'];
export type CheckVerdict = NonNullable<Check['verdict']>;
/** GET /v1/compare's JSON: one shape per kind (histogram; counts and events; stacks). */
export type Comparison = paths['/v1/compare']['get']['responses'][200]['content']['application/json'];
