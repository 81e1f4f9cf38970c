import { stringify } from 'csv-stringify/sync';
import type { CountsResult, EventsResult } from '../../../contracts/src/index.js';

/**
 * RFC 4180 (CRLF records, fields with a comma, quote or line break quoted, quotes doubled), plus OWASP's
 * formula guard: comm, args and bpftrace lines are chosen by whoever runs on the traced host, and a cell
 * starting with `=`, `+`, `-`, `@`, tab or CR would run as a formula in the spreadsheet that opens the file.
 * Such a text cell gets a leading `'`; numbers (a negative count) are left as they are.
 */
const OPTIONS = {
  header: true,
  record_delimiter: 'windows',
  // Giving record_delimiter turns this off by default, and a lone \n in a field would then go unquoted.
  quote_record_delimiter: true,
  escape_formulas: true,
  // csv-stringify writes true as 1 and false as an empty cell, which reads back as "no value".
  cast: { boolean: String },
} as const;

/**
 * An events result as CSV: a header row of the result's `columns` in order (even with no rows), then one
 * record per row. Timestamps are the stored ISO text; `string[]` and `array` cells are JSON arrays
 * (`["ls","-l"]`: every element kept apart, numbers told from strings); a missing or null value is an empty
 * cell; booleans are `true`/`false`. A column a row does not list is ignored.
 */
export function eventsCsv(result: EventsResult): string {
  return eventsCsvPart(result.columns, result.rows, true);
}

/**
 * A piece of an events CSV written as it streams: the header row first when `header`, then `rows` as
 * {@link eventsCsv} writes them. The pieces of one result, the first with the header, joined are its eventsCsv.
 */
export function eventsCsvPart(columns: EventsResult['columns'], rows: EventsResult['rows'], header: boolean): string {
  const names = columns.map((column) => column.name);
  return stringify(
    rows.map((row) => names.map((name) => row[name])),
    { ...OPTIONS, header, columns: names },
  );
}

/**
 * A counts result as CSV: the key columns (`keys`, in order), then `count`, then every other value column
 * the rows carry (e.g. syscount's `totalLatencyNs`, bpftrace's `average`/`total`) in the order they first
 * appear; a value a row lacks is an empty cell. With no rows: the key columns and `count`.
 */
export function countsCsv(result: CountsResult): string {
  const keys = new Set(result.keys);
  const values = new Set(['count']);
  for (const row of result.rows) for (const name of Object.keys(row)) if (!keys.has(name)) values.add(name);
  const names = [...keys, ...values];
  return stringify(
    result.rows.map((row) => names.map((name) => row[name])),
    { ...OPTIONS, columns: names },
  );
}
