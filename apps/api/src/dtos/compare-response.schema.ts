import type { SchemaObject } from '@nestjs/swagger';

/**
 * The OpenAPI schemas of GET /v1/compare, one per kind, written out from libs/results/src/compare/types.ts
 * (the shapes the comparison returns as they are), so generated clients get them typed.
 */
const number = { type: 'number' } as const;
const nullableNumber = { type: 'number', nullable: true } as const;

const change: SchemaObject = {
  type: 'object',
  description: '`ratio` = target / base, null when base is 0.',
  required: ['base', 'target', 'delta', 'ratio'],
  properties: { base: number, target: number, delta: number, ratio: nullableNumber },
};

const histogramSummary: SchemaObject = {
  type: 'object',
  required: ['count', 'sum', 'min', 'max', 'mean', 'p50', 'p90', 'p99', 'p999', 'ratePerSec'],
  properties: {
    count: number,
    sum: number,
    min: number,
    max: number,
    mean: number,
    p50: number,
    p90: number,
    p99: number,
    p999: number,
    ratePerSec: { ...nullableNumber, description: 'Values per traced second.' },
  },
};

const sources: SchemaObject = {
  type: 'object',
  description: 'What each side is: a run, or a job whose succeeded runs were merged.',
  required: ['base', 'target'],
  properties: Object.fromEntries(
    ['base', 'target'].map((side) => [
      side,
      {
        type: 'object',
        required: ['type', 'id', 'jobId', 'tool', 'durationSec', 'hosts', 'runIds', 'tracedMs'],
        properties: {
          type: { type: 'string', enum: ['run', 'job'] },
          id: { type: 'string', format: 'uuid' },
          jobId: { type: 'string', format: 'uuid' },
          tool: { type: 'string' },
          durationSec: { type: 'integer' },
          hosts: { type: 'array', items: { type: 'string' } },
          runIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
          tracedMs: { type: 'number', description: 'Summed over the runs.' },
        },
      },
    ]),
  ),
};

const common = {
  tool: { type: 'string' },
  normalized: {
    type: 'boolean',
    description: 'The jobs asked for different durations: count-like values are per traced second.',
  },
  sources,
} as const;

const histogramComparison: SchemaObject = {
  type: 'object',
  title: 'HistogramComparison',
  required: ['tool', 'kind', 'unit', 'normalized', 'base', 'target', 'percentiles', 'shift', 'sources'],
  properties: {
    ...common,
    kind: { type: 'string', enum: ['histogram'] },
    unit: { type: 'string', example: 'us' },
    base: histogramSummary,
    target: histogramSummary,
    percentiles: {
      type: 'object',
      required: ['p50', 'p90', 'p99', 'p999', 'max'],
      properties: Object.fromEntries(['p50', 'p90', 'p99', 'p999', 'max'].map((name) => [name, change])),
    },
    shift: {
      type: 'object',
      nullable: true,
      description:
        'Mann–Whitney U over the buckets as tie groups (midranks, tie-corrected variance): valid on bucketed ' +
        'data. `effect` is Cliff\'s delta, positive when the target is higher. Null when a side is empty.',
      required: ['test', 'u', 'z', 'pValue', 'effect', 'significant'],
      properties: {
        test: { type: 'string', enum: ['mann-whitney-u'] },
        u: number,
        z: number,
        pValue: number,
        effect: number,
        significant: { type: 'boolean' },
      },
    },
  },
};

const countsComparison: SchemaObject = {
  type: 'object',
  title: 'CountsComparison',
  description: 'Counts, or events counted by the `by` column (kind `events`).',
  required: ['tool', 'kind', 'keys', 'unit', 'normalized', 'total', 'rows', 'appeared', 'vanished', 'sources'],
  properties: {
    ...common,
    kind: { type: 'string', enum: ['counts', 'events'] },
    keys: { type: 'array', items: { type: 'string' }, description: 'The key columns of `rows`.' },
    unit: { type: 'string', example: 'count' },
    total: change,
    rows: {
      type: 'array',
      description: 'One per key: its key columns, then base, target, delta, ratio, change. Sorted by |delta|.',
      items: {
        type: 'object',
        required: ['base', 'target', 'delta', 'ratio', 'change'],
        properties: {
          base: number,
          target: number,
          delta: number,
          ratio: nullableNumber,
          change: { type: 'string', enum: ['appeared', 'vanished', 'changed', 'same'] },
        },
        additionalProperties: true,
      },
    },
    appeared: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Keys only in the target.' },
    vanished: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Keys only in the base.' },
  },
};

const functionSide: SchemaObject = {
  type: 'object',
  required: ['self', 'total', 'selfShare', 'totalShare'],
  properties: {
    self: { ...number, description: 'Samples whose innermost frame is the function.' },
    total: { ...number, description: 'Samples with the function anywhere on the stack.' },
    selfShare: { ...number, description: 'self / the side\'s total, in [0, 1].' },
    totalShare: number,
  },
};

const stacksComparison: SchemaObject = {
  type: 'object',
  title: 'StacksComparison',
  required: ['tool', 'kind', 'unit', 'normalized', 'base', 'target', 'functions', 'omitted', 'sources'],
  properties: {
    ...common,
    kind: { type: 'string', enum: ['stacks'] },
    unit: { type: 'string', example: 'samples' },
    base: { type: 'object', required: ['total'], properties: { total: number } },
    target: { type: 'object', required: ['total'], properties: { total: number } },
    functions: {
      type: 'array',
      description: 'Top regressed first (self share delta, then total share delta).',
      items: {
        type: 'object',
        required: ['function', 'module', 'base', 'target', 'delta'],
        properties: {
          function: { type: 'string' },
          module: { type: 'string', nullable: true },
          base: functionSide,
          target: functionSide,
          delta: functionSide,
        },
      },
    },
    omitted: { type: 'integer', description: 'Functions left out (the smallest share changes).' },
  },
};

export const COMPARISON_SCHEMA: SchemaObject = {
  oneOf: [histogramComparison, countsComparison, stacksComparison],
};
