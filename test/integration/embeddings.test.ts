import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectMilvus } from '../../src/main/vectors/index.ts';
import { prepareEmbeddingText } from '../../src/main/embeddings/index.ts';
import { editItem } from '../emulators/github/dataset.ts';
import { runCli } from '../helpers/cli.ts';
import type { EmbedEnv } from '../helpers/embed-env.ts';
import { embedEnvPerTest } from '../helpers/embed-env-per-test.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/temp.ts';

const REPO = 'octo/widgets';
const envs = embedEnvPerTest();

async function embed(e: EmbedEnv, req: { repository?: string; only?: ('issue' | 'pr')[] } = { repository: REPO }) {
  const run = await e.t.ops.embed.start({ repository: req.repository, only: req.only ?? ['issue', 'pr'] });
  return e.t.core.jobs.wait(run.id);
}

async function counts(e: EmbedEnv) {
  const { rows: [r] } = await e.pool.query(`SELECT
    (SELECT count(*) FROM pull_requests)::int AS prs, (SELECT count(*) FROM issues)::int AS issues,
    (SELECT count(*) FROM pull_requests WHERE embedding IS NOT NULL AND embedding_generated_at IS NOT NULL AND array_length(embedding, 1) = 256)::int AS pr_vectors,
    (SELECT count(*) FROM issues WHERE embedding IS NOT NULL AND array_length(embedding, 1) = 256)::int AS issue_vectors`);
  const store = await connectMilvus({ url: e.milvus.url });
  const milvusCount = await store.collection(e.collection).count();
  await store.close();
  return { ...r, milvus: milvusCount };
}

