import { formatCell } from './format.js';

export interface Column {
  /** The header. */
  title: string;
  /** Numbers read best right-aligned, so their digits line up. */
  align?: 'left' | 'right';
}

/**
 * Rows of cells as an aligned plain-text table: a header line, then one line per row, columns separated
 * by two spaces, trailing blanks trimmed. Cells are formatted with {@link formatCell}; line breaks and
 * tabs in a cell become spaces so that a row stays one line.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => columns.map((_, i) => formatCell(row[i]).replace(/[\r\n\t]+/g, ' ')));
  const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => (columns[i]!.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.title)), ...cells.map(line)].join('\n');
}
