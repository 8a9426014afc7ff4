import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai/server.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { OPENAI_KEY } from '../helpers/embed-env.ts';
import { startMilvus, type MilvusServer } from '../helpers/milvus-lite.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

let c: Console;
let gh: GitHubEmulator;
let openai: OpenAIEmulator;
let milvus: MilvusServer;
const dataset = smallDataset(21, 60, 20, 0);

beforeAll(async () => {
  [gh, openai, milvus] = await Promise.all([startGitHubEmulator({ dataset }), startOpenAIEmulator({ apiKeys: [OPENAI_KEY] }), startMilvus()]);
  c = await openConsole();
  // Set up through the same protocol the console speaks; the test drives the UI below.
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  const p = await ws.ops.profiles.create({ name: 'search', githubApiUrl: gh.url, openaiBaseUrl: openai.baseUrl, embeddingDimensions: 256, milvusCollection: 'e2e_pr_index' });
  await ws.ops.secrets.set({ profileId: p.id, key: 'github_token', value: gh.token });
  await ws.ops.secrets.set({ profileId: p.id, key: 'openai_key', value: OPENAI_KEY });
  await ws.ops.secrets.set({ profileId: p.id, key: 'milvus_url', value: milvus.url });
  const run = await ws.ops.repos.sync({ repository: 'octo/widgets', mode: 'full' });
  for (let s = await ws.ops.jobs.get({ runId: run.id }); s.status !== 'succeeded'; s = await ws.ops.jobs.get({ runId: run.id })) {
    if (s.status === 'failed') throw new Error(s.error ?? 'sync failed');
    await new Promise((r) => setTimeout(r, 100));
  }
  ws.close();
}, 180_000);
afterAll(async () => {
  await c?.close();
  await Promise.all([gh?.close(), openai?.close(), milvus?.stop()]);
});

describe('Semantic search page', () => {
  it('embeds after showing the estimate, then finds items by meaning', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/search`);
    await page.getByRole('button', { name: 'Embed…' }).click();
    const estimate = page.getByLabel('Embedding estimate');
    await expect.poll(() => estimate.innerText(), { timeout: 30_000 }).toMatch(/80 of 80 need embeddings/);
    await expect.poll(() => estimate.innerText()).toMatch(/Estimated cost\s+\$0\.\d{4}/);
    await page.getByRole('button', { name: 'Start embedding' }).click();
    const collections = page.getByRole('table', { name: 'Collections' });
    await expect.poll(async () => collections.getByRole('row', { name: /e2e_pr_index/ }).innerText(), { timeout: 60_000 }).toMatch(/e2e_pr_index \(active\)\s+80\s+256\s+COSINE/);

    const pr = dataset.repositories[0]!.pullRequests[7]!;
    await page.getByLabel('Search text').fill(`${pr.title} ${pr.body}`.replace(/\b(\w+)\b/, 'altered').slice(0, 1500));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('region', { name: 'Search results' });
    await expect.poll(() => results.getByRole('row').first().innerText()).toContain(`octo/widgets#${pr.number}`);
    await page.getByRole('button', { name: 'Issues' }).click();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => results.getByRole('row').first().innerText()).toMatch(/\bissue\b/i);
    await page.getByRole('region', { name: 'Embedding costs' }).waitFor();
    expect(c.errors).toEqual([]);
  });

  it('removing the repository offers to delete its vectors, counted, and search stops returning it', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/repositories`);
    await page.getByRole('button', { name: 'Stop tracking octo/widgets' }).click();
    const dialog = page.getByRole('alertdialog');
    const box = dialog.getByRole('checkbox', { name: 'Also delete its 80 vectors from Milvus collection e2e_pr_index' });
    await box.waitFor();
    expect(await box.getAttribute('aria-checked')).toBe('true');
    await page.screenshot({ path: join(ROOT, 'docs', 'remove-repository.png') });
    await dialog.getByRole('button', { name: 'Remove and delete its rows' }).click();
    await page.getByText('Deleted its 80 vectors from Milvus.').first().waitFor();
    await page.goto(`${c.serve.origin}/#/search`);
    const collections = page.getByRole('table', { name: 'Collections' });
    await expect.poll(async () => collections.getByRole('row', { name: /e2e_pr_index/ }).innerText(), { timeout: 30_000 }).toMatch(/e2e_pr_index \(active\)\s+0\s+256/);
    expect(c.errors).toEqual([]);
  });
});
