/**
 * The browser side of the web UI suites: Debian's chromium (installed by apt in set-up, never downloaded by
 * a test tool) driven by playwright-core, against the UI the API serves from apps/web/dist.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, missingKernelFeature } from '../support/kernel.js';

export const CHROMIUM = '/usr/bin/chromium';
const WEB_BUILD = join(ROOT, 'apps/web/dist/index.html');
/** Screenshots of each step, for a person to look at (gitignored with the rest of .data/). */
export const SCREENSHOTS = join(ROOT, '.data/test-output/web');

/** Why a browser suite cannot run here (for describeKernel's `missing`), or null. */
export function missingBrowserFeature(options: { kernel: boolean }): string | null {
  if (!existsSync(CHROMIUM)) return `chromium (${CHROMIUM}: apt-get install chromium)`;
  if (!existsSync(WEB_BUILD)) return 'the web UI build (npm run build --workspace @bpfleet/web)';
  return options.kernel ? missingKernelFeature() : null;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** What a page did that a test should fail on: uncaught errors, and requests to any other origin (a CDN). */
export interface PageWatch {
  errors: string[];
  foreignRequests: string[];
}

/** A fresh tab (own sessionStorage) on the UI at `origin`, watched for errors and foreign requests. */
export async function openPage(browser: Browser, origin: string): Promise<{ page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, baseURL: origin, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const watch: PageWatch = { errors: [], foreignRequests: [] };
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) watch.foreignRequests.push(url);
  });
  page.setDefaultTimeout(20_000);
  return { page, watch };
}

/** Logs in through the form, as a person would, and waits for the main navigation. */
export async function logIn(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Saves a full-page screenshot as `<name>.png` under {@link SCREENSHOTS}. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The lines of an accessibility snapshot (the browser's own tree, as assistive technology reads it) that
 * are form controls without an accessible name: each should be empty.
 */
export function unnamedControls(ariaSnapshot: string): string[] {
  return ariaSnapshot
    .split('\n')
    .filter((line) => /^\s*- (textbox|searchbox|combobox|checkbox|radio|button|spinbutton|link)(\s*\[[^\]]*\])*\s*(:.*)?$/.test(line));
}

/** The fill of an SVG rect as [r, g, b]. */
export function parseRgb(fill: string | null): [number, number, number] {
  const match = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(fill ?? '');
  if (!match) throw new Error(`not an rgb() colour: ${fill}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
