import { describe, expectTypeOf, it } from 'vitest';
import type * as contracts from '../../../../libs/contracts/src/results.js';
import type * as cli from './results.js';

// Checked by the type-check (tsc), where a mismatch is an error; at run time there is nothing to assert.
describe('the CLI\'s view of the result kinds', () => {
  it('accepts every result the API stores (libs/contracts)', () => {
    expectTypeOf<contracts.EventsResult>().toExtend<cli.EventsResult>();
    expectTypeOf<contracts.CountsResult>().toExtend<cli.CountsResult>();
    expectTypeOf<contracts.HistogramResult>().toExtend<cli.HistogramResult>();
    expectTypeOf<contracts.StacksResult>().toExtend<cli.StacksResult>();
    expectTypeOf<contracts.ToolResult>().toExtend<cli.ToolResult>();
  });
});
