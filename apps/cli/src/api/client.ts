import createClient, { type Client } from 'openapi-fetch';
import { ApiError, CliError } from '../errors.js';
import type { paths } from '../generated/api.js';

/**
 * The typed client of the bpfleet API (openapi-fetch over the generated `paths`), typed by the JSON answers:
 * the text and binary exports are read with `parseAs`.
 */
export type Api = Client<paths, 'application/json'>;

/** Where the API is and how to authenticate (`--url`/`BPFLEET_URL`, `--token`/`BPFLEET_TOKEN`). */
export interface Connection {
  url: string;
  token?: string;
}

/** A client that sends `token` as a bearer token on every request (none when `token` is unset). */
export function createApi({ url, token }: Connection): Api {
  return createClient<paths, 'application/json'>({
    baseUrl: url.replace(/\/+$/, ''),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** What openapi-fetch answers: `data` on a 2xx status, `error` (the parsed body) otherwise. */
type Answer = { data?: unknown; error?: unknown; response: Response };
/** The 2xx branch of an answer: the one whose `error` is `never`. */
type Success<A extends Answer> = Extract<A, { error?: never }>['data'];

/**
 * The body of a successful answer; an error answer throws {@link ApiError} with the API's own message (a
 * 400's names the offending field), and a request that never got an answer throws {@link CliError} saying
 * why (connection refused, DNS).
 */
export async function expectOk<A extends Answer>(request: Promise<A>): Promise<Success<A>> {
  let answer: A;
  try {
    answer = await request;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new CliError(`cannot reach the bpfleet API: ${cause}`);
  }
  if (answer.response.ok) return answer.data as Success<A>;
  throw new ApiError(answer.response.status, errorMessage(answer.error, answer.response));
}

function errorMessage(body: unknown, response: Response): string {
  const message = typeof body === 'object' && body !== null && 'message' in body ? body.message : undefined;
  if (typeof message === 'string' && message !== '') return message;
  return `HTTP ${[response.status, response.statusText].filter(Boolean).join(' ')} from ${new URL(response.url).pathname}`;
}
