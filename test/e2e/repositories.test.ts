import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { createGitHubProfile, openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

let c: Console;
let gh: GitHubEmulator;
beforeAll(async () => {
  gh = await startGitHubEmulator({ dataset: smallDataset(11, 150, 40, 1), latencyMs: 5 });
  c = await openConsole();
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('Repositories page', () => {
  it('tracks a repository, syncs it with live progress and shows the reconciliation', async () => {
    const { page } = c;
    await createGitHubProfile(c, gh);

    await page.goto(`${c.serve.origin}/#/repositories`);
    // No Postgres URL configured: the embedded PostgreSQL is used, and the page says so.
    await expect.poll(() => page.getByRole('status', { name: 'Warehouse' }).innerText(), { timeout: 60_000 }).toMatch(/embedded PostgreSQL 18/);

    await page.getByLabel('Repository to track').fill('octo/nope');
    await page.getByRole('button', { name: 'Track' }).click();
    await page.locator('.toast', { hasText: 'octo/nope: repository not found or token lacks access' }).waitFor();

    await page.getByLabel('Repository to track').fill('octo/widgets');
    await page.getByRole('button', { name: 'Track' }).click();
    await page.getByRole('grid', { name: 'Tracked repositories' }).getByText('octo/widgets').waitFor();

    await page.getByRole('button', { name: 'Sync octo/widgets' }).click();
    await page.getByRole('radio', { name: 'Full refresh' }).click();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect.poll(() => page.getByLabel('Dry run').innerText()).toMatch(/Pull requests\s+150/);
    await page.getByRole('button', { name: 'Start sync' }).click();

    const grid = page.getByRole('grid', { name: 'Tracked repositories' });
    await grid.getByText('matches GitHub').waitFor({ timeout: 60_000 });
    await expect.poll(() => grid.getByRole('row').nth(1).innerText()).toMatch(/150\s+40/);
    await page.getByRole('table', { name: 'Sync runs' }).getByText('succeeded').waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'repositories.png') });
    expect(c.errors).toEqual([]);
  });
});
