import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackfillEstimate, EstimateRange } from '../../src/shared/contract/backfill.ts';
import { summarizeDue } from '../../src/main/embedding-job/candidates.ts';
import { contentHash, prepareEmbeddingText } from '../../src/main/embeddings/index.ts';
import { addIssueComment, addPullRequest, editItem, generateDataset } from '../emulators/github/dataset.ts';
import { startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

// The backfill estimate on a heavy-tailed history (log-normal bodies, PRs with hundreds of files,
// reviews or comments, many bots), measured against what the sync then really does.
const REPO = 'octo/widgets';
let env: SyncEnv;
beforeAll(async () => {
  const dataset = generateDataset({ seed: 22, shape: 'heavy-tailed', heavyShare: 0.02, repos: [{ owner: 'octo', name: 'widgets', pullRequests: 900, issues: 400, avgReviews: 3, avgReviewComments: 3, avgIssueComments: 5, avgFiles: 12 }] });
  env = await startSyncEnv({ dataset });
  await env.t.ops.profiles.update({ id: env.profileId, patch: { embeddingModel: MODEL, embeddingDimensions: 256 } });
}, 120_000);
afterAll(() => env?.close());

const within = (r: EstimateRange, actual: number) => {
  expect(actual, `${actual} outside ${r.low}–${r.high} (estimate ${r.value})`).toBeGreaterThanOrEqual(Math.floor(r.low));
  expect(actual, `${actual} outside ${r.low}–${r.high} (estimate ${r.value})`).toBeLessThanOrEqual(Math.ceil(r.high));
};
const step = (e: BackfillEstimate, name: string) => e.steps.find((s) => s.step === name)!;

async function syncRun(mode: 'full' | 'incremental') {
  const run = await env.t.ops.repos.sync({ repository: REPO, mode });
  const done = await env.t.core.jobs.wait(run.id);
  expect(done.status).toBe('succeeded');
  const { rows: [r] } = await env.pool.query('SELECT requests FROM sync_runs WHERE id = $1', [run.id]);
  return r.requests as number;
}

const MODEL = 'text-embedding-3-small';
const model = async () => ({ model: MODEL, dimensions: 256 });

describe('backfill estimate on a heavy-tailed repository', () => {
  it('a full backfill: requests (with the follow-ups of PRs with > 100 files, reviews, comments) and tokens fall within the band', async () => {
    const heavy = env.dataset.repositories[0]!.pullRequests.filter((p) => p.files.length > 100 || p.reviews.length > 100 || p.comments.length > 100 || p.reviews.some((r) => r.comments.length > 100));
    expect(heavy.length).toBeGreaterThan(10);
    const e = await env.t.ops.backfill.estimate({ repository: REPO, mode: 'full' });
    expect(e.sample).toMatchObject({ scanComplete: true, population: 1300 });
    // Asked again a moment later (as the wizard's estimate follows its preflight): the same reading
    // of GitHub, its scan and its sampled texts, reused; not one request.
    const requests0 = env.emulator.stats.requests;
    const again = await env.t.ops.backfill.estimate({ repository: REPO, mode: 'full' });
    expect(env.emulator.stats.requests).toBe(requests0);
    expect(again.sample).toMatchObject({ items: e.sample.items, population: 1300, readAt: e.sample.readAt });
    expect(again.sample.method).toMatch(/GitHub read \d+ s before this estimate .* and reused$/);
    expect(again.embeddings.tokens).toBe(e.embeddings.tokens);
    expect(again.github.requests).toBe(e.github.requests);
    // Asked to read GitHub again: a reading of now, the same figures (nothing changed there).
    const fresh = await env.t.ops.backfill.estimate({ repository: REPO, mode: 'full', rereadGitHub: true });
    expect(env.emulator.stats.requests).toBeGreaterThan(requests0);
    expect(Date.parse(fresh.sample.readAt)).toBeGreaterThan(Date.parse(e.sample.readAt));
    expect(fresh.sample.method).not.toMatch(/reused/);
    expect(fresh.embeddings.tokens).toBe(e.embeddings.tokens);
    // A random sample across the history, not everything: the band is real, and narrow.
    expect(e.sample.items).toBeGreaterThanOrEqual(200);
    expect(e.sample.items).toBeLessThan(1300);
    const tokens = step(e, 'embeddings').tokens;
    expect(tokens.high).toBeGreaterThan(tokens.low);
    expect((tokens.high - tokens.low) / tokens.value).toBeLessThan(0.4);
    expect(e.changes).toBeNull();
    // The wizard's and the CLI's total and per-step figures agree with the headline ones.
    expect(e.total.tokens.value).toBe(e.embeddings.tokens);
    expect(step(e, 'sync').requests.value).toBe(e.github.requests);

    const requests = await syncRun('full');
    within(step(e, 'sync').requests, requests);
    // Far more than the pages alone: the follow-ups were counted (13 pages of 100 items, the commit and release pages, the fixed 3).
    const repo0 = env.dataset.repositories[0]!;
    expect(requests).toBeGreaterThan(16 + Math.ceil(repo0.commits.length / 100) + 1 + heavy.length / 2);
    const { model: m, dimensions } = await model();
    const repo = (await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [REPO])).rows[0];
    const due = await summarizeDue(env.pool, { repositoryId: repo.id, only: ['issue', 'pr'], model: m, dimensions });
    expect(due.due).toBe(1300);
    within(tokens, due.tokens);
    within(step(e, 'embeddings').usd, (due.tokens / 1e6) * (e.embeddings.usd / Math.max(1, e.embeddings.tokens)) * 1e6);
  }, 120_000);

  it('an incremental backfill counts only what changed since the high-water mark', async () => {
    // The warehouse as after an embedding run: every item embedded with its current text.
    const { model: m, dimensions } = await model();
    for (const table of ['pull_requests', 'issues'] as const) {
      const { rows } = await env.pool.query(`SELECT id, title, body FROM ${table}`);
      const type = table === 'issues' ? 'issue' : 'pr';
      const hashes = rows.map((r) => contentHash(prepareEmbeddingText({ type, title: r.title, body: r.body }).text, m, dimensions));
      await env.pool.query(`UPDATE ${table} t SET content_hash = x.h, embedding_generated_at = now() FROM unnest($1::uuid[], $2::text[]) x(id, h) WHERE t.id = x.id`, [rows.map((r) => r.id), hashes]);
    }
    const repoData = env.dataset.repositories[0]!;
    const later = new Date(Date.now() + 60_000).toISOString();
    const [a, b, c] = [...repoData.pullRequests].sort((x, y) => x.number - y.number);
    editItem(env.dataset, REPO, a!.number, { body: 'Rewritten description of the change, much longer than before '.repeat(20) }, later);
    editItem(env.dataset, REPO, b!.number, { title: 'A new title' }, later);
    addIssueComment(env.dataset, REPO, c!.number, 'a comment: the PR changes, its text does not', null, later);
    const added = addPullRequest(env.dataset, REPO, { title: 'Brand new PR', body: 'with a body' }, later);
    const issue = repoData.issues[0]!;
    addIssueComment(env.dataset, REPO, issue.number, 'still happening', null, later);

    const e = await env.t.ops.backfill.estimate({ repository: REPO });
    expect(e.changes).toMatchObject({ pullRequests: 4, issues: 1 });
    // Two rewritten texts and one new PR; a new comment changes no embedded text.
    expect(e.embeddings.items).toBe(3);
    const expected = [editItemText(a!.number), editItemText(b!.number), editItemText(added.number)].reduce((n, t) => n + t, 0);
    expect(e.embeddings.tokens).toBe(expected);
    // A page of each stream (PRs, issues, commits since the mark, releases) and the fixed three: nothing like the full history's pages.
    const sync = step(e, 'sync').requests;
    expect(sync.value).toBe(7);
    const requests = await syncRun('incremental');
    within(sync, requests);
    const repo = (await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [REPO])).rows[0];
    const due = await summarizeDue(env.pool, { repositoryId: repo.id, only: ['issue', 'pr'], model: m, dimensions });
    expect(due).toMatchObject({ due: 3, tokens: expected });
  }, 120_000);
});

function editItemText(number: number): number {
  const repo = env.dataset.repositories[0]!;
  const pr = repo.pullRequests.find((p) => p.number === number)!;
  return prepareEmbeddingText({ type: 'pr', title: pr.title, body: pr.body }).tokens;
}
