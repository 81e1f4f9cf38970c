import type { LiveEvent } from '../services/live.service.js';

/** `event` in the text/event-stream format; every line of `data` gets its own `data:` field. */
export function formatEvent(event: LiveEvent): string {
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.event}\n${event.data.split('\n').map((line) => `data: ${line}\n`).join('')}\n`;
}
