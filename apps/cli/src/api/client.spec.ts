import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError, CliError } from '../errors.js';
import { createApi, expectOk } from './client.js';

const response = (status: number) => Object.defineProperty(new Response(null, { status }), 'url', { value: 'http://api.test/v1/jobs' });

describe('expectOk', () => {
  it('gives the body of a 2xx answer', async () => {
    await expect(expectOk(Promise.resolve({ data: { id: 'j' }, response: response(200) }))).resolves.toEqual({ id: 'j' });
  });

  it("throws the API's own message with its status on an error answer", async () => {
    const error = { statusCode: 400, error: 'Bad Request', message: 'params.pid: must be >= 1' };
    const thrown = await expectOk(Promise.resolve({ error, response: response(400) })).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: 400, message: 'params.pid: must be >= 1', exitCode: 3 });
  });

  it('names the status and path when the error body has no message', async () => {
    await expect(expectOk(Promise.resolve({ error: 'oops', response: response(502) }))).rejects.toThrow('HTTP 502 from /v1/jobs');
  });

  it('says why when the API could not be reached', async () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    const thrown = await expectOk(Promise.reject(refused)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CliError);
    expect(thrown).toMatchObject({ message: 'cannot reach the bpfleet API: connect ECONNREFUSED 127.0.0.1:1', exitCode: 3 });
  });
});

describe('createApi', () => {
  it('sends the token as a bearer token to the URL given, trailing slash or not', async () => {
    const seen: { url?: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((request, response) => {
      seen.push({ url: request.url, headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await expect(expectOk(createApi({ url, token: 's3cret' }).GET('/v1/tools'))).resolves.toEqual([]);
      await expectOk(createApi({ url }).GET('/v1/hosts'));
    } finally {
      server.close();
    }
    expect(seen.map((request) => [request.url, request.headers.authorization])).toEqual([
      ['/v1/tools', 'Bearer s3cret'],
      ['/v1/hosts', undefined],
    ]);
  });
});
