import { describe, expect, it } from 'vitest';
import { CATALOG, TOOL_CATALOG } from './catalog.js';
import { defineTool } from './definition.js';
import { MAX_INTERVALS, intervalCount, intervalProblems } from './time-series.js';
import { validateParams } from './validate-params.js';

describe('the intervalSec param', () => {
  it('is on exactly the aggregate tools whose kernel counters only grow (docs/tools.md, "Time series")', () => {
    const series = CATALOG.filter((e) => e.definition.series).map((e) => e.definition.name);
    expect(series.sort()).toEqual(['argdist', 'cpudist', 'cpufreq', 'funccount', 'runqlat', 'runqlen', 'sockstat', 'sofamily', 'soprotocol', 'syscount']);
    for (const { definition } of CATALOG) {
      const properties = definition.paramsSchema.properties as Record<string, unknown>;
      if (definition.series) expect(properties.intervalSec, definition.name).toMatchObject({ type: 'integer', minimum: 1, maximum: 3600 });
      else expect(properties.intervalSec, definition.name).toBeUndefined();
    }
  });

  it('is bounded 1..3600 by the schema', () => {
    const syscount = TOOL_CATALOG.get('syscount')!;
    expect(validateParams(syscount, { intervalSec: 0 })).toEqual([{ field: 'params.intervalSec', message: 'must be >= 1' }]);
    expect(validateParams(syscount, { intervalSec: 3601 })).toEqual([{ field: 'params.intervalSec', message: 'must be <= 3600' }]);
    expect(validateParams(syscount, { intervalSec: 1.5 })).toEqual([{ field: 'params.intervalSec', message: 'must be integer' }]);
    expect(validateParams(TOOL_CATALOG.get('profile')!, { intervalSec: 1 })).toEqual([
      { field: 'params.intervalSec', message: 'is not a known parameter' },
    ]);
  });

  it('allows at most 1000 intervals per run, checked against the job when validateParams is given it', () => {
    const runqlat = TOOL_CATALOG.get('runqlat')!;
    expect(validateParams(runqlat, { intervalSec: 1 }, { durationSec: 1000 })).toEqual([]);
    expect(validateParams(runqlat, { intervalSec: 1 }, { durationSec: 1001 })).toEqual([
      { field: 'params.intervalSec', message: 'must be at least 2 for a run of 1001 s (at most 1000 intervals per run)' },
    ]);
    expect(validateParams(runqlat, { intervalSec: 3 }, { durationSec: 3600 })).toEqual([
      { field: 'params.intervalSec', message: 'must be at least 4 for a run of 3600 s (at most 1000 intervals per run)' },
    ]);
    expect(validateParams(runqlat, { intervalSec: 4 }, { durationSec: 3600 })).toEqual([]);
    expect(validateParams(runqlat, { intervalSec: 4 }, { durationSec: 4001 })).toHaveLength(1);
    // Without the job (or the param) there is nothing to check it against.
    expect(validateParams(runqlat, { intervalSec: 1 })).toEqual([]);
    expect(validateParams(runqlat, {}, { durationSec: 86_400 })).toEqual([]);
  });

  it('counts the intervals of a run, the last one possibly shorter', () => {
    expect(intervalCount(3000, 1)).toBe(3);
    expect(intervalCount(3001, 1)).toBe(4);
    expect(intervalCount(10_000, 60)).toBe(1);
    expect(intervalProblems(1, MAX_INTERVALS)).toEqual([]);
  });

  it('is merged by defineTool, which refuses it on a kind without series or declared by the tool', () => {
    const schema = { type: 'object', additionalProperties: false, properties: {} } as const;
    const base = { description: 'a tool for this test only', requires: [] };
    expect(() => defineTool({ ...base, name: 'x', resultKind: 'stacks', series: true, paramsSchema: schema })).toThrow(
      'x: stacks results have no time series (only counts and histograms)',
    );
    expect(() => defineTool({ ...base, name: 'y', resultKind: 'events', series: true, paramsSchema: schema })).toThrow(
      'y: events results have no time series (only counts and histograms)',
    );
    const declaring = { type: 'object', additionalProperties: false, properties: { intervalSec: { type: 'integer' } } } as const;
    expect(() => defineTool({ ...base, name: 'z', resultKind: 'counts', series: true, paramsSchema: declaring })).toThrow(
      'z declares intervalSec, which every tool with a time series gets from time-series.ts',
    );
  });
});
