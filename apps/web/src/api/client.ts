import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/api';
import { forgetToken, readToken } from './session';

/**
 * The typed client of the bpfleet API: openapi-fetch over the types openapi-typescript generates from the
 * committed spec (apps/cli/openapi.json), as the CLI does. Same origin: the API serves this UI.
 */
export type Api = Client<paths, 'application/json'>;

/** One problem of a 400 answer: `field` is a dotted path from the body root (`params.pid`, `hosts`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An answer that is not 2xx, with the API's own message and, for validation errors, every field named. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = readToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // A token the API no longer knows (deleted, or the database was reset): back to the login form.
    if (response.status === 401) forgetToken();
    return response;
  },
};

export const api: Api = createClient<paths, 'application/json'>({ baseUrl: '' });
api.use(bearer);

type Answer = { data?: unknown; error?: unknown; response: Response };
type Success<A extends Answer> = Extract<A, { error?: never }>['data'];

/**
 * The body of a 2xx answer; otherwise throws {@link ApiError} carrying the API's message and `details`
 * (or, when the API could not be reached, status 0 and why).
 */
export async function expectOk<A extends Answer>(request: Promise<A>): Promise<Success<A>> {
  let answer: A;
  try {
    answer = await request;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, `cannot reach the bpfleet API: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (answer.response.ok) return answer.data as Success<A>;
  throw toApiError(answer.response, answer.error);
}

/** The {@link ApiError} of an error answer, from its JSON body `{ statusCode, error, message, details? }`. */
export function toApiError(response: Response, body: unknown): ApiError {
  const fields = typeof body === 'object' && body !== null ? (body as { message?: unknown; details?: unknown }) : {};
  const message =
    typeof fields.message === 'string' && fields.message !== '' ? fields.message : `HTTP ${response.status} ${response.statusText}`.trim();
  const details = Array.isArray(fields.details) ? fields.details.filter(isFieldProblem) : [];
  return new ApiError(response.status, message, details);
}

const isFieldProblem = (value: unknown): value is FieldProblem =>
  typeof value === 'object' && value !== null && typeof (value as FieldProblem).field === 'string' && typeof (value as FieldProblem).message === 'string';
