import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai/server.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { OPENAI_KEY } from '../helpers/embed-env.ts';
import { startMilvus, type MilvusServer } from '../helpers/milvus-lite.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';
import { editItem } from '../emulators/github/dataset.ts';

let c: Console;
let gh: GitHubEmulator;
let openai: OpenAIEmulator;
let milvus: MilvusServer;
let profileId = '';
const dataset = smallDataset(31, 220, 60, 1);
// One PR body of ~25k tokens, far over the model's 8,191-token input limit: embedded cut, and the run says so.
const cutPr = dataset.repositories[0]!.pullRequests[5]!.number;
editItem(dataset, 'octo/widgets', cutPr, { body: Array.from({ length: 9000 }, (_, i) => `w${i}`).join(' ') });
const REPO = 'octo/widgets';

async function configure(key = OPENAI_KEY) {
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  if (!profileId) profileId = (await ws.ops.profiles.create({ name: 'wizard', githubApiUrl: gh.url, openaiBaseUrl: openai.baseUrl, embeddingDimensions: 256, milvusCollection: 'wizard_index' })).id;
  await ws.ops.secrets.set({ profileId, key: 'github_token', value: gh.token });
  await ws.ops.secrets.set({ profileId, key: 'openai_key', value: key });
  await ws.ops.secrets.set({ profileId, key: 'milvus_url', value: milvus.url });
  ws.close();
}

async function throughToEstimate(page: Page, opts: { full?: boolean } = {}) {
  await page.goto(`${c.serve.origin}/#/backfill`);
  await page.getByRole('navigation', { name: 'Backfill stages' }).waitFor();
  const newOne = page.getByRole('button', { name: 'New backfill' });
  if (await newOne.isVisible()) await newOne.click();
  else await page.getByRole('button', { name: '1. Repository' }).click();
  await page.getByLabel('Repository', { exact: true }).fill(REPO);
  await page.getByRole('button', { name: /^Next/ }).click();
  if (opts.full) await page.getByRole('radio', { name: 'Full refresh' }).click();
  // Off unless ticked: the estimate creates nothing in Milvus by itself.
  expect(await page.getByRole('checkbox', { name: /Let the estimate time Milvus writes on a scratch collection/ }).isChecked()).toBe(false);
  await page.getByRole('button', { name: /^Next/ }).click();
  const checks = page.getByRole('table', { name: 'Preflight checks' });
  await checks.waitFor({ timeout: 60_000 });
  return checks;
}

beforeAll(async () => {
  [gh, openai, milvus] = await Promise.all([startGitHubEmulator({ dataset, latencyMs: 10 }), startOpenAIEmulator({ apiKeys: [OPENAI_KEY] }), startMilvus()]);
  c = await openConsole();
}, 180_000);
afterAll(async () => {
  await c?.close();
  await Promise.all([gh?.close(), openai?.close(), milvus?.stop()]);
});

