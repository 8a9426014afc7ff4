import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { closedPort } from '../helpers/http-fixtures.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

// Issue 10, minor items seen in Chromium: sidebar badges, step-1 validation, job drawer by click, cancel confirmation,
// an unreachable warehouse on Repositories.
let c: Console;
let gh: GitHubEmulator;
let ws: ReturnType<typeof wsClient>;
let profileId = '';

beforeAll(async () => {
  gh = await startGitHubEmulator({ dataset: smallDataset(43, 600, 50, 0), latencyMs: 600 });
  c = await openConsole();
  ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  profileId = (await ws.ops.profiles.create({ name: 'first-hour', githubApiUrl: gh.url })).id;
  await ws.ops.secrets.set({ profileId, key: 'github_token', value: gh.token });
}, 180_000);
afterAll(async () => {
  ws?.close();
  await c?.close();
  await gh?.close();
});

describe('The first hour, minor items', () => {
  it('sidebar badges promise only shortcuts that work: 1…9 (bare, or Alt+ in a text field), then the g key', async () => {
    const badges = await c.page.locator('nav.sidebar kbd').allInnerTexts();
    expect(badges.slice(0, 9)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const b of badges.slice(9)) expect(b).toMatch(/^g [a-z]$/);
  });

  it('health says "incomplete setup" (not healthy) while OpenAI and Milvus are missing, and links to the fix', async () => {
    const page = c.page;
    await page.goto(`${c.serve.origin}/#/health`);
    await page.getByRole('button', { name: 'Run checks' }).click();
    const banner = page.getByRole('status', { name: 'Setup incomplete' });
    await expect.poll(() => banner.innerText(), { timeout: 30_000 }).toMatch(/Not configured: OpenAI, Milvus/);
    expect(await page.locator('.page-header').innerText()).toMatch(/incomplete setup/i);
    expect(await page.locator('.page-header').innerText()).not.toMatch(/overall healthy/i);
    await page.screenshot({ path: join(ROOT, 'docs', 'health-incomplete-setup.png') });
    await banner.getByRole('link', { name: 'Settings → Secrets' }).click();
    await page.waitForURL(/#\/settings\?focus=secrets/);
    await expect.poll(() => page.locator(':focus').innerText()).toBe('Secrets');
  });

  it('step 1 of the wizard says at once what is wrong with owner/name', async () => {
    const page = c.page;
    await page.goto(`${c.serve.origin}/#/backfill`);
    await page.getByRole('navigation', { name: 'Backfill stages' }).waitFor();
    await page.getByLabel('Repository', { exact: true }).fill('octo-/widgets');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'not a valid GitHub owner' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Next/ }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(ROOT, 'docs', 'wizard-repository-invalid.png') });
    await page.getByLabel('Repository', { exact: true }).fill('octo/widgets');
    await expect.poll(() => page.getByRole('button', { name: /^Next/ }).isEnabled()).toBe(true);
    expect(await page.getByRole('alert').filter({ hasText: 'not a valid' }).count()).toBe(0);
  });

  it('a job opens with one click, and cancelling a backfill asks first', async () => {
    const run = await ws.ops.backfill.start({ repository: 'octo/widgets', skipEmbeddings: true });
    const page = c.page;
    await page.goto(`${c.serve.origin}/#/jobs`);
    expect(await page.getByText('Click a job (or select it and press Enter)').count()).toBe(1);
    await page.getByRole('button', { name: /Backfill octo\/widgets/ }).click();
    const drawer = page.getByRole('dialog');
    // Steps as a table, parameters as key/value rows: no JSON blob anywhere in the drawer.
    await drawer.locator('tr[data-step="sync"]').waitFor();
    await expect.poll(() => drawer.getByLabel('Parameters').innerText()).toMatch(/repository\s+octo\/widgets/);
    expect(await drawer.innerText()).not.toMatch(/[{[]\s*"/);
    await page.screenshot({ path: join(ROOT, 'docs', 'job-drawer.png') });
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    const confirm = page.getByRole('alertdialog');
    await expect.poll(() => confirm.innerText()).toMatch(/Cancel Backfill octo\/widgets[\s\S]*It has run for/);
    await page.screenshot({ path: join(ROOT, 'docs', 'jobs-cancel-confirm.png') });
    await confirm.getByRole('button', { name: 'Keep it running' }).click();
    expect((await ws.ops.jobs.get({ runId: run.id })).status).toBe('running');
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    await confirm.getByRole('button', { name: 'Cancel the run' }).click();
    await expect.poll(async () => (await ws.ops.jobs.get({ runId: run.id })).status, { timeout: 30_000 }).toBe('cancelled');
    // The abort is not logged as an error.
    const logs = await ws.ops.logs.query({ runId: run.id, limit: 500 });
    expect(JSON.stringify(logs)).not.toMatch(/octokit_error|500 .*UNKNOWN/);
    await page.keyboard.press('Escape');
  });

  it('an unreachable warehouse: Repositories says so once, with Retry, and never "Loading…" forever', async () => {
    await ws.ops.secrets.set({ profileId, key: 'postgres_url', value: `postgres://ops:pw@127.0.0.1:${await closedPort()}/db` });
    const page = c.page;
    await page.goto(`${c.serve.origin}/#/repositories`);
    const banner = page.getByRole('alert', { name: 'Repositories unavailable' });
    await banner.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('status', { name: 'Warehouse' }).innerText()).toMatch(/warehouse unavailable.*unreachable/i);
    const text = await page.locator('main').innerText();
    expect(text.match(/unreachable/g)).toHaveLength(1);
    expect(text).not.toMatch(/Loading…/);
    await page.screenshot({ path: join(ROOT, 'docs', 'repositories-warehouse-down.png') });
    await ws.ops.secrets.delete({ profileId, key: 'postgres_url' });
    await banner.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0);
    expect(c.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
