import type { FromSchema } from 'json-schema-to-ts';
import type { ToolDefinition } from './definition.js';
import type { ParamsError } from './validate-params.js';

/** Default `maxEvents`: a result of this many rows stays a few tens of MB of JSON. */
export const DEFAULT_MAX_EVENTS = 100_000;
/** Default `maxEventsPerSec`: far above normal exec / connect / exit rates, low enough to stop a flood early. */
export const DEFAULT_MAX_EVENTS_PER_SEC = 5000;

/**
 * The budget params every tool returning events has, merged into its params schema by `defineTool` (a tool
 * does not declare them). No `maximum`: the upper bounds are the server's caps ({@link budgetProblems}),
 * which the operator sets, and a static schema cannot know them.
 */
export const eventBudgetProperties = {
  maxEvents: {
    type: 'integer',
    minimum: 1,
    default: DEFAULT_MAX_EVENTS,
    description:
      'The run stops once it has received this many events: the result holds exactly that many rows and `stats.stopReason` is `maxEvents`. At most the server cap (BPFLEET_MAX_EVENTS).',
  },
  maxEventsPerSec: {
    type: 'integer',
    minimum: 1,
    default: DEFAULT_MAX_EVENTS_PER_SEC,
    description:
      'Events per second the kernel hands over; past it the kernel drops them (counted in `dropped`) and the run stops, keeping the rows it received, with `stats.stopReason` `maxEventsPerSec`. At most the server cap (BPFLEET_MAX_EVENTS_PER_SEC).',
  },
} as const;

const eventBudgetSchema = { type: 'object', additionalProperties: false, properties: eventBudgetProperties } as const;

/** A run's event budget, as validated params carry it (defaults filled in). */
export type EventBudget = FromSchema<typeof eventBudgetSchema>;

/** The budget of a run whose params name neither field. */
export const EVENT_BUDGET_DEFAULTS: EventBudget = { maxEvents: DEFAULT_MAX_EVENTS, maxEventsPerSec: DEFAULT_MAX_EVENTS_PER_SEC };

const BUDGET_FIELDS = Object.keys(eventBudgetProperties) as (keyof EventBudget)[];

/** Whether a tool has the budget params: it returns events (with its default params; tcpconnect's `countOnly` counts). */
export function hasEventBudget(tool: Pick<ToolDefinition<any, any>, 'resultKind'>): boolean {
  return tool.resultKind === 'events';
}

/** `schema` with the budget params added to its properties; throws if it declares one of them itself. */
export function withEventBudget<S extends Record<string, unknown>>(toolName: string, schema: S): S {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const clash = BUDGET_FIELDS.find((field) => field in properties);
  if (clash) throw new Error(`${toolName} declares ${clash}, which every events tool gets from event-budget.ts`);
  return { ...schema, properties: { ...properties, ...eventBudgetProperties } };
}

/**
 * The budget of a run of `tool` with these validated params, or undefined when the run returns no events
 * (a tool without events, tcpconnect with `countOnly`): such a run has no budget to spend.
 */
export function eventBudgetOf(tool: ToolDefinition<any, any>, params: Record<string, unknown>): EventBudget | undefined {
  if (!hasEventBudget(tool) || tool.resultKindOf(params) !== 'events') return undefined;
  return { maxEvents: params.maxEvents as number, maxEventsPerSec: params.maxEventsPerSec as number };
}

/** The server's upper bounds on the budget params (API and agent config BPFLEET_MAX_EVENTS, BPFLEET_MAX_EVENTS_PER_SEC). */
export type EventBudgetCaps = EventBudget;

/** The caps when the configuration sets none; a configured cap may not be below its param's default. */
export const DEFAULT_EVENT_BUDGET_CAPS: EventBudgetCaps = { maxEvents: 1_000_000, maxEventsPerSec: 100_000 };

/**
 * The budget params of `params` above the server's `caps`, each naming its field (`params.maxEvents`,
 * `params.maxEventsPerSec`); empty when within the caps or for a tool without budget params. Checks the
 * params as given or validated alike (an absent field is within its cap: its default never exceeds a cap,
 * the caps' configuration refuses values below the defaults). The API and the agent call it after
 * `validateParams`, so a caller learns the cap before anything runs and a queue cannot smuggle past it.
 */
export function budgetProblems(tool: ToolDefinition<any, any>, params: Record<string, unknown>, caps: EventBudgetCaps): ParamsError[] {
  if (!hasEventBudget(tool)) return [];
  return BUDGET_FIELDS.filter((field) => typeof params[field] === 'number' && params[field] > caps[field]).map((field) => ({
    field: `params.${field}`,
    message: `must be <= ${caps[field]} (the server's cap)`,
  }));
}
