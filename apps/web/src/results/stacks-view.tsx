import { useMemo, useState } from 'preact/hooks';
import type { StacksResult } from '../api/results';
import { formatNumber, formatShare } from '../format';
import { FRAME_LEGEND, frameColor } from '../palette';
import { FlameGraph, type FocusTarget, type SearchOutcome } from './flame-graph';
import { stacksTree, topFunctions, type FlameNode } from './flame-tree';
import { FlameToolbar, SearchSummary } from './flame-toolbar';

const UNIT_WORDS: Record<StacksResult['unit'], string> = { samples: 'samples', us: 'µs off CPU', events: 'events' };
const TOP_ROWS = 25;

/** A stacks result: its flame graph (search, zoom, kernel and user frames apart) and its top functions. */
export function StacksView({ result }: { result: StacksResult }) {
  const tree = useMemo(() => stacksTree(result), [result]);
  const functions = useMemo(() => topFunctions(result), [result]);
  const [search, setSearch] = useState('');
  const [outcome, setOutcome] = useState<SearchOutcome | null>(null);
  const [focus, setFocus] = useState<FocusTarget | null>(null);
  const [reset, setReset] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const unit = UNIT_WORDS[result.unit];
  const describe = (node: FlameNode) =>
    `${node.name}${node.module ? ` (${node.module})` : ''} — ${node.type === 'kernel' ? 'kernel, ' : node.type === 'user' ? 'user, ' : ''}` +
    `${formatNumber(node.value)} ${unit}, ${formatShare(tree.value === 0 ? 0 : node.value / tree.value)}`;

  if (result.stacks.length === 0) return <p>No stacks were sampled.</p>;
  const rows = showAll ? functions : functions.slice(0, TOP_ROWS);
  return (
    <section aria-labelledby="flame-heading">
      <h3 id="flame-heading">Flame graph</h3>
      <p class="hint">
        {formatNumber(result.total)} {unit}. Click a frame to zoom into it; the widest frames are where the time went.
      </p>
      <FlameToolbar search={search} onSearch={setSearch} onReset={() => setReset((n) => n + 1)} />
      <SearchSummary outcome={outcome} unit={unit} />
      <ul class="legend" aria-label="Frame colours">
        {FRAME_LEGEND.map((entry) => (
          <li key={entry.type}>
            <span class="swatch" style={{ background: entry.color }} aria-hidden="true" />
            {entry.label}
          </li>
        ))}
      </ul>
      <FlameGraph
        tree={tree}
        colorOf={(node) => frameColor(node.type, node.name)}
        describe={describe}
        search={search}
        onSearch={setOutcome}
        focus={focus}
        resetSignal={reset}
        label={`Flame graph of ${formatNumber(result.total)} ${unit}`}
      />
      <h3 id="top-functions">Top functions</h3>
      <table class="data" aria-labelledby="top-functions">
        <thead>
          <tr>
            <th scope="col">Function</th>
            <th scope="col">Module</th>
            <th scope="col" class="num">Self</th>
            <th scope="col" class="num">Self %</th>
            <th scope="col" class="num">Total</th>
            <th scope="col" class="num">Total %</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.module}\u0000${row.function}`}>
              <th scope="row" class={row.kernel ? 'frame-kernel' : 'frame-user'}>
                {row.function}
                {row.kernel && <span class="tag-kernel"> kernel</span>}
              </th>
              <td class="module">{row.module ?? '–'}</td>
              <td class="num">{formatNumber(row.self)}</td>
              <td class="num">{formatShare(row.selfShare)}</td>
              <td class="num">{formatNumber(row.total)}</td>
              <td class="num">{formatShare(row.totalShare)}</td>
              <td>
                <button
                  type="button"
                  class="small"
                  aria-label={`Focus the flame graph on ${row.function}`}
                  onClick={() => setFocus({ name: row.function, module: row.module, nonce: Date.now() })}
                >
                  Focus
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {functions.length > TOP_ROWS && (
        <button type="button" onClick={() => setShowAll(!showAll)}>
          {showAll ? `Show the top ${TOP_ROWS}` : `Show all ${functions.length} functions`}
        </button>
      )}
    </section>
  );
}
