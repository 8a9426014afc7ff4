import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

// Issue 10, item 4: a backfill's progress tells the truth — total from GitHub's counts, percentage, rate, ETA;
// a paused run's steps are paused (no ETA), the header and the landing page show it; resume counts on.
let c: Console;
let gh: GitHubEmulator;
const REPO = 'octo/widgets';
const dataset = smallDataset(41, 800, 100, 0);
const repo = dataset.repositories[0]!;
// The sync's total is GitHub's counts of everything it pages: PRs, issues, default-branch commits, releases.
const TOTAL = repo.pullRequests.length + repo.issues.length + repo.commits.length + repo.releases.length;
const T = TOTAL.toLocaleString('en-US');

beforeAll(async () => {
  gh = await startGitHubEmulator({ dataset, latencyMs: 700 });
  c = await openConsole();
}, 180_000);
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

describe('Truthful progress', () => {
  it('a backfill shows done / total, percentage, rate and ETA; paused, it says so everywhere; resumed, it counts on', async () => {
    const ws = wsClient(c.serve.origin, c.serve.token);
    await ws.opened;
    const profile = await ws.ops.profiles.create({ name: 'progress', githubApiUrl: gh.url });
    await ws.ops.secrets.set({ profileId: profile.id, key: 'github_token', value: gh.token });
    const run = await ws.ops.backfill.start({ repository: REPO, skipEmbeddings: true });
    const page = c.page;
    await page.goto(`${c.serve.origin}/#/jobs`);
    const row = page.getByRole('row').filter({ hasText: `Backfill ${REPO}` });
    // The first sync of a backfill knows its total (GitHub's counts, the estimate's figures).
    const texts: string[] = [];
    try {
      const text = async () => {
        const t = await row.innerText().catch(() => '');
        texts.push(t);
        return t;
      };
      await expect.poll(text, { timeout: 60_000 }).toMatch(new RegExp(`\\d+% · sync \\d+/${T} · ETA `));
    } finally {
      if (!new RegExp(`sync \\d+/${T}`).test(texts.at(-1) ?? '')) console.log([...new Set(texts)].join('\n---\n'));
    }
    await page.screenshot({ path: join(ROOT, 'docs', 'progress-running.png') });

    await row.dblclick();
    const drawer = page.getByRole('dialog');
    // The drawer has the whole line: the run's percentage and ETA, the step's done / total, percentage, rate and ETA.
    await expect.poll(() => drawer.getByTestId('run-progress').innerText(), { timeout: 15_000 }).toMatch(new RegExp(`\\d+% · ETA [^—]+ — sync: \\d+ / ${T} items · \\d+% · [\\d.]+ items/s · ETA`));
    await drawer.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => drawer.locator('tr[data-step="sync"]').getAttribute('data-state'), { timeout: 30_000 }).toBe('paused');
    // Nothing in a paused run says RUNNING or gives an ETA.
    expect(await drawer.locator('tr[data-state="running"]').count()).toBe(0);
    expect(await drawer.innerText()).not.toMatch(/ETA/);
    expect(await drawer.locator('tr[data-step="embeddings"]').getAttribute('data-state')).toBe('skipped');
    expect(await drawer.locator('tr[data-step="aggregate"]').getAttribute('data-state')).toBe('pending');
    const pausedText = await drawer.getByTestId('run-progress').innerText();
    const pausedDone = Number(new RegExp(`sync: ([\\d,]+) / ${T}`).exec(pausedText)![1]!.replace(/,/g, ''));
    expect(pausedDone).toBeGreaterThan(0);
    await page.screenshot({ path: join(ROOT, 'docs', 'progress-paused-drawer.png') });
    await page.keyboard.press('Escape');

    // The header and the landing page show the paused run.
    await expect.poll(() => page.getByTestId('topbar-jobs').innerText()).toMatch(/1 paused/i);
    await page.goto(`${c.serve.origin}/#/health`);
    const stopped = page.getByRole('region', { name: 'Stopped jobs' });
    await expect.poll(() => stopped.innerText()).toMatch(/1 job waiting to resume[\s\S]*paused[\s\S]*Backfill octo\/widgets/i);
    await page.screenshot({ path: join(ROOT, 'docs', 'progress-paused-landing.png') });

    // Resume from the landing page: counts continue from where they stopped.
    await stopped.getByRole('button', { name: 'Resume' }).click();
    await page.goto(`${c.serve.origin}/#/jobs`);
    await expect.poll(async () => {
      const m = new RegExp(`sync ([\\d,]+)/${T}`).exec(await row.innerText());
      return m ? Number(m[1]!.replace(/,/g, '')) : pausedDone;
    }, { timeout: 30_000 }).toBeGreaterThanOrEqual(pausedDone);
    await expect.poll(async () => (await ws.ops.jobs.get({ runId: run.id })).status, { timeout: 90_000 }).toBe('succeeded');
    await expect.poll(() => row.innerText()).toMatch(/100%/);
    await row.dblclick();
    // A succeeded run lists no pending step and no running one.
    await expect.poll(() => drawer.locator('tr[data-step="verify"]').getAttribute('data-state')).toBe('done');
    expect(await drawer.locator('tr[data-state="pending"], tr[data-state="running"]').count()).toBe(0);
    expect(await drawer.locator('tr[data-step="embeddings"]').getAttribute('data-state')).toBe('skipped');
    // The run's timeline (a Gantt of its steps): sync, aggregate and verify have bars; the skipped step none.
    const timeline = drawer.getByRole('region', { name: 'Run timeline' });
    await timeline.scrollIntoViewIfNeeded();
    for (const step of ['sync', 'aggregate', 'verify']) expect(await timeline.locator(`[data-step="${step}"] .timeline-bar`).count()).toBe(1);
    expect(await timeline.locator('[data-step="embeddings"]').count()).toBe(0);
    // The backfill's summary counts the sync's items across the pause.
    await expect.poll(() => drawer.getByRole('table', { name: 'Backfill steps' }).innerText()).toMatch(new RegExp(`${T} items`));
    await page.screenshot({ path: join(ROOT, 'docs', 'progress-succeeded-drawer.png') });
    await page.keyboard.press('Escape');
    ws.close();
    expect(c.errors).toEqual([]);
  });
});
