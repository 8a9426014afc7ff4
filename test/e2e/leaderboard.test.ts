// The Leaderboard page in Chromium against `repo-ops serve` (embedded PostgreSQL) on two synced
// emulator repositories: global and repository boards, a contributor's score breakdown, search,
// and the weights panel in Settings: preview how ranks move, save, see the movement arrows.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../emulators/github/dataset.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;
let gh: GitHubEmulator;

beforeAll(async () => {
  const spec = { pullRequests: 40, issues: 25, avgReviews: 2, avgReviewComments: 1, avgIssueComments: 3, avgFiles: 2, heavyPullRequests: 0 };
  gh = await startGitHubEmulator({ dataset: generateDataset({ seed: 16, repos: [{ owner: 'octo', name: 'widgets', ...spec }, { owner: 'octo', name: 'gadgets', ...spec }] }), latencyMs: 0 });
  c = await openConsole();
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  const profile = await ws.ops.profiles.create({ name: 'emulated', githubApiUrl: gh.url });
  await ws.ops.secrets.set({ profileId: profile.id, key: 'github_token', value: gh.token });
  const finished = async (runId: string) => {
    for (;;) {
      const r = await ws.ops.jobs.get({ runId });
      if (!['queued', 'running'].includes(r.status)) return r;
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  for (const repo of ['octo/widgets', 'octo/gadgets']) expect((await finished((await ws.ops.repos.sync({ repository: repo, mode: 'full' })).id)).status).toBe('succeeded');
  expect((await finished((await ws.ops.leaderboard.recalc({})).id)).status).toBe('succeeded');
  ws.close();
}, 180_000);

afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('Leaderboard page', () => {
  it('shows the global and repository boards with a contributor breakdown; weights preview and save move ranks', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/leaderboard`);
    const global = page.getByRole('grid', { name: 'Global leaderboard' });
    await expect.poll(() => global.getByRole('row').count()).toBeGreaterThan(4);
    const first = global.getByRole('row').nth(1);
    expect(await first.innerText()).toMatch(/^1\s+new\s+\S+\s+\d+\.\d\d\s+[12]\s/);
    await first.click();
    const detail = page.locator('.lb-detail');
    await detail.getByRole('table', { name: 'Score breakdown' }).waitFor();
    expect(await detail.getByRole('table', { name: 'Repositories of the contributor' }).innerText()).toMatch(/octo\/(widgets|gadgets)/);

    await page.getByRole('button', { name: 'Repository' }).click();
    await page.getByLabel('Repository', { exact: true }).selectOption('octo/widgets');
    const board = page.getByRole('grid', { name: 'Leaderboard of octo/widgets' });
    await expect.poll(() => board.getByRole('row').count()).toBeGreaterThan(3);
    const name = (await board.getByRole('row').nth(2).locator('.cell').nth(2).innerText()).trim();
    await page.getByLabel('Search contributors').fill(name);
    await expect.poll(() => board.getByRole('row').count()).toBe(2);
    await page.getByLabel('Search contributors').fill('');
    await expect.poll(() => board.getByRole('row').count()).toBeGreaterThan(3);
    await board.getByRole('row').nth(1).click();
    await detail.getByText('Score in octo/widgets').waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'leaderboard.png') });

    // Settings: comments worth 40 points, reviews nothing — previewed, then saved.
    await page.goto(`${c.serve.origin}/#/settings`);
    const panel = page.getByRole('region', { name: 'Leaderboard weights' });
    await panel.getByLabel('Comment', { exact: true }).fill('40');
    await panel.getByLabel('PR reviewed').fill('0');
    await panel.getByRole('button', { name: 'Preview ranks' }).click();
    const preview = panel.getByLabel('Weights preview');
    await expect.poll(() => preview.innerText()).toMatch(/\d+ of \d+ contributors would move on the global board/);
    expect(await preview.locator('tr[data-preview-user]').count()).toBeGreaterThan(0);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ROOT, 'docs', 'leaderboard-weights.png') });
    await panel.getByRole('button', { name: 'Save and recalculate' }).click();
    await page.locator('.toast', { hasText: 'Leaderboard weights saved' }).waitFor();

    await page.goto(`${c.serve.origin}/#/leaderboard`);
    // The full recalculation under the new weights shows who moved.
    await expect.poll(() => page.getByRole('grid', { name: 'Global leaderboard' }).locator('.lb-up').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(c.errors).toEqual([]);
  });
});
