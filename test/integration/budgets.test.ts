// Budgets that stop spending, against the real embedding job (GitHub and OpenAI emulators,
// Milvus Lite, the warehouse): refusal before start, an audited override, a pause before the
// next paid batch when a cap is reached mid-run (overspend at most one batch), resume after
// the cap is raised — and nothing paid twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedEnv, type EmbedEnv } from '../helpers/embed-env.ts';
import { waitFor } from '../helpers/temp.ts';

const REPO = 'octo/widgets';
// A steep price makes cents visible: $100 per 1M tokens.
const PRICE = 100;
let env: EmbedEnv;

const ledger = async (runId?: string) =>
  (await env.pool.query('SELECT COALESCE(sum(usd), 0)::float8 AS usd, COALESCE(sum(input_tokens), 0)::int AS tokens, count(*)::int AS entries FROM cost_entries WHERE ($1::uuid IS NULL OR run_id = $1)', [runId ?? null])).rows[0] as { usd: number; tokens: number; entries: number };

beforeAll(async () => {
  env = await startEmbedEnv({ coreEnv: { REPO_OPS_BUDGET_REFRESH_MS: '40' }, openai: { latencyMs: 60 } });
  await env.t.ops.settings.update({ embeddingPrices: { 'text-embedding-3-small': PRICE } });
}, 180_000);
afterAll(() => env?.close());

