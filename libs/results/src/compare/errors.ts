import type { ResultKind } from '../../../contracts/src/index.js';

/**
 * Samples that cannot be merged or compared: different result kinds, histogram or stack units, count keys
 * or requested durations, or no traced time to turn counts into rates. The message says which, in words.
 */
export class IncompatibleSamplesError extends Error {
  override readonly name = 'IncompatibleSamplesError';
}

/**
 * The `by` option names a column the results do not have (or a kind without columns): `columns` lists the
 * ones that can be used, empty when there are none.
 */
export class UnknownColumnError extends Error {
  override readonly name = 'UnknownColumnError';
  readonly field = 'by';

  constructor(
    readonly column: string,
    readonly columns: string[],
    kind: ResultKind,
  ) {
    const result = `${kind === 'events' ? 'an' : 'a'} ${kind} result`;
    super(columns.length > 0 ? `by: ${result} has no column "${column}"; it has ${columns.join(', ')}` : `by: ${result} has no columns to group by`);
  }
}
