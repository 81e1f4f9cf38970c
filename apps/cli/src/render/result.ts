import type { ToolResult } from '../api/results.js';
import { renderHistogram } from './histogram.js';
import { renderCounts, renderEvents } from './rows.js';
import { renderStacks } from './stacks.js';

/** Any result for a terminal, by its kind, with its `note` (why it is empty or partial) first. */
export function renderResult(result: ToolResult): string {
  const note = result.note ? `note: ${result.note}\n` : '';
  switch (result.kind) {
    case 'events':
      return note + renderEvents(result);
    case 'counts':
      return note + renderCounts(result);
    case 'histogram':
      return note + renderHistogram(result);
    case 'stacks':
      return note + renderStacks(result);
  }
}