describe('budgets', () => {
  it('refuses a job whose estimate exceeds what the daily cap leaves, naming the budget; nothing is spent', async () => {
    const plan = await env.t.ops.embed.plan({ repository: REPO, only: ['issue'] });
    expect(plan.usd).toBeGreaterThan(0.05);
    const daily = await env.t.ops.budgets.save({ name: 'OpenAI per day', metric: 'usd', period: 'day', cap: plan.usd / 2, category: 'openai' });
    await expect(env.t.ops.embed.start({ repository: REPO, only: ['issue'] })).rejects.toThrow(/^Refused: Budget "OpenAI per day" \(\$0\.\d+ per day\): \$0\.00 used, \$0\.\d+ left; this needs \$0\.\d+\./);
    expect(env.t.core.jobs.list({ kind: 'embed', limit: 10 })).toHaveLength(0);
    expect(env.openai.stats.requests).toBe(0);
    // A bad override is a clear input error.
    await expect(env.t.ops.embed.start({ repository: REPO, only: ['issue'], budgetOverride: { reason: '' } })).rejects.toThrow(/budgetOverride\.reason/);

    // The override runs it, records who and why, and lets the run spend its estimate.
    const run = await env.t.ops.embed.start({ repository: REPO, only: ['issue'], budgetOverride: { reason: 'approved backfill for the quarterly report' } });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');
    const audit = (await env.t.ops.audit.list({ action: 'budget.override' }))[0]!;
    expect(audit).toMatchObject({ action: 'budget.override', subject: `embed ${REPO}`, actor: expect.stringMatching(/@/) });
    expect(audit.details).toMatchObject({ runId: run.id, reason: 'approved backfill for the quarterly report', budgets: [{ id: daily.id, name: 'OpenAI per day' }] });
    expect((await ledger(run.id)).usd).toBeCloseTo(plan.usd, 4);
    const status = (await env.t.ops.budgets.list()).find((b) => b.id === daily.id)!;
    expect(status.level).toBe('exceeded');
    await env.t.ops.budgets.delete({ id: daily.id });
  });

  it('pauses before the next paid batch when a cap is reached mid-run (overspend ≤ one batch) and resumes once it is raised', async () => {
    const plan = await env.t.ops.embed.plan({ repository: REPO, only: ['pr'] });
    const spentBefore = (await ledger()).usd;
    const daily = await env.t.ops.budgets.save({ name: 'OpenAI per day', metric: 'usd', period: 'day', cap: spentBefore + plan.usd * 10, category: 'openai' });
    // Paced by the account's tokens per minute: about two requests of 10 PRs a second.
    env.openai.setOptions({ tpm: 150_000, initialFill: 0.01 });
    const run = await env.t.ops.embed.start({ repository: REPO, only: ['pr'], requestSize: 10, batchSize: 10 });
    await waitFor('some batches paid', async () => (await ledger(run.id)).entries >= 3, 30_000, 20);
    // Another job's spending (or an operator lowering the cap) leaves room for about one more batch.
    const atCut = (await ledger()).usd;
    const batchUsd = plan.usd / Math.ceil(plan.due / 10);
    await env.t.ops.budgets.save({ ...daily, cap: atCut + batchUsd * 1.2 });
    const paused = await env.t.core.jobs.wait(run.id);
    expect(paused.status).toBe('paused');
    expect(paused.error).toMatch(/Budget "OpenAI per day".*Paused before the next paid batch/);
    const total = (await ledger()).usd;
    const cap = atCut + batchUsd * 1.2;
    const maxBatch = (await env.pool.query('SELECT max(usd)::float8 AS m FROM cost_entries WHERE run_id = $1', [run.id])).rows[0].m as number;
    expect(total - cap).toBeLessThanOrEqual(maxBatch * 1.01);
    expect((await ledger(run.id)).tokens).toBeLessThan(plan.tokens);

    // Still at the cap: resuming pauses again before any paid batch.
    const requests = env.openai.stats.requests;
    await env.t.ops.jobs.resume({ runId: run.id });
    expect((await env.t.core.jobs.wait(run.id)).status).toBe('paused');
    expect(env.openai.stats.requests).toBe(requests);

    env.openai.setOptions({ tpm: 10_000_000 });
    await env.t.ops.budgets.save({ ...daily, cap: 1000 });
    await env.t.ops.jobs.resume({ runId: run.id });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');
    // Nothing bought twice: the run paid for exactly its items.
    const run$ = await ledger(run.id);
    expect(run$.tokens).toBe(plan.tokens);
    expect(run$.usd).toBeCloseTo(plan.usd, 4);
    const { rows: [c] } = await env.pool.query('SELECT count(*)::int AS n FROM pull_requests WHERE embedding_generated_at IS NOT NULL');
    expect(c.n).toBe(plan.due);
  });

  it('a GitHub points per hour budget pauses a sync at a page boundary; the ledger has every page', async () => {
    const { rows: [g] } = await env.pool.query("SELECT COALESCE(sum(points), 0)::int AS points, count(*)::int AS pages FROM cost_entries WHERE category = 'github'");
    expect(g.pages).toBeGreaterThan(1); // the setup's sync, page by page
    const hourly = await env.t.ops.budgets.save({ name: 'GitHub points', metric: 'github_points', period: 'hour', cap: g.points + 3, category: 'github' });
    const run = await env.t.ops.repos.sync({ repository: REPO, mode: 'full' });
    const paused = await env.t.core.jobs.wait(run.id);
    expect(paused.status).toBe('paused');
    expect(paused.error).toMatch(/Budget "GitHub points" \(\d[\d,]* points per hour\)/);
    const { rows: [after] } = await env.pool.query("SELECT COALESCE(sum(points), 0)::int AS points FROM cost_entries WHERE category = 'github'");
    // Over by at most the page in flight (its first entry also carries the run's count query).
    const { rows: [page] } = await env.pool.query('SELECT max(points)::int AS m, count(*)::int AS n FROM cost_entries WHERE run_id = $1', [run.id]);
    expect(page.n).toBeLessThanOrEqual(2);
    expect(after.points - (g.points + 3)).toBeLessThanOrEqual(page.m);
    await env.t.ops.budgets.save({ ...hourly, cap: 100_000 });
    await env.t.ops.jobs.resume({ runId: run.id });
    expect((await env.t.core.jobs.wait(run.id)).status).toBe('succeeded');
  });
});
