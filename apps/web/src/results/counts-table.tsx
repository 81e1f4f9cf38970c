import { useId, useMemo, useState } from 'preact/hooks';
import type { CountsResult } from '../api/results';
import { formatNumber, formatShare } from '../format';
import { valueColumns } from './counts-model';
import { cellText } from './events-model';

/** A counts result: one row per key, largest count first, each count with a bar scaled to the largest. */
export function CountsTable({ result }: { result: CountsResult }) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const values = useMemo(() => valueColumns(result), [result]);
  const rows = useMemo(() => [...result.rows].sort((a, b) => Number(b.count ?? 0) - Number(a.count ?? 0)), [result]);
  const max = rows.length === 0 ? 0 : Number(rows[0]!.count ?? 0);
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? rows : rows.filter((row) => result.keys.some((key) => cellText(row[key]).toLowerCase().includes(needle)));
  return (
    <section aria-labelledby="counts-heading">
      <h3 id="counts-heading">Counts</h3>
      <p class="hint">
        {formatNumber(result.total)} in total over {formatNumber(result.rows.length)} rows.
      </p>
      <div class="toolbar" role="search">
        <label for={filterId}>Filter by {result.keys.join(', ')}</label>
        <input id={filterId} type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <span role="status" aria-live="polite" class="count">
          {formatNumber(shown.length)} of {formatNumber(rows.length)} rows
        </span>
      </div>
      <table class="data counts">
        <thead>
          <tr>
            {result.keys.map((key) => (
              <th key={key} scope="col">
                {key}
              </th>
            ))}
            {values.map((name) => (
              <th key={name} scope="col" class="num">
                {name}
              </th>
            ))}
            <th scope="col" class="num">
              share
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => {
            const count = Number(row.count ?? 0);
            return (
              <tr key={result.keys.map((key) => cellText(row[key])).join('\u0000')}>
                {result.keys.map((key, i) =>
                  i === 0 ? (
                    <th key={key} scope="row">
                      {cellText(row[key])}
                    </th>
                  ) : (
                    <td key={key}>{cellText(row[key])}</td>
                  ),
                )}
                {values.map((name) =>
                  name === 'count' ? (
                    <td key={name} class="num bar-cell">
                      <span class="bar" style={{ width: `${max === 0 ? 0 : (100 * count) / max}%` }} aria-hidden="true" />
                      <span class="bar-value">{formatNumber(count)}</span>
                    </td>
                  ) : (
                    <td key={name} class="num">
                      {formatNumber(Number(row[name] ?? 0))}
                    </td>
                  ),
                )}
                <td class="num">{formatShare(result.total === 0 ? 0 : count / result.total)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
