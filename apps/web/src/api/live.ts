import { readToken } from './session';

/** The events of GET /v1/jobs/:id/events (docs/results.md): a run's status changed, rows were stored, the job ended. */
export type LiveEventName = 'status' | 'rows' | 'end';

/**
 * Follows a job's live events until it ends (`end`) or `signal` aborts, calling `onEvent` with each event's
 * name. Read with fetch, not EventSource: EventSource cannot send the bearer token. Rejects when the stream
 * cannot be opened or breaks; the caller then falls back to polling.
 */
export async function followJob(jobId: string, onEvent: (name: LiveEventName) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
    headers: { authorization: `Bearer ${readToken() ?? ''}`, accept: 'text/event-stream' },
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`live events: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('live events: the stream ended before the job did');
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (\w+)$/m.exec(block)?.[1] as LiveEventName | undefined;
      if (!name) continue; // a comment line (keep-alive)
      onEvent(name);
      if (name === 'end') return;
    }
  }
}
