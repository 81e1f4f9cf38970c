import { describe, expect, it } from 'vitest';
import { CATALOG, TOOL_CATALOG } from './catalog.js';
import { defineTool } from './definition.js';
import { DEFAULT_EVENT_BUDGET_CAPS, budgetProblems, eventBudgetOf, hasEventBudget } from './event-budget.js';
import { validateParams } from './validate-params.js';

const CAPS = DEFAULT_EVENT_BUDGET_CAPS;
const tool = (name: string) => TOOL_CATALOG.get(name)!;

describe('event budget params', () => {
  it('are in the schema of every tool returning events, and of no other', () => {
    const budgeted = CATALOG.map((e) => e.definition)
      .filter(hasEventBudget)
      .map((d) => d.name)
      .sort();
    expect(budgeted).toEqual(['execsnoop', 'exitsnoop', 'oomkill', 'runqslower', 'soaccept', 'soconnect', 'tcpaccept', 'tcpconnect', 'trace']);
    for (const { definition } of CATALOG) {
      const properties = definition.paramsSchema.properties as Record<string, unknown>;
      expect('maxEvents' in properties, definition.name).toBe(hasEventBudget(definition));
      expect('maxEventsPerSec' in properties, definition.name).toBe(hasEventBudget(definition));
    }
  });

  it('default to 100000 events and 5000 per second, in params and in every example', () => {
    const params: Record<string, unknown> = {};
    expect(validateParams(tool('oomkill'), params)).toEqual([]);
    expect(params).toEqual({ maxEvents: 100_000, maxEventsPerSec: 5000 });
    expect(tool('oomkill').examples[0]).toEqual({ maxEvents: 1000, maxEventsPerSec: 5000 });
  });

  it('refuse 0 and fractions, naming the field', () => {
    expect(validateParams(tool('execsnoop'), { maxEvents: 0, maxEventsPerSec: 1.5 })).toEqual([
      { field: 'params.maxEvents', message: 'must be >= 1' },
      { field: 'params.maxEventsPerSec', message: 'must be integer' },
    ]);
  });

  it('may not be declared by a tool itself: the framework owns them', () => {
    expect(() =>
      defineTool({
        name: 'dup',
        description: 'declares maxEvents of its own, which clashes',
        resultKind: 'events',
        requires: [],
        paramsSchema: { type: 'object', additionalProperties: false, properties: { maxEvents: { type: 'integer' } } },
      }),
    ).toThrow('dup declares maxEvents, which every events tool gets from event-budget.ts');
  });
});

describe('eventBudgetOf', () => {
  it('is the budget of a run returning events, none for counts (tcpconnect countOnly) or a non-events tool', () => {
    const params = { countOnly: false, maxEvents: 7, maxEventsPerSec: 9 };
    expect(eventBudgetOf(tool('tcpconnect'), params)).toEqual({ maxEvents: 7, maxEventsPerSec: 9 });
    expect(eventBudgetOf(tool('tcpconnect'), { ...params, countOnly: true })).toBeUndefined();
    expect(eventBudgetOf(tool('syscount'), {})).toBeUndefined();
  });
});

describe('budgetProblems', () => {
  it('has default caps of 1000000 events and 100000 per second', () => {
    expect(DEFAULT_EVENT_BUDGET_CAPS).toEqual({ maxEvents: 1_000_000, maxEventsPerSec: 100_000 });
  });

  it('names each field above its cap, with the cap', () => {
    expect(budgetProblems(tool('execsnoop'), { maxEvents: 1_000_001, maxEventsPerSec: 100_001 }, CAPS)).toEqual([
      { field: 'params.maxEvents', message: "must be <= 1000000 (the server's cap)" },
      { field: 'params.maxEventsPerSec', message: "must be <= 100000 (the server's cap)" },
    ]);
  });

  it('accepts a budget at its cap, absent fields, and the defaults', () => {
    expect(budgetProblems(tool('trace'), { maxEvents: 1_000_000, maxEventsPerSec: 100_000 }, CAPS)).toEqual([]);
    expect(budgetProblems(tool('trace'), {}, CAPS)).toEqual([]);
    const params: Record<string, unknown> = {};
    validateParams(tool('soconnect'), params);
    expect(budgetProblems(tool('soconnect'), params, { maxEvents: 100_000, maxEventsPerSec: 5000 })).toEqual([]);
  });

  it('checks tcpconnect with countOnly too (the params are its own), and no tool without events', () => {
    expect(budgetProblems(tool('tcpconnect'), { countOnly: true, maxEventsPerSec: 200_000 }, CAPS)).toEqual([
      { field: 'params.maxEventsPerSec', message: "must be <= 100000 (the server's cap)" },
    ]);
    expect(budgetProblems(tool('syscount'), { maxEvents: 5_000_000 }, CAPS)).toEqual([]);
  });
});
