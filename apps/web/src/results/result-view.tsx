import type { ToolResult } from '../api/results';
import { CountsTable } from './counts-table';
import { EventsTable } from './events-table';
import { HistogramView } from './histogram-view';
import { StacksView } from './stacks-view';

/** A run's result, drawn by its kind; `note` (why it is empty or partial on this host) above it. */
export function ResultView({ result }: { result: ToolResult }) {
  return (
    <div class="result" data-kind={result.kind}>
      {result.note && (
        <p class="note" role="note">
          {result.note}
        </p>
      )}
      {result.kind === 'events' ? (
        <EventsTable result={result} />
      ) : result.kind === 'counts' ? (
        <CountsTable result={result} />
      ) : result.kind === 'histogram' ? (
        <HistogramView result={result} />
      ) : (
        <StacksView result={result} />
      )}
    </div>
  );
}
