import { get, type IncomingMessage } from 'node:http';

/** One server-sent event as a client sees it. */
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The next event, or undefined once the stream has ended. */
  next(): Promise<ReceivedEvent | undefined>;
  /** Disconnects (the server sees the client leave). */
  close(): void;
}

/**
 * Opens `url` as a text/event-stream (with the headers EventSource cannot send, like Authorization) and parses it
 * as the SSE spec says: fields up to a blank line, comment lines ignored, data lines joined with \n. node:http, not
 * fetch: close() destroys the connection at once, as a browser leaving does (fetch's abort keeps it a while).
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    get(url, { headers: { accept: 'text/event-stream', ...headers } }, resolve).once('error', reject),
  );
  response.setEncoding('utf8');
  const lines = response[Symbol.asyncIterator]();
  let buffer = '';
  let ended = false;
  const nextBlock = async (): Promise<string | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return block;
      }
      if (ended) return undefined;
      const { value, done } = await lines.next().catch(() => ({ value: undefined, done: true }));
      if (done) ended = true;
      else buffer += value as string;
    }
  };
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
  return {
    status: response.statusCode!,
    headers: responseHeaders,
    async next() {
      for (;;) {
        const block = await nextBlock();
        if (block === undefined) return undefined;
        const event: ReceivedEvent = { event: 'message', data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') data.push(value);
        }
        // A block of comments or of `retry:` only is no event.
        if (data.length === 0) continue;
        event.data = data.join('\n');
        return event;
      }
    },
    close: () => response.destroy(),
  };
}
