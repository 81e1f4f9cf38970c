import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/kernel.js';

const execFileAsync = promisify(execFile);
const CLI = join(ROOT, 'apps/cli');

/** Bare module names that `files`' compiled JS imports (node: built-ins aside). */
async function importedPackages(dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!entry.endsWith('.js')) continue;
    const text = await readFile(join(dir, entry), 'utf8');
    for (const [, name] of text.matchAll(/^import\s[^'"]*['"]([^'"./][^'"]*)['"]/gm)) {
      if (!name!.startsWith('node:')) names.add(name!);
    }
  }
  return names;
}

/**
 * `apps/cli` packs as its own npm package that needs only Node: the compiled JS and the bin in the tarball,
 * its dependencies declared, nothing from the rest of the repository. Installed from the tarball into an
 * empty directory (offline: from the npm cache `npm ci` filled), its `bpfleet` runs.
 */
describe('the @bpfleet/cli package', () => {
  let dir: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bpfleet-cli-pack-'));
    // The build is set-up's (scripts/setup.sh); prepack would only repeat it.
    const { stdout } = await execFileAsync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: CLI });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, packed!.filename);
    files = packed!.files.map((file) => file.path).sort();
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the bin, the compiled JS and package.json; no sources, specs or test support', () => {
    expect(files).toContain('bin/bpfleet.js');
    expect(files).toContain('dist/main.js');
    expect(files).toContain('package.json');
    expect(files.filter((file) => !file.startsWith('dist/') || !file.endsWith('.js'))).toEqual(['bin/bpfleet.js', 'package.json']);
    expect(files.filter((file) => /\.spec\.|test-support|generated/.test(file))).toEqual([]);
  });

  it('imports no package but the two it declares', async () => {
    const manifest = JSON.parse(await readFile(join(CLI, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['commander', 'openapi-fetch']);
    expect([...(await importedPackages(join(CLI, 'dist')))].sort()).toEqual(['commander', 'openapi-fetch']);
  });

  it('installs from the tarball alone and runs `bpfleet --help`', async () => {
    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), '{ "private": true }\n');
    await execFileAsync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
    const { stdout } = await execFileAsync(join(app, 'node_modules/.bin/bpfleet'), ['--help'], { cwd: app });
    expect(stdout).toMatch(/^Usage: bpfleet \[options\] \[command\]\n/);
    expect(stdout).toContain('check [options] <tool>');
  });

  it('runs as `npx bpfleet` in the repository (the workspace links its bin)', async () => {
    const { stdout } = await execFileAsync('npx', ['--no-install', 'bpfleet', '--help'], { cwd: ROOT });
    expect(stdout).toMatch(/^Usage: bpfleet \[options\] \[command\]\n/);
  });
});
