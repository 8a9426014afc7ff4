import { AsyncEntry } from '@napi-rs/keyring';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

const storeText = () =>
  readdirSync(c.home)
    .filter((f) => f.startsWith('repo-ops.sqlite'))
    .map((f) => readFileSync(join(c.home, f)).toString('latin1'))
    .join('');

describe('the console in Chromium against repo-ops serve', () => {
  it('opens on the Health page with every section in the sidebar', async () => {
    const { page } = c;
    expect(await page.title()).toBe('Repo Ops');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Health\n1', 'Backfill\n2', 'Repositories\n3', 'Search\n4', 'Jobs\n5', 'Logs\n6', 'Queries\n7', 'Runbooks\n8', 'Alerts\n9', 'Costs\ng c', 'Settings\ng s', 'Schedules\ng k', 'Systems\ng y', 'Leaderboard\ng d', 'Engineers\ng e', 'What Shipped\ng w', 'Workers\ng o']);
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    expect(page.url()).toMatch(/#\/health$/);
    expect(page.url()).not.toContain('token=');
  });

  it('is keyboard driven: g-shortcuts, Alt+digit and the command palette', async () => {
    const { page } = c;
    await page.keyboard.press('g');
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.keyboard.press('Alt+9');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox').fill('logs');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
  });

  it('creates a profile and stores a secret in the real keychain, never in SQLite or the page', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/settings`);
    await page.getByRole('button', { name: 'New profile' }).click();
    await page.getByLabel('Name').fill('e2e-prod');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'e2e-prod' }).waitFor();

    const token = 'ghp_' + 'E2e'.repeat(12);
    const row = page.locator('tr[data-secret="github_token"]');
    await row.getByLabel('New GitHub token').fill(token);
    await row.getByRole('button', { name: 'Save', exact: true }).click();
    await row.getByText('in keychain').waitFor();
    expect(await row.getByLabel('New GitHub token').inputValue()).toBe('');

    const db = storeText();
    expect(db).toContain('e2e-prod');
    expect(db).not.toContain(token);
    const accounts = await Promise.all(
      [...db.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => new AsyncEntry('repo-ops', `${m[0]}:github_token`).getPassword()),
    );
    // The keychain entry under one of the store's profile ids holds the token.
    expect(accounts).toContain(token);
    expect(await page.content()).not.toContain(token);
  });

  it('opens a local log file, filters it by level, searches it and follows appended lines', async () => {
    const { page } = c;
    const dir = join(c.tmp, 'logs');
    mkdirSync(dir);
    const file = join(dir, 'worker.log');
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const level = i % 50 === 0 ? 50 : i % 10 === 0 ? 40 : 30;
      lines.push(JSON.stringify({ level, time: 1_700_000_000_000 + i, event: 'scrape_progress', msg: i === 1234 ? 'found the needle in octo/haystack' : `page ${i} of octo/widgets` }));
    }
    writeFileSync(file, lines.join('\n') + '\n');

    await page.goto(`${c.serve.origin}/#/logs?tab=files`);
    await page.getByLabel('Log file path').fill(file);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const count = page.getByTestId('file-count');
    await expect.poll(() => count.innerText()).toBe('2,000 lines');
    await page.getByRole('log', { name: 'File lines' }).getByText('page 0 of octo/widgets').waitFor();

    await page.getByRole('button', { name: 'error level' }).click();
    await expect.poll(() => count.innerText()).toBe('40 lines');
    await page.getByRole('button', { name: 'error level' }).click();

    await page.getByLabel('Search in file').fill('needle');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.innerText()).toBe('1 match');
    await page.getByRole('log', { name: 'File lines' }).getByText('found the needle in octo/haystack').waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshot.png') });

    await page.getByLabel('Search in file').fill('');
    await page.keyboard.press('Enter');
    await expect.poll(() => count.innerText()).toBe('2,000 lines');
    await page.getByRole('switch', { name: 'Follow file' }).click();
    appendFileSync(file, ['appended-line-one', 'ERROR appended-line-two'].join('\n') + '\n');
    await expect.poll(() => count.innerText(), { timeout: 10_000 }).toBe('2,002 lines');
    await page.getByRole('log', { name: 'File lines' }).getByText('appended-line-two').waitFor();
  });

  it('shows the app’s own logs with full-text search, including the indexing job', async () => {
    const { page } = c;
    await page.getByRole('tab', { name: 'App logs' }).click();
    await page.getByLabel('Search app logs').fill('keychain');
    await page.keyboard.press('Enter');
    await page.getByRole('log', { name: 'App log lines' }).getByText('GitHub token stored in the OS keychain').waitFor();
    await page.goto(`${c.serve.origin}/#/jobs`);
    await page.getByRole('grid', { name: 'Job runs' }).getByText(/Index .*worker\.log/).waitFor();
  });

  it('keeps the access token from every other loopback server: no cookie, not in the address bar, only this tab', async () => {
    const { page } = c;
    // Another web server on 127.0.0.1 (another port): browsers send it 127.0.0.1's cookies.
    const seen: string[] = [];
    const other = createServer((req, res) => {
      seen.push(JSON.stringify({ url: req.url, headers: req.headers }));
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>other</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      expect(await page.evaluate('document.cookie')).toBe('');
      expect((await page.context().cookies()).map((k) => k.value).join()).not.toContain(c.serve.token);
      expect(page.url()).not.toContain(c.serve.token);
      const tab = await page.context().newPage();
      await tab.goto(`${otherOrigin}/`);
      await tab.evaluate((o) => fetch(`${o}/fetched`, { credentials: 'include' }).then((r) => r.text()), otherOrigin);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.join('\n')).not.toContain(c.serve.token);
      // The console's static files carry no token either.
      const html = await (await fetch(`${c.serve.origin}/`)).text();
      expect(html).not.toContain(c.serve.token);
      // A tab opened without the printed URL has no key: it says so and gets nothing.
      await tab.goto(`${c.serve.origin}/#/health`);
      await tab.getByText('no access token: open the URL repo-ops serve printed').waitFor();
      await tab.close();
      // This tab keeps its key across a reload (sessionStorage), and still shows no token in the URL.
      await page.reload();
      await page.getByRole('status', { name: 'Core connected' }).waitFor();
      expect(page.url()).not.toContain('token');
    } finally {
      other.close();
    }
  });

  it('raised no errors in the page', () => {
    expect(c.errors).toEqual([]);
  });
});
