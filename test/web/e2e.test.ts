import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startE2eHost, type E2eHost } from '../support/e2e.js';
import { compileWorkload, describeKernel } from '../support/kernel.js';
import { waitFor } from '../support/wait.js';
import { startGated, type GatedWorkload } from '../support/workload.js';
import { launchBrowser, logIn, missingBrowserFeature, openPage, parseRgb, screenshot, type PageWatch } from './browser.js';

const FINAL = ['succeeded', 'failed', 'partial', 'cancelled'];

/**
 * The web UI in a real browser against the real API and a real agent tracing this kernel: a syscount job
 * made from the generated form, a profile of a workload with a named hot function in the flame graph, and
 * the comparison of two profiles.
 */
describeKernel(
  'web UI end to end',
  () => {
    let e2e: E2eHost;
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;
    const workloads: GatedWorkload[] = [];
    /** Two profiles of hotcold: its `hotcold` mode (70% under spin_hot), then its `syscalls` mode. */
    let profiles: Promise<{ hot: Profiled; syscalls: Profiled }>;

    interface Profiled {
      jobId: string;
      runId: string;
    }

    const job = async (id: string) => (await e2e.api.request('GET', `/v1/jobs/${id}`)).body;

    /** Starts a gated workload, a job on it through the API, releases it once attached and waits for the end. */
    async function traced(tool: string, binary: string, args: string[], params: object, durationSec: number): Promise<Profiled> {
      const workload = startGated(binary, args);
      workloads.push(workload);
      const created = await e2e.api.request('POST', '/v1/jobs', {
        body: { tool, hosts: [e2e.host], durationSec, params: { pid: workload.pid, ...params } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as string;
      await waitFor(async () => (await job(id)).runs[0].status === 'running', { timeoutMs: 30_000, what: `${tool} attached` });
      workload.go();
      expect(await workload.exited).toBe(0);
      const done = await waitFor(async () => FINAL.includes((await job(id)).status) && (await job(id)), { timeoutMs: 60_000, what: `${tool} done` });
      expect(done.status, JSON.stringify(done.runs)).toBe('succeeded');
      return { jobId: id, runId: done.runs[0].id };
    }

    beforeAll(async () => {
      e2e = await startE2eHost('web');
      const hotcold = compileWorkload('hotcold');
      // Profiled while the syscount test drives the form (the agent runs two jobs at once): the suite stays short.
      profiles = (async () => {
        const hot = await traced('profile', hotcold, ['hotcold', '1000'], { frequencyHz: 499 }, 3);
        const syscalls = await traced('profile', hotcold, ['syscalls', '1000'], { frequencyHz: 499 }, 3);
        return { hot, syscalls };
      })();
      profiles.catch(() => undefined);
      browser = await launchBrowser();
      ({ page, watch } = await openPage(browser, e2e.api.url));
      await logIn(page, e2e.api.token);
    });

    afterAll(async () => {
      for (const w of workloads) w.kill();
      await browser?.close();
      await e2e?.close();
    });

    it('creates a syscount job from the form: a bad param is named beside its field, then the table counts 1000 getppid', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New job' }).click();
      await page.getByLabel('Tool', { exact: true }).selectOption('syscount');
      const hosts = page.getByRole('group', { name: 'Hosts' });
      for (const box of await hosts.getByRole('checkbox').all()) await box.uncheck();
      await hosts.getByRole('checkbox', { name: e2e.host }).check();
      await page.getByLabel('Duration (seconds)').fill('3');
      const pid = page.getByRole('textbox', { name: 'pid', exact: true });
      await pid.fill('0');
      await page.getByRole('button', { name: 'Start job' }).click();

      const pidField = page.locator('.field', { has: pid });
      await pidField.locator('.field-error').waitFor();
      expect(await pidField.locator('.field-error').textContent()).toBe('must be >= 1');
      expect(await pid.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('alert').textContent()).toBe('The job was not created: params.pid: must be >= 1');
      await screenshot(page, 'new-job-error');

      const workload = startGated(compileWorkload('getppid'), ['1000']);
      workloads.push(workload);
      const requested: string[] = [];
      page.on('request', (request) => requested.push(`${request.method()} ${new URL(request.url()).pathname}`));
      await pid.fill(String(workload.pid));
      await page.getByRole('button', { name: 'Start job' }).click();
      await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').pop()!;
      await waitFor(async () => (await job(id)).runs[0].status === 'running', { timeoutMs: 30_000, what: 'syscount attached' });
      workload.go();
      expect(await workload.exited).toBe(0);

      const getppid = page.locator('table.counts tbody tr').filter({ has: page.getByRole('rowheader', { name: 'getppid', exact: true }) });
      await getppid.waitFor({ timeout: 40_000 });
      expect((await getppid.getByRole('cell').allTextContents())[0]).toBe('1,000');
      const run = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: e2e.host }) });
      expect(await run.locator('.status').textContent()).toBe('succeeded');
      expect(await page.locator('h1').textContent()).toBe(`Job ${id.slice(0, 8)} · syscount`);
      // Live by its event stream, not by polling: the job was read on its status changes (a handful), not every second.
      expect(requested).toContain(`GET /v1/jobs/${id}/events`);
      expect(requested.filter((line) => line === `GET /v1/jobs/${id}`).length).toBeLessThanOrEqual(8);
      await screenshot(page, 'syscount-job');
    });

    it('finds the named hot function of a profiled workload in the flame graph, and zooms into it', async () => {
      const { hot } = await profiles;
      await page.goto(`/jobs/${hot.jobId}`);
      await page.getByRole('heading', { name: 'Flame graph' }).waitFor();
      await page.getByLabel('Search functions').fill('spin_hot');
      const summary = page.locator('.search-summary');
      await waitFor(async () => (await summary.textContent())?.startsWith('“spin_hot”'), { what: 'the search summary' });
      // hotcold spends 70% of its CPU under spin_hot by construction (±10% as the profile e2e test allows).
      const share = Number(/\(([\d.]+)%\)$/.exec((await summary.textContent())!)![1]);
      expect(share).toBeGreaterThan(60);
      expect(share).toBeLessThan(80);
      const frame = page.locator('.flame-graph svg g[name="spin_hot"]');
      expect(await frame.count()).toBeGreaterThan(0);
      expect(parseRgb(await frame.first().locator('rect').getAttribute('fill'))).toEqual([230, 0, 230]);
      expect(await frame.first().locator('title').textContent()).toMatch(/^spin_hot \(.*hotcold\) — user, [\d,]+ samples, [\d.]+%$/);
      await screenshot(page, 'profile-search');

      // From the keyboard: the top-functions table's Focus button zooms the graph to spin_hot, hiding spin_cold.
      expect(await page.locator('.flame-graph svg g[name="spin_cold"]').count()).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Focus the flame graph on spin_hot' }).focus();
      await page.keyboard.press('Enter');
      await waitFor(async () => (await page.locator('.flame-graph svg g[name="spin_cold"]').count()) === 0, { what: 'the zoom' });
      await screenshot(page, 'profile-zoomed');
      await page.getByRole('button', { name: 'Reset zoom' }).click();
      await waitFor(async () => (await page.locator('.flame-graph svg g[name="spin_cold"]').count()) > 0, { what: 'the reset' });
    });

    it('tells kernel frames from user frames', async () => {
      const { syscalls } = await profiles;
      await page.goto(`/jobs/${syscalls.jobId}`);
      await page.getByRole('heading', { name: 'Top functions' }).waitFor();
      const kernelRow = page.locator('table tbody th.frame-kernel').first();
      const kernelName = (await kernelRow.textContent())!.replace(/ kernel$/, '');
      const kernelFill = parseRgb(await page.locator(`.flame-graph svg g[name="${kernelName}"] rect`).first().getAttribute('fill'));
      const userFill = parseRgb(await page.locator('.flame-graph svg g[name="spin_syscalls"] rect').first().getAttribute('fill'));
      // Kernel frames are blue (blue channel above red), user frames warm (red above blue).
      expect(kernelFill[2]).toBeGreaterThan(kernelFill[0]);
      expect(userFill[0]).toBeGreaterThan(userFill[2]);
      expect(await page.locator(`.flame-graph svg g[name="${kernelName}"] title`).first().textContent()).toContain('— kernel, ');
      await screenshot(page, 'profile-kernel');
    });

    it('opens the comparison of the two runs: what moved, and the differential flame graph with its palettes', async () => {
      const { hot, syscalls } = await profiles;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compare' }).click();
      await page.getByLabel('Base (run or job id)').fill(hot.runId);
      await page.getByLabel('Target (run or job id)').fill(syscalls.runId);
      await page.getByLabel('Target (run or job id)').press('Enter');
      await page.getByRole('heading', { name: 'Differential flame graph' }).waitFor();

      const deltaOf = async (fn: string) => {
        const row = page.locator('table.deltas tbody tr').filter({ has: page.getByRole('rowheader', { name: fn, exact: true }) });
        return (await row.getByRole('cell').allTextContents())[6];
      };
      expect(await deltaOf('spin_syscalls')).toMatch(/^\+\d+\.\d\d pp$/);
      expect(await deltaOf('spin_hot')).toMatch(/^−\d+\.\d\d pp$/);

      // Widths from the target: spin_syscalls is there and grew (red in the classic palette), spin_hot is not.
      const diffFrame = (name: string) => page.locator(`section[aria-labelledby="diff-flame-heading"] svg g[name="${name}"]`);
      await diffFrame('spin_syscalls').first().waitFor();
      expect(await diffFrame('spin_hot').count()).toBe(0);
      const [r, g, b] = parseRgb(await diffFrame('spin_syscalls').first().locator('rect').getAttribute('fill'));
      expect(r).toBeGreaterThan(b);
      expect(r).toBeGreaterThan(g);
      expect(await diffFrame('spin_syscalls').first().locator('title').textContent()).toMatch(/^spin_syscalls — base 0, target [\d,]+ samples; share \+\d/);
      await screenshot(page, 'compare-classic');

      // The colour-blind-safe palette: growth in orange (red > green > blue).
      const classic = await diffFrame('spin_syscalls').first().locator('rect').getAttribute('fill');
      await page.getByLabel('Palette').selectOption('blue-orange');
      const fill = await waitFor(
        async () => {
          const now = await diffFrame('spin_syscalls').first().locator('rect').getAttribute('fill');
          return now !== classic && now;
        },
        { what: 'the frames repainted' },
      );
      const [r2, g2, b2] = parseRgb(fill);
      expect(r2).toBeGreaterThan(g2);
      expect(g2).toBeGreaterThan(b2);
      // Widths from the base show what vanished: spin_hot, shrunk (blue).
      await page.getByRole('radio', { name: /^base/ }).check();
      await diffFrame('spin_hot').first().waitFor();
      const [r3, , b3] = parseRgb(await diffFrame('spin_hot').first().locator('rect').getAttribute('fill'));
      expect(b3).toBeGreaterThan(r3);
      await screenshot(page, 'compare-colour-blind');
    });

    it('filters the jobs list by tool and compares two jobs picked in it, the older as the base', async () => {
      const { hot, syscalls } = await profiles;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
      await page.getByLabel('Tool', { exact: true }).selectOption('profile');
      await page.waitForURL(/\/jobs\?tool=profile$/);
      const rows = page.locator('table.jobs tbody tr');
      await waitFor(async () => (await rows.count()) === 2 && (await rows.locator('.status').first().textContent()) === 'succeeded', {
        what: 'the two profile jobs',
      });
      expect(await rows.getByRole('rowheader').allTextContents()).toEqual([syscalls.jobId.slice(0, 8), hot.jobId.slice(0, 8)]);
      for (const box of await rows.getByRole('checkbox').all()) await box.check();
      await screenshot(page, 'jobs-list');
      await page.getByRole('button', { name: 'Compare selected' }).click();
      await page.waitForURL(`**/compare?base=${hot.jobId}&target=${syscalls.jobId}`);
      await page.getByRole('heading', { name: 'Differential flame graph' }).waitFor();
      expect(await page.locator('dl.summary dd').nth(1).textContent()).toMatch(/^job [0-9a-f]{8} on e2e-web-/);
    });

    it('raised no uncaught error and loaded nothing from another origin', () => {
      expect(watch.errors).toEqual([]);
      expect(watch.foreignRequests).toEqual([]);
    });
  },
  missingBrowserFeature({ kernel: true }),
);
