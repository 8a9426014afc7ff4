import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai/server.ts';
import { createGitHubProfile, openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

let c: Console;
let gh: GitHubEmulator;
let openai: OpenAIEmulator;
const dataset = smallDataset(23, 120, 10, 1);
// The model's answer: a summary naming the PR's title, a score and a reason.
const review = (user: string) => {
  const [, n, title] = /Pull request #(\d+): (.*)/.exec(user)!;
  const score = Number(n) % 10;
  return JSON.stringify({ summary: `Ships "${title}" for the widgets service.`, risk_score: score, risk_level: score >= 7 ? 'high' : score > 3 ? 'medium' : 'low', reasons: [`PR ${n}: the change to its largest file`] });
};
beforeAll(async () => {
  gh = await startGitHubEmulator({ dataset, latencyMs: 2 });
  openai = await startOpenAIEmulator({ apiKeys: ['sk-e2e-llm-0000000000000000'], chatResponder: (req) => review(req.messages.at(-1)!.content) });
  c = await openConsole();
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
  await openai?.close();
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
    expect(md).toMatch(/\nFeature split: /);

    // The summary adds up: the risk bands and the feature split each cover every merged PR; at most 5 top authors.
    const shippedCount = async () => Number((await page.getByTestId('shipped-merged').innerText()).replace(/,/g, ''));
    const [high, medium, low] = /(\d+) high\s*(\d+) medium\s*(\d+) low/i.exec(await page.locator('[aria-label="Risk distribution"]').innerText())!.slice(1).map(Number) as [number, number, number];
    expect(high + medium + low).toBe(merged);
    const split = await page.locator('[aria-label="Feature split"] li').allInnerTexts();
    expect(split.reduce((n, l) => n + Number(/(\d+)$/.exec(l)![1]), 0)).toBe(merged);
    const tops = page.locator('[aria-label="Top authors"] li');
    expect(await tops.count()).toBeGreaterThan(0);
    expect(await tops.count()).toBeLessThanOrEqual(5);
    const [, who, theirs] = /^(\S+)\s+(\d+) PRs/.exec(await tops.first().innerText())!;
    const grid = page.getByRole('grid', { name: 'Merged PRs' });

    // A risk band narrows the list to that band's count.
    const [band, inBand] = medium > 0 ? ['medium', medium] : low > 0 ? ['low', low] : ['high', high];
    await page.getByLabel('Risk band').selectOption(band);
    await expect.poll(shippedCount).toBe(inBand);
    await expect.poll(() => grid.getByRole('row').nth(1).innerText()).toMatch(new RegExp(`\\d\\.\\d ${band}`, 'i'));
    await page.getByLabel('Risk band').selectOption('');
    await expect.poll(shippedCount).toBe(merged);

    // A top author's name filters to their PRs; the CSV export carries exactly what the filters leave.
    await tops.first().getByRole('button', { name: who }).click();
    await expect.poll(() => page.getByLabel('Author', { exact: true }).inputValue()).toBe(who);
    await expect.poll(shippedCount).toBe(Number(theirs));
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').trimEnd().split('\n');
    expect(csv[0]).toMatch(/^repository,number,title,author,merged_at,risk_score,risk_band,/);
    expect(csv.length).toBe(Number(theirs) + 1);
    expect(csv.slice(1).every((l) => l.includes(`,${who},`))).toBe(true);
    await page.getByLabel('Author', { exact: true }).fill('');
    await expect.poll(shippedCount).toBe(merged);

    // The windows by merged date: what GitHub's data says was merged in the last 7, 30, 90 calendar
    // days (the team time zone, UTC here, today included), and ever.
    const mergedAts = dataset.repositories[0]!.pullRequests.filter((p) => p.state === 'MERGED').map((p) => Date.parse(p.mergedAt!));
    expect(mergedAts.length).toBe(merged);
    for (const [w, days] of [['7d', 7], ['30d', 30], ['90d', 90], ['All', null]] as const) {
      await page.getByRole('radio', { name: w }).click();
      const now = new Date();
      const since = days === null ? 0 : Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1));
      await expect.poll(shippedCount).toBe(mergedAts.filter((t) => t >= since).length);
      if (days !== null) await expect.poll(() => page.getByTestId('shipped-since').innerText()).toBe(`since ${new Date(since).toISOString().slice(0, 10)} (UTC)`);
    }
    expect(c.errors).toEqual([]);
  });

  it('the team time zone moves the days; the LLM pass, ticked where the job starts, adds summaries and a second score', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/settings`);
    const zone = page.getByLabel('Team time zone');
    await zone.fill('Mars/Olympus');
    await zone.blur();
    await page.locator('.toast', { hasText: /Saving the team time zone failed.*time zone/s }).waitFor();
    await zone.fill('Europe/Berlin');
    await zone.blur();
    await page.getByLabel('OpenAI base URL').fill(openai.baseUrl);
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('.toast', { hasText: 'Profile saved' }).last().waitFor();
    const key = page.locator('tr[data-secret="openai_key"]');
    await key.getByLabel('New OpenAI API key').fill('sk-e2e-llm-0000000000000000');
    await key.getByRole('button', { name: 'Save', exact: true }).click();
    await key.getByText('in keychain').waitFor();

    await page.goto(`${c.serve.origin}/#/engineers`);
    await page.getByRole('button', { name: 'Refresh (incremental)' }).click();
    await expect.poll(() => page.locator('.page p').first().innerText(), { timeout: 60_000 }).toMatch(/\(Europe\/Berlin days\)/);

    await page.goto(`${c.serve.origin}/#/shipped`);
    await page.getByRole('radio', { name: 'All' }).click();
    await page.getByRole('checkbox', { name: 'LLM summaries and risk' }).click();
    const estimate = page.getByTestId('llm-estimate');
    await expect.poll(() => estimate.innerText(), { timeout: 30_000 }).toMatch(/^gpt-4o-mini: [\d,]+ PRs? to score \(0 unchanged skipped\) · ≈[\d,]+ input tokens · at most \$[\d.]+ · [\d,]+ GitHub requests?$/);
    await page.getByRole('button', { name: 'Run What Shipped with LLM' }).click();
    await expect.poll(() => page.getByTestId('etl-last-run').innerText(), { timeout: 90_000 }).toMatch(/SUCCEEDED.*What Shipped: repo_prs for all repositories \+ LLM summaries and risk \(gpt-4o-mini\)/is);
    await expect.poll(() => estimate.innerText(), { timeout: 30_000 }).toMatch(/every PR in scope has an answer for its current content/);
    const grid = page.getByRole('grid', { name: 'Merged PRs' });
    await expect.poll(() => grid.getByRole('row').nth(1).innerText()).toMatch(/LLM \d+\.\d/);
    await grid.getByRole('row').nth(1).click();
    const risk = page.locator('[aria-label^="Risk of octo/widgets#"]');
    await expect.poll(() => risk.getByLabel('Summary').innerText()).toMatch(/^Ships ".*" for the widgets service\. — summary by gpt-4o-mini$/);
    await expect.poll(() => risk.innerText()).toMatch(/rubric \(deterministic\)[\s\S]*LLM \(gpt-4o-mini, /);
    await expect.poll(() => risk.getByLabel('LLM reasons').innerText()).toMatch(/PR \d+: the change to its largest file/);
    expect(openai.stats.chat['gpt-4o-mini'].requests).toBeGreaterThan(0);
    await risk.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ROOT, 'docs', 'what-shipped.png') });
    expect(c.errors).toEqual([]);
  });
});
