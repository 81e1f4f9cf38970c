import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState } from 'preact/hooks';
import type { EventsResult } from '../api/results';
import { formatNumber } from '../format';
import { cellText, visibleRows, type EventsQuery } from './events-model';

const ROW_HEIGHT = 28;
const NUMERIC = new Set(['int', 'float']);

/**
 * An events result as a sortable, filterable table. Only the rows in view (plus a margin) are in the DOM,
 * so 100,000 rows scroll as smoothly as 100; `aria-rowcount`/`aria-rowindex` tell assistive technology the
 * real size.
 */
export function EventsTable({ result }: { result: EventsResult }) {
  const [query, setQuery] = useState<EventsQuery>({ filter: '', filterColumn: null, sort: null });
  const order = useMemo(() => visibleRows(result, query), [result, query]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const filterId = useId();
  const columnId = useId();
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);

  const sortBy = (column: string) =>
    setQuery((q) => ({
      ...q,
      sort: q.sort?.column === column ? { column, descending: !q.sort.descending } : { column, descending: false },
    }));

  return (
    <section aria-labelledby="events-heading">
      <h3 id="events-heading">Events</h3>
      <p class="hint">
        {formatNumber(result.total)} events seen
        {result.dropped > 0 && `, ${formatNumber(result.dropped)} dropped by the kernel`}; {formatNumber(result.rows.length)} rows kept.
      </p>
      <div class="toolbar" role="search">
        <label for={filterId}>Filter rows</label>
        <input id={filterId} type="search" value={query.filter} onInput={(e) => setQuery({ ...query, filter: e.currentTarget.value })} />
        <label for={columnId}>in</label>
        <select
          id={columnId}
          value={query.filterColumn ?? ''}
          onChange={(e) => setQuery({ ...query, filterColumn: e.currentTarget.value === '' ? null : e.currentTarget.value })}
        >
          <option value="">any column</option>
          {result.columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        <span role="status" aria-live="polite" class="count">
          {formatNumber(order.length)} of {formatNumber(result.rows.length)} rows
        </span>
      </div>
      <div ref={scroller} class="virtual-scroll" tabIndex={0} role="region" aria-label={`Events table, ${order.length} rows; scroll to see more`}>
        <table class="data events" aria-rowcount={order.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              {result.columns.map((column) => {
                const sorted = query.sort?.column === column.name ? (query.sort.descending ? 'descending' : 'ascending') : 'none';
                return (
                  <th key={column.name} scope="col" aria-sort={sorted} class={NUMERIC.has(column.type) ? 'num' : undefined}>
                    <button type="button" class="sort" onClick={() => sortBy(column.name)}>
                      {column.name}
                      <span aria-hidden="true">{sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true">
                <td style={{ height: `${padTop}px`, padding: 0, border: 0 }} colSpan={result.columns.length} />
              </tr>
            )}
            {items.map((item) => {
              const row = result.rows[order[item.index]!]!;
              return (
                <tr key={order[item.index]} aria-rowindex={item.index + 2} style={{ height: `${ROW_HEIGHT}px` }}>
                  {result.columns.map((column) => (
                    <td key={column.name} class={NUMERIC.has(column.type) ? 'num' : undefined}>
                      {cellText(row[column.name])}
                    </td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true">
                <td style={{ height: `${padBottom}px`, padding: 0, border: 0 }} colSpan={result.columns.length} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