describe('embeddings into Milvus and the warehouse', () => {
  it('embeds every item once, searches by meaning, and a rerun embeds and bills nothing', async () => {
    const env = await envs.start();
    const plan = await env.t.ops.embed.plan({ repository: REPO });
    expect(plan).toMatchObject({ items: 180, due: 180, model: 'text-embedding-3-small', dimensions: 256 });
    expect(plan.usd).toBeCloseTo((plan.tokens * 0.02) / 1_000_000, 10);
    const run = await embed(env);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const result = run.result as { items: number; tokens: number; usd: number; milvusCount: number };
    expect(result.items).toBe(180);
    expect(result.tokens).toBe(env.openai.stats.billedTokens);
    expect(result.tokens).toBe(plan.tokens);
    expect(await counts(env)).toEqual({ prs: 120, issues: 60, pr_vectors: 120, issue_vectors: 60, milvus: 180 });
    // The runbook's coverage SQL works verbatim.
    const { rows: [repo] } = await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [REPO]);
    const coverage = await env.pool.query(`SELECT
  'PRs' as item_type,
  COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END) as with_embeddings,
  COUNT(*) as total,
  ROUND(100.0 * COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END) / COUNT(*), 2) as coverage
FROM pull_requests
WHERE repository_id = 'repo-id'
UNION ALL
SELECT
  'Issues' as item_type,
  COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END),
  COUNT(*),
  ROUND(100.0 * COUNT(CASE WHEN embedding IS NOT NULL THEN 1 END) / COUNT(*), 2)
FROM issues
WHERE repository_id = 'repo-id';`.replaceAll("'repo-id'", `'${repo.id}'`));
    expect(coverage.rows.map((r) => [r.item_type, r.coverage])).toEqual([['PRs', '100.00'], ['Issues', '100.00']]);
    const ledger = await env.t.ops.embed.costs();
    expect(ledger[0]).toMatchObject({ runId: run.id, inputTokens: result.tokens, items: 180 });

    // Search finds an item from an edited copy of its text.
    const pr = env.dataset.repositories[0]!.pullRequests[17]!;
    const edited = `${pr.title} ${pr.body}`.replace(/\b(\w+)\b/, 'changed').slice(0, 2000);
    const found = await env.t.ops.vectors.search({ query: edited, repository: REPO, limit: 3 });
    expect(found.hits[0]).toMatchObject({ id: `pr:${pr.databaseId}`, number: pr.number, itemType: 'pr', repository: REPO });
    const issuesOnly = await env.t.ops.vectors.search({ query: edited, itemTypes: ['issue'], limit: 3 });
    expect(issuesOnly.hits.every((h) => h.itemType === 'issue')).toBe(true);

    env.openai.resetStats();
    const again = await embed(env);
    expect(again.status).toBe('succeeded');
    expect((again.result as { items: number }).items).toBe(0);
    expect(env.openai.stats.billedTokens).toBe(0);
    expect(env.openai.stats.requests).toBe(0);
  });

  it('re-embeds exactly the items whose text changed', async () => {
    const env = await envs.start();
    await embed(env);
    const prs = env.dataset.repositories[0]!.pullRequests.slice(0, 6);
    const issues = env.dataset.repositories[0]!.issues.slice(0, 4);
    const later = new Date(Date.now() + 60_000).toISOString();
    for (const p of prs) editItem(env.dataset, REPO, p.number, { title: `${p.title} (edited)` }, later);
    for (const i of issues) editItem(env.dataset, REPO, i.number, { body: `${i.body}\n\nUpdate: also fixed.` }, later);
    const sync = await env.t.ops.repos.sync({ repository: REPO });
    expect((await env.t.core.jobs.wait(sync.id)).status).toBe('succeeded');
    env.openai.resetStats();
    expect((await env.t.ops.embed.plan({ repository: REPO })).due).toBe(10);
    const run = await embed(env);
    expect((run.result as { items: number }).items).toBe(10);
    expect(env.openai.stats.inputsEmbedded).toBe(10);
    expect((await counts(env)).milvus).toBe(180);
  });

  it('completes through a 429 storm within the limits', async () => {
    const env = await envs.start({ openai: { faults: [{ kind: '429', retryAfterSec: 1, atRequests: [1, 2, 3] }] } });
    const run = await embed(env);
    expect(run.status).toBe('succeeded');
    expect(env.openai.stats.byStatus[429]).toBe(3);
    expect((run.result as { rateLimited: number }).rateLimited).toBe(3);
    expect((await counts(env)).milvus).toBe(180);
  });

  it('refuses a dimension mismatch before spending anything', async () => {
    const env = await envs.start();
    const store = await connectMilvus({ url: envs.milvus.url });
    await store.ensureCollection(env.collection, 384);
    await store.close();
    const run = await embed(env);
    expect(run.status).toBe('failed');
    expect(run.error).toBe(`Collection ${env.collection} stores 384-dimensional vectors but text-embedding-3-small produces 256. Recreate the collection or change the model's dimensions.`);
    expect(env.openai.stats.requests).toBe(0);
  });

  it('says so clearly when Milvus is down, and the run resumes once it is back', async () => {
    const env = await envs.start();
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'milvus_url', value: 'http://127.0.0.1:9' });
    const first = await env.t.ops.embed.start({ repository: REPO });
    const failed = await env.t.core.jobs.wait(first.id);
    expect(failed.status).toBe('failed');
    // The Milvus URL is a stored secret: a stored job error names it only as [redacted], like the logs do.
    expect(failed.error).toMatch(/^Cannot reach Milvus at \[redacted\]: connection refused/);
    expect(env.openai.stats.requests).toBe(0);
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'milvus_url', value: envs.milvus.url });
    const resumed = await env.t.ops.embed.start({ repository: REPO });
    expect(resumed).toMatchObject({ id: first.id, attempt: 2 });
    expect((await env.t.core.jobs.wait(first.id)).status).toBe('succeeded');
    expect((await counts(env)).milvus).toBe(180);
  });

  it('a wrong OpenAI key stops with a clear message', async () => {
    const env = await envs.start();
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'openai_key', value: 'sk-wrong-wrong-wrong-wrong-wrong' });
    const run = await embed(env);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^OpenAI key invalid/);
    expect(run.error).not.toContain('sk-wrong');
  });

  it('kill -9 mid-run, then resume: no duplicate vectors, nothing persisted is bought twice', async () => {
    const env = await envs.start({ dataset: smallDataset(9, 300, 100, 0), openai: { latencyMs: 400, rpm: 600 } });
    const child = spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), 'embed', REPO, '--batch-size', '20'], { env: { ...process.env, REPO_OPS_HOME: env.t.home }, stdio: 'ignore' });
    await waitFor('some vectors persisted', async () => {
      const { rows: [r] } = await env.pool.query('SELECT (SELECT count(*) FROM pull_requests WHERE embedding_generated_at IS NOT NULL) + (SELECT count(*) FROM issues WHERE embedding_generated_at IS NOT NULL) AS n');
      return Number(r.n) >= 40 || null;
    }, 90_000, 20);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const text = (row: { t: string; title: string; body: string | null }) => prepareEmbeddingText({ type: row.t as 'pr' | 'issue', title: row.title, body: row.body ?? '' }).text;
    const persisted = (await env.pool.query("SELECT 'pr' AS t, title, body FROM pull_requests WHERE embedding_generated_at IS NOT NULL UNION ALL SELECT 'issue', title, body FROM issues WHERE embedding_generated_at IS NOT NULL")).rows.map(text);
    const store = new Database(join(env.t.home, 'repo-ops.sqlite'), { readonly: true });
    const outboxItems = (store.prepare('SELECT payload FROM embedding_outbox').all() as { payload: string }[]).flatMap((r) => (JSON.parse(r.payload) as { items: { key: string; id: string }[] }).items);
    const outboxKeys = outboxItems.map((i) => i.key);
    // A batch can be both: its warehouse transaction committed, the kill came before its outbox row went.
    const persistedIds = (await env.pool.query('SELECT id FROM pull_requests WHERE embedding_generated_at IS NOT NULL UNION ALL SELECT id FROM issues WHERE embedding_generated_at IS NOT NULL')).rows.map((r) => r.id as string);
    const paidBefore = new Set([...persistedIds, ...outboxItems.map((i) => i.id)]).size;
    store.close();
    env.openai.resetStats();

    const resumed = await runCli(['embed', REPO, '--batch-size', '20', '--json'], { home: env.t.home, timeoutMs: 180_000 });
    expect(resumed.stderr).toMatch(/Resuming interrupted run .* \(attempt 2\)/);
    expect(resumed.code).toBe(0);
    const c = await counts(env);
    expect(c).toMatchObject({ pr_vectors: 300, issue_vectors: 100, milvus: 400 });
    // Exactly the items neither stored nor waiting in the outbox were bought after the kill:
    // nothing persisted, and nothing paid for but unsaved, was sent again.
    expect(persisted.length).toBeGreaterThanOrEqual(40);
    expect(persisted.length).toBeLessThan(400);
    expect(env.openai.stats.inputsEmbedded).toBe(400 - paidBefore);
    expect((JSON.parse(resumed.stdout) as { result: { items: number } }).result.items).toBe(400 - persisted.length);
    // Every item is in the ledgers once, whatever the kill left to replay.
    const { rows: [paid] } = await env.pool.query('SELECT (SELECT sum(items) FROM embedding_costs)::int AS run_items, (SELECT sum(items) FROM cost_entries WHERE category = $1)::int AS cost_items', ['embeddings']);
    expect(paid).toEqual({ run_items: 400, cost_items: 400 });
    const replayed = await env.t.ops.logs.query({ event: 'embedding_outbox_replayed', limit: 5 });
    expect(replayed.entries.length).toBe(outboxKeys.length ? 1 : 0);
  });
});
