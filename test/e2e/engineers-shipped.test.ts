import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { createGitHubProfile, openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

let c: Console;
let gh: GitHubEmulator;
beforeAll(async () => {
  gh = await startGitHubEmulator({ dataset: smallDataset(23, 120, 10, 1), latencyMs: 2 });
  c = await openConsole();
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('Engineers and What Shipped pages', () => {
  it('a sync fills the Engineer Lens by itself; the pages answer who shipped what, how risky, who owns which files', async () => {
    const { page } = c;
    await createGitHubProfile(c, gh);

    await page.goto(`${c.serve.origin}/#/repositories`);
    await page.getByLabel('Repository to track').fill('octo/widgets');
    await page.getByRole('button', { name: 'Track' }).click();
    await page.getByRole('grid', { name: 'Tracked repositories' }).getByText('octo/widgets').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Sync octo/widgets' }).click();
    await page.getByRole('button', { name: 'Start sync' }).click();
    await page.getByRole('grid', { name: 'Tracked repositories' }).getByText('matches GitHub').waitFor({ timeout: 60_000 });

    // No button pressed: the sync's end started an incremental Engineer Lens run.
    await page.goto(`${c.serve.origin}/#/engineers`);
    await page.getByLabel('Window').selectOption('999');
    await expect.poll(() => page.getByTestId('etl-last-run').innerText(), { timeout: 60_000 }).toMatch(/SUCCEEDED.*Engineer Lens: all tables for octo\/widgets/is);
    const authors = page.getByRole('grid', { name: 'Authors' });
    await expect.poll(() => authors.getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    // Sortable: by lines, descending, then ascending.
    await authors.getByRole('button', { name: 'Lines' }).click();
    await expect.poll(() => authors.getByRole('columnheader', { name: /Lines/ }).getAttribute('aria-sort')).toBe('descending');
    // The most merged PRs first: someone who owns files.
    await authors.getByRole('button', { name: 'Merged' }).click();
    await authors.getByRole('row').nth(1).click();
    const detail = page.locator('section[aria-label^="Author "]');
    await detail.getByRole('img', { name: /PRs per day of/ }).waitFor();
    const prs = detail.getByRole('grid', { name: "Author's PRs" });
    await expect.poll(() => prs.getByRole('row').count()).toBeGreaterThan(1);
    await prs.getByRole('row').nth(1).click();
    await expect.poll(() => page.locator('[aria-label^="Risk of octo/widgets#"]').innerText()).toMatch(/file\(s\), line-weighted mean|no changed files/);
    await expect.poll(() => detail.getByRole('table', { name: 'Files and ownership' }).getByRole('row').count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(ROOT, 'docs', 'engineers.png') });

    await page.goto(`${c.serve.origin}/#/shipped`);
    await page.getByRole('radio', { name: 'All' }).click();
    await expect.poll(async () => Number((await page.getByTestId('shipped-merged').innerText()).replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
    const merged = Number((await page.getByTestId('shipped-merged').innerText()).replace(/,/g, ''));
    await page.getByLabel('features only').check();
    await expect.poll(async () => Number((await page.getByTestId('shipped-merged').innerText()).replace(/,/g, ''))).toBeLessThanOrEqual(merged);
    await page.getByLabel('features only').uncheck();
    await page.getByRole('grid', { name: 'Merged PRs' }).getByRole('row').nth(1).click();
    await page.locator('[aria-label^="Risk of octo/widgets#"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Markdown' }).click()]);
    const md = readFileSync((await download.path())!, 'utf8');
    expect(md).toMatch(/^# What shipped — all repositories, all time\n\n\d+ merged PRs by \d+ authors/);
    await page.screenshot({ path: join(ROOT, 'docs', 'what-shipped.png') });
    expect(c.errors).toEqual([]);
  });
});
