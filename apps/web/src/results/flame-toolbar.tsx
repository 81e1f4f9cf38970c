import { useId } from 'preact/hooks';
import { formatNumber, formatShare } from '../format';
import type { SearchOutcome } from './flame-graph';

/** Search and reset controls shared by the flame graph and the differential one. */
export function FlameToolbar({ search, onSearch, onReset }: { search: string; onSearch(term: string): void; onReset(): void }) {
  const id = useId();
  return (
    <div class="toolbar" role="search">
      <label for={id}>Search functions</label>
      <input id={id} type="search" value={search} placeholder="e.g. spin_hot" onInput={(e) => onSearch(e.currentTarget.value)} />
      <button type="button" onClick={onReset}>
        Reset zoom
      </button>
    </div>
  );
}

/** What the search matched, announced politely to screen readers. */
export function SearchSummary({ outcome, unit }: { outcome: SearchOutcome | null; unit: string }) {
  return (
    <p class="search-summary" role="status" aria-live="polite">
      {outcome &&
        (outcome.frames === 0
          ? `No frame matches “${outcome.term}”.`
          : `“${outcome.term}”: ${outcome.frames} frames, ${formatNumber(outcome.value)} of ${formatNumber(outcome.total)} ${unit} (${formatShare(outcome.total === 0 ? 0 : outcome.value / outcome.total)})`)}
    </p>
  );
}
