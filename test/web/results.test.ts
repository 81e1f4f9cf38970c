import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { histogramOf, summarize } from '../../libs/bpf/src/histogram/loglinear.js';
import { type EventsResult, type HistogramResult, type RunMessage, type ToolResult } from '../../libs/contracts/src/index.js';
import { createTestEnv, startApi, waitFor, type RunningApi, type TestEnv } from '../support/index.js';
import { describeKernel } from '../support/kernel.js';
import { launchBrowser, logIn, missingBrowserFeature, openPage, screenshot, unnamedControls, type PageWatch } from './browser.js';

const HOST = 'web-fake';
/** Over the API's default page of 100,000 rows: the UI follows `nextCursor` to draw them all. */
const ROWS = 120_000;

/**
 * The web UI in a real browser on results constructed with known answers, stored through the real path
 * (POST /v1/jobs, the results queue, the results processor, Postgres, GET /v1/runs/:id/result): a 120,000-row
 * events table, a histogram with groups and a time series, a check's verdict; and how the API serves the UI.
 */
describeKernel(
  'web UI on constructed results',
  () => {
    let env: TestEnv;
    let api: RunningApi;
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;

    /** A job of `tool` on the fake host whose run "succeeds" with `result`: the agent's messages, sent by hand. */
    async function storedJob(tool: string, params: object, result: ToolResult): Promise<{ id: string; runId: string }> {
      const created = await api.request('POST', '/v1/jobs', { body: { tool, hosts: [HOST], durationSec: 2, params } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const runId = created.body.runs[0].id as string;
      const send = (message: RunMessage) => env.report(message);
      await send({ type: 'running', runId, at: new Date(Date.now() - 2000).toISOString() });
      await send({ type: 'succeeded', runId, at: new Date().toISOString(), result, stats: { attachMs: 12, tracedMs: 2000, lostEvents: 0 } });
      await waitFor(async () => (await api.request('GET', `/v1/jobs/${created.body.id}`)).body.status === 'succeeded', {
        timeoutMs: 30_000,
        what: `${tool} job stored`,
      });
      return { id: created.body.id, runId };
    }

    beforeAll(async () => {
      env = await createTestEnv('web');
      await env.heartbeat(HOST);
      api = await startApi(env);
      browser = await launchBrowser();
      ({ page, watch } = await openPage(browser, api.url));
    });

    afterAll(async () => {
      await browser?.close();
      await api?.close();
      await env?.close();
    });

    it('serves the UI at / with client-side routes, while API paths keep their JSON answers', async () => {
      const index = await fetch(`${api.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const html = await index.text();
      const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const asset = await fetch(`${api.url}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

      const route = await fetch(`${api.url}/jobs/0f8fad5b-d9cb-469f-a165-70867728950e?run=x`);
      expect(route.status).toBe(200);
      expect(await route.text()).toBe(html);

      for (const path of ['/v1/nope', '/v1', '/assets/missing.js']) {
        const missing = await fetch(`${api.url}${path}`);
        expect([path, missing.status, missing.headers.get('content-type')]).toEqual([path, 404, 'application/json; charset=utf-8']);
        expect(await missing.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
      expect((await fetch(`${api.url}/v1/tools`)).status).toBe(401);
      expect((await api.request('GET', '/v1/tools')).status).toBe(200);
      expect((await fetch(`${api.url}/openapi.json`)).headers.get('content-type')).toMatch(/^application\/json/);
      expect((await fetch(`${api.url}/docs`)).status).toBe(200);
    });

    it('refuses a wrong token in the login form, keeps the right one for the tab', async () => {
      await page.goto('/');
      await page.getByLabel('API token').fill('not-a-token-of-this-api');
      await page.getByRole('button', { name: 'Log in' }).click();
      expect(await page.getByRole('alert').textContent()).toBe('Not logged in: the API does not know this token');
      await logIn(page, api.token);
      expect(await page.evaluate('sessionStorage.getItem("bpfleet.token")')).toBe(api.token);
      await page.reload();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
    });

    it('shows the hosts with status, kernel and capabilities', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hosts' }).click();
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: HOST }) });
      await row.waitFor();
      expect(await row.getByRole('cell').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(online|offline)$/), '6.8.0-test']),
      );
      await screenshot(page, 'hosts');
    });

    it('draws 120,000 events (two pages of the API) as a virtualized table that sorts, filters and scrolls to the end', async () => {
      const result: EventsResult = {
        kind: 'events',
        columns: [
          { name: 'ts', type: 'timestamp' },
          { name: 'pid', type: 'int' },
          { name: 'comm', type: 'string' },
          { name: 'args', type: 'string[]' },
        ],
        // 7919 is prime to 120,000: the pids are 1..120,000 in a scrambled order.
        rows: Array.from({ length: ROWS }, (_, i) => ({
          ts: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
          pid: ((i * 7919) % ROWS) + 1,
          comm: `comm-${i}`,
          args: ['/bin/true', `--n=${i}`],
        })),
        total: ROWS,
        dropped: 3,
      };
      const job = await storedJob('execsnoop', {}, result);
      await page.goto(`/jobs/${job.id}`);
      const status = page.locator('.result [role="status"]');
      await page.getByRole('heading', { name: 'Events' }).waitFor();
      expect(await status.textContent()).toBe('120,000 of 120,000 rows');
      expect(await page.locator('table.events').getAttribute('aria-rowcount')).toBe(String(ROWS + 1));
      // Only what is in view (plus a margin) is in the DOM.
      expect(await page.locator('table.events tbody tr').count()).toBeLessThan(100);

      const pidHeader = page.getByRole('columnheader', { name: 'pid' });
      await pidHeader.getByRole('button').click();
      await pidHeader.getByRole('button').click();
      expect(await pidHeader.getAttribute('aria-sort')).toBe('descending');
      const firstRow = page.locator('table.events tbody tr[aria-rowindex="2"]');
      expect(await firstRow.locator('td').nth(1).textContent()).toBe(String(ROWS));

      await page.getByLabel('Filter rows').fill('comm-77777');
      await waitFor(async () => (await status.textContent()) === '1 of 120,000 rows', { what: 'the filter to apply' });
      expect(await firstRow.locator('td').allTextContents()).toEqual([
        new Date(Date.UTC(2026, 0, 1) + 77777).toISOString(),
        String(((77777 * 7919) % ROWS) + 1),
        'comm-77777',
        '/bin/true --n=77777',
      ]);

      await page.getByLabel('Filter rows').fill('');
      await pidHeader.getByRole('button').click();
      expect(await pidHeader.getAttribute('aria-sort')).toBe('ascending');
      // The keyboard reaches the end of the scrolling region: the last row is the highest pid.
      await page.getByRole('region', { name: /^Events table/ }).focus();
      await page.keyboard.press('End');
      const lastRow = page.locator(`table.events tbody tr[aria-rowindex="${ROWS + 1}"]`);
      await lastRow.waitFor();
      expect(await lastRow.locator('td').nth(1).textContent()).toBe(String(ROWS));
      expect(await page.locator('table.events tbody tr').count()).toBeLessThan(100);
      await screenshot(page, 'events-120k');
    });

    it('draws a histogram on log axes with its percentiles, small multiples per group and a heatmap of its series', async () => {
      // 900 values of 10 us (an exact bucket: p50 is 10), 90 of 1000 us, 10 of 10,000 us.
      const values = [...Array(900).fill(10), ...Array(90).fill(1000), ...Array(10).fill(10_000)];
      const whole = summarize(histogramOf(values), 'us');
      const groups = Array.from({ length: 20 }, (_, i) => ({
        key: 1000 + i,
        comm: `worker-${i}`,
        histogram: summarize(histogramOf(Array(i + 1).fill(50 * (i + 1))), 'us'),
      }));
      // Ten seconds in which the latency climbs a power of two per second.
      const series = Array.from({ length: 10 }, (_, s) => {
        const { buckets, count, sum, p50, p90, p99, p999 } = summarize(histogramOf(Array(20).fill(2 ** (s + 4))), 'us');
        return { at: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(), buckets, count, sum, p50, p90, p99, p999 };
      });
      const result = { ...whole, by: 'pid', groups, series, intervalSec: 1 };
      const job = await storedJob('runqlat', { perPid: true }, result);
      await page.goto(`/jobs/${job.id}`);
      await page.getByRole('heading', { name: 'Distribution' }).waitFor();
      const names = await page.locator('.result dl.summary dt').allTextContents();
      const shown = await page.locator('.result dl.summary dd').allTextContents();
      const summary = Object.fromEntries(names.map((name, i) => [name, shown[i]]));
      expect(summary).toEqual({
        count: '1,000',
        min: `${whole.min} us`,
        mean: `${(whole.sum / whole.count).toLocaleString('en-US', { maximumFractionDigits: 2 })} us`,
        p50: `${whole.p50.toLocaleString('en-US', { maximumFractionDigits: 2 })} us`,
        p90: `${whole.p90.toLocaleString('en-US', { maximumFractionDigits: 2 })} us`,
        p99: `${whole.p99.toLocaleString('en-US', { maximumFractionDigits: 2 })} us`,
        'p99.9': `${whole.p999.toLocaleString('en-US', { maximumFractionDigits: 2 })} us`,
        max: `${whole.max.toLocaleString('en-US', { maximumFractionDigits: 2 })} us`,
      });
      expect(whole.p50).toBe(10);
      expect(whole.p99).toBeGreaterThanOrEqual(1000 * (1 - 1 / 16));
      expect(whole.p99).toBeLessThan(1000 * (1 + 1 / 16));
      expect(await page.getByRole('img', { name: /^Histogram of 1,000 values in us: p50 10, p90 / }).locator('canvas').count()).toBe(1);

      const heatmap = page.getByRole('img', { name: /^Latency heatmap/ });
      expect(await heatmap.getAttribute('aria-label')).toBe('Latency heatmap: 10 intervals of 1 s, 10 value bands (powers of two), at most 20 in a cell');
      expect(await heatmap.locator('canvas').count()).toBe(1);

      const multiples = page.locator('ul.multiples > li');
      expect(await multiples.count()).toBe(12);
      expect(await multiples.first().getByRole('heading').textContent()).toBe('pid 1019 (worker-19)');
      await page.getByRole('button', { name: 'Show all 20 groups' }).click();
      expect(await multiples.count()).toBe(20);
      expect(await multiples.last().getByRole('heading').textContent()).toBe('pid 1000 (worker-0)');
      await screenshot(page, 'histogram');
    });

    it('shows a check with its verdict and threshold table', async () => {
      // Values below 32 have buckets of width 1: every percentile is the value itself.
      const base: HistogramResult = summarize(histogramOf(Array(2000).fill(10)), 'us');
      const slower: HistogramResult = summarize(histogramOf(Array(2000).fill(20)), 'us');
      const baseline = await storedJob('runqlat', {}, base);
      const candidate = await storedJob('runqlat', {}, slower);
      const created = await api.request('POST', '/v1/checks', {
        body: { candidate: { jobId: candidate.id }, baseline: { jobId: baseline.id }, thresholds: { p99: '+10%', count: '+50%' } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await waitFor(async () => (await api.request('GET', `/v1/checks/${created.body.id}`)).body.status === 'done', { what: 'the verdict' });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Checks' }).click();
      const row = page.getByRole('row').filter({ hasText: created.body.id.slice(0, 8) });
      await row.waitFor();
      expect(await row.locator('.status').textContent()).toBe('fail');
      await row.getByRole('link').click();
      const table = page.getByRole('table', { name: 'Thresholds' });
      await table.getByRole('rowheader', { name: 'p99' }).waitFor();
      const cells = async (name: string) =>
        table
          .getByRole('row')
          .filter({ has: page.getByRole('rowheader', { name }) })
          .getByRole('cell')
          .allTextContents();
      expect((await cells('p99')).slice(0, 6)).toEqual(['+10%', '10', '20', '+100%', expect.stringMatching(/^(p<1e-15|\d.*)$/), 'fail']);
      expect((await cells('count')).slice(0, 4)).toEqual(['+50%', '2,000', '2,000', '0%']);
      expect((await cells('count'))[5]).toBe('pass');
      await screenshot(page, 'check');
    });

    it('lists schedules and their jobs', async () => {
      const created = await api.request('POST', '/v1/schedules', {
        body: { name: 'web-nightly', cron: '0 0 2 * * *', timezone: 'UTC', job: { tool: 'runqlat', hosts: [HOST], durationSec: 10 } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'web-nightly' }) });
      await row.waitFor();
      expect((await row.getByRole('cell').allTextContents()).slice(0, 3)).toEqual(['0 0 2 * * * UTC', `runqlat, 10 s on ${HOST}`, 'enabled']);
      await row.getByRole('link', { name: 'web-nightly' }).click();
      await page.getByRole('heading', { name: 'Schedule web-nightly' }).waitFor();
      await page.getByText('No firing has made a job yet.').waitFor();
    });

    it('is usable from the keyboard, every control labelled, landmarks named', async () => {
      await page.goto('/jobs/new?tool=syscount');
      await page.getByRole('heading', { name: 'New job' }).waitFor();
      await page.getByLabel('Tool', { exact: true }).waitFor();
      const form = await page.locator('main').ariaSnapshot();
      expect(unnamedControls(form)).toEqual([]);
      expect(form).toContain('textbox "pid"');
      expect(form).toContain('group "by');
      const nav = await page.locator('body').ariaSnapshot();
      expect(unnamedControls(nav)).toEqual([]);
      expect(nav).toMatch(/- banner:/);
      expect(nav).toMatch(/- navigation "Main":/);
      expect(nav).toMatch(/- main:/);

      // Focus order: the skip link, the brand, then the navigation in reading order.
      await page.goto('/hosts');
      await page.getByRole('heading', { name: 'Hosts' }).waitFor();
      const focused = async () => page.evaluate('document.activeElement.textContent.trim()');
      const order: unknown[] = [];
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        order.push(await focused());
      }
      expect(order).toEqual(['Skip to content', 'bpfleet', 'Jobs', 'New job', 'Hosts', 'Compare', 'Checks', 'Schedules']);
      // The keyboard follows a link and lands on the new screen's heading.
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Checks' }).waitFor();
      expect(await focused()).toBe('Checks');
      expect(await page.evaluate('document.activeElement.tagName')).toBe('H1');
    });

    it('raised no uncaught error and loaded nothing from another origin', () => {
      expect(watch.errors).toEqual([]);
      expect(watch.foreignRequests).toEqual([]);
    });
  },
  missingBrowserFeature({ kernel: false }),
);
