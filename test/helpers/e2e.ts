import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { ROOT, startServe, type ServeProcess } from './serve-process.ts';
import { tempDir } from './temp.ts';

export interface Console {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  home: string;
  tmp: string;
  errors: string[];
  /** kill -9 the serve process, start a new one on the same data and reopen the page. */
  crashAndRestart(): Promise<void>;
  close(): Promise<void>;
}

/** The built console served by the built CLI, opened in Chromium: what an operator gets. */
export async function openConsole(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<Console> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')) || !existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('The app is not built: run `npm run build` before the end-to-end tests (npm test does).');
  }
  const tmp = tempDir('repo-ops-e2e-');
  const home = join(tmp.dir, 'home');
  const serve = await startServe({ home, entry: 'built', args: ['--logs-dir', tmp.dir], env: opts.env });
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 860 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(serve.url);
  await page.getByRole('status', { name: 'Core connected' }).waitFor();
  const c: Console = {
    serve,
    browser,
    page,
    home,
    tmp: tmp.dir,
    errors,
    async crashAndRestart() {
      await c.serve.stop('SIGKILL');
      c.serve = await startServe({ home, entry: 'built', args: ['--logs-dir', tmp.dir], env: opts.env });
      await page.goto(c.serve.url);
      await page.getByRole('status', { name: 'Core connected' }).waitFor();
    },
    async close() {
      await browser.close();
      await c.serve.stop();
      stopOrphanPostgres(home);
      tmp.cleanup();
    },
  };
  return c;
}

/** An embedded Postgres survives a kill -9 of its core (and is adopted on restart): stop it at the end. */
function stopOrphanPostgres(home: string): void {
  const pid = join(home, 'postgres', 'data', 'postmaster.pid');
  if (!existsSync(pid)) return;
  try {
    process.kill(Number(readFileSync(pid, 'utf8').split('\n')[0]), 'SIGINT');
  } catch {
    // already gone
  }
}

/** Through Settings: a new profile named `name` pointed at an emulated GitHub, its token stored in the keychain. */
export async function createGitHubProfile(c: Console, github: { url: string; token: string }, name = 'emulated'): Promise<void> {
  const { page } = c;
  await page.goto(`${c.serve.origin}/#/settings`);
  await page.getByRole('button', { name: 'New profile' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByLabel('GitHub API URL').fill(github.url);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.locator('.toast', { hasText: 'Profile saved' }).waitFor();
  const row = page.locator('tr[data-secret="github_token"]');
  await row.getByLabel('New GitHub token').fill(github.token);
  await row.getByRole('button', { name: 'Save', exact: true }).click();
  await row.getByText('in keychain').waitFor();
}
