import { useId, useMemo, useState } from 'preact/hooks';
import { api, expectOk } from '../api/client';
import { useResource } from '../api/use-resource';
import { Loading, Problem } from '../components/problem';
import { formatNumber, formatPointsDelta, formatShare } from '../format';
import { DIFF_PALETTES, diffColor, type DiffPaletteName } from '../palette';
import { FlameGraph, type SearchOutcome } from '../results/flame-graph';
import { diffTree, maxAbsDelta, parseDiffFolded, type FlameNode } from '../results/flame-tree';
import { FlameToolbar, SearchSummary } from '../results/flame-toolbar';

const PALETTE_KEY = 'bpfleet.diffPalette';

function storedPalette(): DiffPaletteName | null {
  const name = localStorage.getItem(PALETTE_KEY);
  return name !== null && name in DIFF_PALETTES ? (name as DiffPaletteName) : null;
}

/**
 * The differential flame graph of two stacks results, from the API's differential folded file (which also
 * scales the base when the two asked for different durations). Widths from one side, colour = change of
 * each frame's share; a legend and a choice of palette, remembered in this browser.
 */
export function DiffFlameGraph({ base, target, unit }: { base: string; target: string; unit: string }) {
  const folded = useResource(`folded:${base}:${target}`, (signal) =>
    expectOk(api.GET('/v1/compare', { signal, params: { query: { base, target, format: 'folded' } }, parseAs: 'text' })).then((text) =>
      parseDiffFolded(String(text)),
    ),
  );
  const [widthFrom, setWidthFrom] = useState<'target' | 'base'>('target');
  const [palette, setPalette] = useState<DiffPaletteName>(() => storedPalette() ?? 'red-blue');
  const [search, setSearch] = useState('');
  const [outcome, setOutcome] = useState<SearchOutcome | null>(null);
  const [reset, setReset] = useState(0);
  const tree = useMemo(() => (folded.data ? diffTree(folded.data, widthFrom) : null), [folded.data, widthFrom]);
  const max = tree ? maxAbsDelta(tree) : 0;
  const paletteId = useId();
  const choosePalette = (name: DiffPaletteName) => {
    localStorage.setItem(PALETTE_KEY, name);
    setPalette(name);
  };
  if (folded.error) return <Problem error={folded.error} />;
  if (!tree) return <Loading what="the differential flame graph" />;

  const describe = (node: FlameNode) =>
    `${node.name}${node.type === 'kernel' ? ' (kernel)' : ''} — base ${formatNumber(node.base ?? 0)}, target ${formatNumber(node.target ?? 0)} ${unit}; ` +
    `share ${formatPointsDelta(node.delta ?? 0)}`;
  const { grewName, shrankName, label } = DIFF_PALETTES[palette];
  return (
    <section aria-labelledby="diff-flame-heading">
      <h3 id="diff-flame-heading">Differential flame graph</h3>
      <div class="toolbar">
        <fieldset class="inline-fieldset">
          <legend>Frame widths from</legend>
          <label class="inline">
            <input type="radio" name="width-from" checked={widthFrom === 'target'} onChange={() => setWidthFrom('target')} />
            target (where time goes now)
          </label>
          <label class="inline">
            <input type="radio" name="width-from" checked={widthFrom === 'base'} onChange={() => setWidthFrom('base')} />
            base (shows what vanished)
          </label>
        </fieldset>
        <label for={paletteId}>Palette</label>
        <select id={paletteId} value={palette} onChange={(e) => choosePalette(e.currentTarget.value as DiffPaletteName)}>
          {Object.entries(DIFF_PALETTES).map(([name, p]) => (
            <option key={name} value={name}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <FlameToolbar search={search} onSearch={setSearch} onReset={() => setReset((n) => n + 1)} />
      <SearchSummary outcome={outcome} unit={unit} />
      <figure class="diff-legend" aria-label={`Legend: ${label}`}>
        <span>shrank {max > 0 ? formatPointsDelta(-max) : ''}</span>
        <span
          class="diff-scale"
          aria-hidden="true"
          style={{
            background: `linear-gradient(to right, ${diffColor(-1, 1, palette)}, ${diffColor(0, 1, palette)}, ${diffColor(1, 1, palette)})`,
          }}
        />
        <span>grew {max > 0 ? formatPointsDelta(max) : ''}</span>
        <figcaption class="hint">
          Colour: the change of a frame's share of all {unit} from base to target — {shrankName}: shrank, grey: unchanged, {grewName}: grew;
          full colour at the largest change. Hover a frame for its numbers.
        </figcaption>
      </figure>
      <FlameGraph
        tree={tree}
        colorOf={(node) => diffColor(node.delta ?? 0, max, palette)}
        colorKey={palette}
        describe={describe}
        search={search}
        onSearch={setOutcome}
        focus={null}
        resetSignal={reset}
        label={`Differential flame graph, widths from the ${widthFrom}: ${formatNumber(tree.value)} ${unit}; largest change of a frame's share ${formatShare(max)}`}
      />
    </section>
  );
}