describe('Backfill wizard', () => {
  it('a preflight failure (bad OpenAI key) blocks the run with a clear message', async () => {
    await configure('sk-bad-0000000000000000000000000000');
    const checks = await throughToEstimate(c.page);
    await expect.poll(() => checks.locator('tr[data-check="openai"]').innerText(), { timeout: 30_000 }).toMatch(/fail.*OpenAI key valid.*(invalid|401)/is);
    await expect.poll(() => checks.locator('tr[data-check="openai"]').innerText()).toMatch(/Open the runbook/);
    expect(await c.page.getByRole('button', { name: /^Next/ }).isDisabled()).toBe(true);
  });

  it('a dry run: preflight green, the estimate beside the guide’s table, a saved report', async () => {
    await configure();
    const checks = await throughToEstimate(c.page);
    await expect.poll(() => checks.innerText(), { timeout: 30_000 }).not.toMatch(/\bfail\b/i);
    await expect.poll(() => c.page.getByRole('button', { name: /^Next/ }).isEnabled()).toBe(true);
    await c.page.getByRole('button', { name: /^Next/ }).click();
    const estimate = c.page.getByRole('region', { name: 'Estimate', exact: true });
    await expect.poll(() => estimate.innerText(), { timeout: 30_000 }).toMatch(/Pull requests \/ issues\s+220 \/ 60/);
    await expect.poll(() => c.page.getByRole('region', { name: "The backfill guide's table" }).innerText()).toMatch(/Medium \(100-1K PRs\)/);
    // The preflight read GitHub a moment ago: the estimate reused that reading and says so. "Read
    // GitHub again" makes a reading of now.
    const method = estimate.getByText(/^Bands are about 95 %/);
    await expect.poll(() => method.innerText()).toMatch(/GitHub read \d+ s before this estimate \(by the preflight or an earlier estimate\) and reused\.$/);
    const requestsBefore = gh.stats.requests;
    await estimate.getByRole('button', { name: 'Read GitHub again' }).click();
    // While it reads, the figures give way to a status line; then they are back, from a reading of now.
    await expect.poll(async () => ((await method.count()) ? method.innerText() : ''), { timeout: 30_000 }).toMatch(/^Bands are about 95 %: (?!.*reused).*texts: .*\.$/);
    expect(gh.stats.requests).toBeGreaterThan(requestsBefore);
    // Each step's figures with their band, and the total's.
    const bySteps = await c.page.getByRole('table', { name: 'Estimate by step' }).innerText();
    expect(bySteps).toMatch(/sync\s+\d+ \(\d+–\d+\)/);
    expect(bySteps).toMatch(/total\s+[\d,]+ \([\d,]+–[\d,]+\)\s+[\d,]+( \([\d,]+–[\d,]+\))?\s+\$0\.\d{4}/);
    // How each step was estimated; Milvus writes typical, not timed, as nothing was allowed to be created.
    const how = c.page.getByRole('group', { name: 'How each step was estimated' });
    await how.locator('summary').click();
    await expect.poll(() => how.innerText()).toMatch(/embeddings\s+.*Milvus writes not timed \(allow a scratch collection to time them\)/);
    const download = c.page.waitForEvent('download');
    await c.page.getByRole('button', { name: 'Save dry-run report (Markdown)' }).click();
    expect((await download).suggestedFilename()).toMatch(/^backfill-dry-run-octo-widgets-.*\.md$/);
  });

  it('a full run shows every step live and ends all green', async () => {
    await c.page.getByRole('button', { name: 'Start backfill' }).click();
    await c.page.getByRole('region', { name: 'Step sync' }).waitFor();
    const outcome = c.page.getByRole('status', { name: 'Backfill outcome' });
    await expect.poll(() => outcome.innerText(), { timeout: 120_000 }).toMatch(/Complete, with warnings: see the amber items below/);
    const list = c.page.getByRole('table', { name: 'Verification checklist' });
    expect(await list.locator('tr[data-state="fail"]').count()).toBe(0);
    await expect.poll(() => list.locator('tr[data-item="embedding-coverage"]').innerText()).toMatch(/PRs 220\/220 \(100\.0%\), issues 60\/60/);
    // The cut text: amber in the checklist, with the item and its kept and original tokens.
    const cut = list.locator('tr[data-item="embedding-truncation"]');
    expect(await cut.getAttribute('data-state')).toBe('warn');
    expect(await cut.innerText()).toMatch(new RegExp(`1 item cut to the input limit[\\s\\S]*PR #${cutPr}: 8,000 of [\\d,]+ tokens embedded`));
    expect(await list.locator('tr[data-state="warn"]').count()).toBe(1);
    await c.page.screenshot({ path: join(ROOT, 'docs', 'backfill.png') });
  });

  it('the job history shows the backfill with its figures, exports its report and reruns it with the same options', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/jobs`);
    await page.getByRole('radio', { name: 'backfills' }).click();
    const table = page.getByRole('grid', { name: 'Job runs' });
    await expect.poll(() => table.innerText()).toMatch(/verified \d+\/\d+ \(1 warn(, \d+ skipped)?\) · [\d,]+ req · [\d,]+ tok · \$0\.\d{4}/);
    await table.getByText(/verified \d+\/\d+/).first().dblclick();
    const summary = page.getByRole('region', { name: 'Backfill summary' });
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/octo\/widgets · incremental · with embeddings/);
    // The sync's items: the 280 PRs and issues, the default branch's commits and the releases.
    const r0 = dataset.repositories[0]!;
    const synced = (280 + r0.commits.length + r0.releases.length).toLocaleString('en');
    expect(await summary.getByRole('table', { name: 'Backfill steps' }).innerText()).toMatch(new RegExp(`Sync\\s+[\\d.]+ m?s\\s+${synced} items · \\d+ requests[\\s\\S]*Embeddings\\s+[\\d.]+ m?s\\s+280 items · [\\d,]+ tokens · \\$0\\.\\d{4} · \\d+ requests · 1 cut to the input limit \\([\\d,]+ tokens not embedded\\)`));
    const download = page.waitForEvent('download');
    await summary.getByRole('button', { name: 'Export report (JSON)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^backfill-octo-widgets-.*\.json$/);
    await summary.getByRole('button', { name: 'Rerun with the same options' }).click();
    await page.waitForURL(/#\/backfill$/);
    const outcome = page.getByRole('status', { name: 'Backfill outcome' });
    await expect.poll(() => outcome.innerText(), { timeout: 120_000 }).toMatch(/Complete, with warnings: see the amber items below/);
    const ws = wsClient(c.serve.origin, c.serve.token);
    await ws.opened;
    try {
      const runs = (await ws.ops.jobs.list({ kind: 'backfill' })).filter((r) => r.kind === 'backfill');
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs[0]!.params).toEqual(runs[1]!.params);
    } finally {
      ws.close();
    }
  });

  it('goes red when GitHub’s pages leave out PRs its totalCount includes', async () => {
    const ws = wsClient(c.serve.origin, c.serve.token);
    await ws.opened;
    const repo = (await ws.ops.repos.list()).find((r) => r.fullName === REPO)!;
    await ws.ops.repos.untrack({ id: repo.id });
    ws.close();
    gh.setOptions({ faults: [{ kind: 'omitFromPages', repo: REPO, pullRequestNumbers: dataset.repositories[0]!.pullRequests.slice(0, 4).map((p) => p.number) }] });
    try {
      await throughToEstimate(c.page, { full: true });
      await expect.poll(() => c.page.getByRole('button', { name: /^Next/ }).isEnabled(), { timeout: 30_000 }).toBe(true);
      await c.page.getByRole('button', { name: /^Next/ }).click();
      await c.page.getByRole('button', { name: 'Start backfill' }).click();
      const outcome = c.page.getByRole('status', { name: 'Backfill outcome' });
      await expect.poll(() => outcome.innerText(), { timeout: 120_000 }).toMatch(/Incomplete/);
      await expect.poll(() => c.page.locator('tr[data-item="pr-count"]').getAttribute('data-state')).toBe('fail');
      await expect.poll(() => c.page.locator('tr[data-item="pr-count"]').innerText()).toMatch(/warehouse 216, GitHub 220/);
    } finally {
      gh.setOptions({ faults: [] });
    }
  });

  it('survives a crash of the serve process mid-embedding: reopens on the run and resumes to green', async () => {
    // Slow embedding requests (3 s each) so the crash lands mid-step.
    openai.setOptions({ latencyMs: 3000 });
    await configure();
    await throughToEstimate(c.page, { full: true });
    await expect.poll(() => c.page.getByRole('button', { name: /^Next/ }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await c.page.getByRole('button', { name: /^Next/ }).click();
    await c.page.getByRole('button', { name: 'Start backfill' }).click();
    await expect.poll(() => c.page.getByRole('region', { name: 'Step embeddings' }).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await c.crashAndRestart();
    openai.setOptions({ latencyMs: 0 });
    await c.page.goto(`${c.serve.origin}/#/backfill`);
    await c.page.getByRole('region', { name: 'Stage: Run' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => c.page.getByRole('navigation', { name: 'Backfill stages' }).innerText()).toMatch(/interrupted/i);
    await c.page.getByRole('button', { name: 'Resume' }).click();
    const outcome = c.page.getByRole('status', { name: 'Backfill outcome' });
    await expect.poll(() => outcome.innerText(), { timeout: 120_000 }).toMatch(/Complete, with warnings: see the amber items below/);
  });
});
