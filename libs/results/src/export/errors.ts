import type { ResultKind } from '../../../contracts/src/index.js';
import type { ExportFormat } from './formats.js';

/** A result asked for in a format its kind has no export for (the API answers 400, naming `format`). */
export class UnsupportedExportError extends Error {
  override readonly name = 'UnsupportedExportError';
  constructor(
    readonly kind: ResultKind,
    readonly format: ExportFormat,
    /** The formats a result of this kind does export as. */
    readonly supported: readonly ExportFormat[],
  ) {
    super(`format '${format}' is not available for a ${kind} result (available: ${supported.join(', ')})`);
  }
}
