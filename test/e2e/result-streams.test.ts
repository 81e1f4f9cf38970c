import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
import { sql, waitFor } from '../support/index.js';
import { describeKernel } from '../support/kernel.js';
import { openSse } from '../support/sse.js';
import { uniqueBinary } from '../support/workload.js';

const execFileAsync = promisify(execFile);

/** More than two chunks' worth at the agent's default of 1,000 rows a chunk. */
const EXECS = 2345;

/**
 * The whole streamed path on real parts: a real agent's execsnoop sends its rows in chunks while it runs, the API
 * COPYs them into run_events, and they are read back page by page, as CSV and live; ground truth from a workload
 * that execs a uniquely named binary exactly EXECS times, one after the other, each with its index.
 */
describeKernel('streamed events end to end', () => {
  let e2e: E2eHost;

  beforeAll(async () => {
    e2e = await startE2eHost('streams');
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it(`execsnoop of a workload making exactly ${EXECS} execs: ${EXECS} rows, in exec order, by paging, as CSV and live`, async () => {
    const { api } = e2e;
    const binary = uniqueBinary('bpfs');
    try {
      const created = await api.request('POST', '/v1/jobs', {
        body: { tool: 'execsnoop', hosts: [e2e.host], durationSec: 120, params: { nameContains: binary.name, maxEvents: 10_000 } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const jobId = created.body.id as string;
      const runId = created.body.runs[0].id as string;
      const live = await openSse(`${api.url}/v1/jobs/${jobId}/events`, { authorization: `Bearer ${api.token}` });
      await waitFor(async () => (await api.request('GET', `/v1/jobs/${jobId}`)).body.runs[0].status === 'running', { timeoutMs: 30_000, what: 'execsnoop running' });

      // The binary's path in the environment, not in sh's own argv: only its execs match the job's nameContains.
      await execFileAsync('sh', ['-c', `i=1; while [ $i -le ${EXECS} ]; do "$BINARY" "--i=$i"; i=$((i + 1)); done`], {
        env: { ...process.env, BINARY: binary.path },
      });
      expect((await api.request('POST', `/v1/jobs/${jobId}/stop`)).status).toBe(200);

      // Live: every row once, before the end of the stream.
      const liveRows: { args: string[] }[] = [];
      for (let event = await live.next(); event && event.event !== 'end'; event = await live.next()) {
        if (event.event === 'rows') liveRows.push(...JSON.parse(event.data).rows);
      }
      const done = (await api.request('GET', `/v1/jobs/${jobId}`)).body;
      expect(done.status).toBe('succeeded');
      expect(liveRows.map((row) => row.args[1]).sort()).toEqual(Array.from({ length: EXECS }, (_, i) => `--i=${i + 1}`).sort());

      const expected = Array.from({ length: EXECS }, (_, i) => [binary.path, `--i=${i + 1}`]);
      const paged: { filename: string; comm: string; ret: number; args: string[] }[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { rows: typeof paged; nextCursor: string | null } } = await api.request(
          'GET',
          `/v1/runs/${runId}/result?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({ kind: 'events', total: EXECS, dropped: 0, complete: true });
        paged.push(...page.body.rows);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged.map((row) => row.args)).toEqual(expected);
      expect(paged.every((row) => row.filename === binary.path && row.comm === binary.name && row.ret === 0)).toBe(true);

      const csv = await fetch(`${api.url}/v1/runs/${runId}/result?format=csv`, { headers: { authorization: `Bearer ${api.token}` } });
      const records: Record<string, string>[] = parseCsv(await csv.text(), { record_delimiter: '\r\n', columns: true });
      expect(records).toHaveLength(EXECS);
      expect(records.map((record) => JSON.parse(record.args!))).toEqual(expected);

      const chunks = await sql<{ n: string }>(e2e.env.databaseUrl, 'SELECT count(*) AS n FROM run_journal WHERE run_id = $1 AND seq IS NOT NULL', [runId]);
      expect(Number(chunks[0]!.n)).toBeGreaterThanOrEqual(3);
    } finally {
      binary.remove();
    }
  });
});
