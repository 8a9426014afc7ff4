// What Shipped's optional LLM pass against the GitHub and OpenAI emulators and a real warehouse:
// the estimate, the answers parsed into the tables, the ledger, no second payment for an
// unchanged PR, a malformed answer recorded for its PR while the run goes on, a 429 retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCostUsd } from '../../src/main/etl/llm/pricing.ts';
import { parseAnswer } from '../../src/main/etl/llm/answer.ts';
import { runCatalogueQuery } from '../../src/main/queries/index.ts';
import type { EtlRunResult } from '../../src/main/etl/etl-service.ts';
import type { ChatRequest } from '../emulators/openai/server.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai/server.ts';
import { runCli } from '../helpers/cli.ts';
import { smallDataset, startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

const KEY = 'sk-test-llm-00000000000000000000000000';
const REPO = 'octo/widgets';

describe('What Shipped with --llm', () => {
  let env: SyncEnv;
  let openai: OpenAIEmulator;
  let broken = 0; // the PR whose answer is malformed
  const prOf = (req: ChatRequest) => Number(/Pull request #(\d+):/.exec(req.messages.at(-1)!.content)![1]);
  const answer = (n: number) => JSON.stringify({ summary: `PR ${n} changes the widgets.`, risk_score: (n % 10) + 0.25, risk_level: n % 10 >= 7 ? 'high' : n % 10 > 3 ? 'medium' : 'low', reasons: [`reason for ${n}`] });
  const whatShipped = async (p: Record<string, unknown> = {}) => {
    const run = await env.t.ops.etl.whatShipped({ repository: REPO, llm: true, ...p });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    return { run: done, r: done.result as EtlRunResult };
  };
  const chatRequests = () => openai.stats.chat['gpt-4o-mini']?.requests ?? 0;
  const ledger = async (runId: string) =>
    (await env.pool.query(`SELECT category, sum(requests)::int AS requests, sum(input_tokens)::int AS input, sum(output_tokens)::int AS output, sum(usd)::float8 AS usd FROM cost_entries WHERE run_id = $1 GROUP BY category ORDER BY category`, [runId])).rows;

  beforeAll(async () => {
    env = await startSyncEnv({ dataset: smallDataset(5, 14, 4, 0) });
    openai = await startOpenAIEmulator({ apiKeys: [KEY], chatResponder: (req) => (prOf(req) === broken ? 'Sure! Here is the review: risk is low.' : answer(prOf(req))) });
    await env.t.ops.profiles.update({ id: env.profileId, patch: { openaiBaseUrl: openai.baseUrl } });
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'openai_key', value: KEY });
    await env.t.ops.profiles.activate({ id: env.profileId });
    const sync = await env.t.core.jobs.wait((await env.t.ops.repos.sync({ repository: REPO, mode: 'full' })).id);
    expect(sync.status).toBe('succeeded');
    const staged = await env.t.core.jobs.wait((await env.t.ops.etl.whatShipped({ repository: REPO })).id);
    expect(staged.status).toBe('succeeded');
  });
  afterAll(async () => {
    await env?.close();
    await openai?.close();
  });

  it('parses answers and names what is wrong with a bad one', () => {
    expect(parseAnswer(answer(3), 'stop')).toEqual({ ok: true, answer: { summary: 'PR 3 changes the widgets.', riskScore: 3.3, riskLevel: 'low', reasons: ['reason for 3'] } });
    expect(parseAnswer('{"summary": "x", "risk_score": 11, "risk_level": "low", "reasons": ["a"]}', 'stop')).toEqual({ ok: false, error: 'the answer does not match the schema: risk_score must be between 0 and 10' });
    expect(parseAnswer('{"summary": "x"', 'length')).toMatchObject({ ok: false, error: expect.stringMatching(/cut off/) });
    expect(parseAnswer('no', 'stop')).toMatchObject({ ok: false, error: 'the answer is not JSON: "no"' });
    expect(parseAnswer(null, 'stop', 'I cannot help with that')).toMatchObject({ ok: false, error: 'the model refused: I cannot help with that' });
  });

  it('estimates, scores every PR once, records a malformed answer for its PR, retries a 429, and pays what the ledger says', async () => {
    const prs = (await env.pool.query(`SELECT pr_number FROM repo_prs WHERE repo_name = $1 ORDER BY pr_number`, [REPO])).rows.map((r) => r.pr_number as number);
    expect(prs.length).toBe(14);
    broken = prs[3];
    const est = await env.t.ops.etl.llmEstimate({ repository: REPO });
    expect(est).toMatchObject({ model: 'gpt-4o-mini', inScope: 14, alreadyScored: 0, prs: 14, githubRequests: 14, outputTokens: 14 * 500 });
    expect(est.usd).toBeCloseTo(chatCostUsd('gpt-4o-mini', est.inputTokens, est.outputTokens), 12);
    expect(chatRequests()).toBe(0); // an estimate sends nothing

    const filesRoute = () => Object.entries(env.emulator.stats.byRoute).filter(([k]) => k.endsWith('/files')).reduce((n, [, v]) => n + v, 0);
    openai.setOptions({ faults: [{ kind: '429', atRequests: [2], retryAfterSec: 0.01 }, { kind: 'status', status: 503, atRequests: [5], retryAfterMs: 10 }] });
    const { run, r } = await whatShipped();
    expect(run.steps.map((s) => s.name)).toEqual(['repo_prs', 'llm']);
    expect(r.llm).toMatchObject({ model: 'gpt-4o-mini', scored: 13, failed: 1, alreadyScored: 0, githubRequests: 14, rateLimitRetries: 1 });
    expect(r.llm!.errors).toEqual([{ repository: REPO, number: broken, error: 'the answer is not JSON: "Sure! Here is the review: risk is low."' }]);
    expect(filesRoute()).toBe(14); // patches fetched for the scored PRs only, one page each
    expect(chatRequests()).toBe(14);
    const billed = openai.stats.chat['gpt-4o-mini'];
    expect(r.llm!.inputTokens).toBe(billed.promptTokens);
    expect(r.llm!.outputTokens).toBe(billed.completionTokens);
    expect(est.outputTokens).toBeGreaterThanOrEqual(billed.completionTokens);
    expect(await ledger(run.id)).toEqual([
      { category: 'github', requests: 14, input: 0, output: 0, usd: 0 },
      { category: 'llm', requests: 14, input: billed.promptTokens, output: billed.completionTokens, usd: (await env.pool.query(`SELECT sum(usd)::float8 AS usd FROM etl_pr_llm WHERE run_id = $1`, [run.id])).rows[0].usd },
    ]);
    // The ledger keeps micro-dollars per PR: within half a micro-dollar each of the list price.
    expect(Math.abs((await ledger(run.id))[1].usd - chatCostUsd('gpt-4o-mini', billed.promptTokens, billed.completionTokens))).toBeLessThanOrEqual(14 * 5e-7);

    // The tables: the summary in repo_prs, the LLM score next to the rubric's, the error kept with its PR.
    const rows = (await env.pool.query(`SELECT l.pr_number, l.summary, l.risk_score::float8, l.error, rp.pr_summary, rp.risk_score::float8 AS rubric FROM etl_pr_llm l JOIN repo_prs rp USING (repo_name, pr_number) ORDER BY l.pr_number`)).rows;
    expect(rows).toHaveLength(14);
    for (const row of rows) {
      if (row.pr_number === broken) expect(row).toMatchObject({ summary: null, risk_score: null, pr_summary: null, error: expect.stringMatching(/not JSON/) });
      else expect(row).toMatchObject({ summary: `PR ${row.pr_number} changes the widgets.`, pr_summary: `PR ${row.pr_number} changes the widgets.`, risk_score: (row.pr_number % 10) + 0.3, error: null });
    }
    const listed = await env.t.ops.shipped.list({ repository: REPO, window: 999 });
    const some = listed.prs.find((p) => p.number !== broken)!;
    expect(some.llmRisk).toMatchObject({ score: (some.number % 10) + 0.3, model: 'gpt-4o-mini', reasons: [`reason for ${some.number}`] });
    expect(some.riskReasons.length).toBeGreaterThan(0); // the rubric's reasons stay
    expect(listed.prs.find((p) => p.number === broken)?.llmRisk ?? null).toBeNull();
    const csv = (await env.t.ops.shipped.export({ repository: REPO, window: 999, format: 'csv' })).content.split('\n');
    expect(csv.find((l) => l.startsWith(`${REPO},${some.number},`))).toMatch(new RegExp(`,PR ${some.number} changes the widgets\\.,${(some.number % 10) + 0.3},gpt-4o-mini$`));
    const md = (await env.t.ops.shipped.export({ repository: REPO, window: 999, format: 'markdown' })).content;
    expect(md).toContain(`#${some.number} `);
    expect(md).toMatch(new RegExp(`#${some.number} .*\\(\\w+; LLM ${((some.number % 10) + 0.3).toFixed(1)}\\): PR ${some.number} changes the widgets\\.`));

    // The query library sees the same.
    const repositoryId = (await env.pool.query(`SELECT id FROM repositories WHERE full_name = $1`, [REPO])).rows[0].id;
    const coverage = (await runCatalogueQuery(env.pool, 'etl-llm-coverage', { repository: repositoryId })).rows;
    expect(coverage.map((r) => r.slice(0, 6))).toEqual([[REPO, 14, 13, 0, 1, 13]]); // PRs, answered, stale, failed, with a summary
    const failed = (await runCatalogueQuery(env.pool, 'etl-llm-errors', { repository: repositoryId })).rows;
    expect(failed.map((r) => [r[0], r[2]])).toEqual([[broken, expect.stringMatching(/not JSON/)]]);
  });

  it('a re-run pays only for what failed or changed; unchanged PRs are never scored twice', async () => {
    const before = chatRequests();
    // Another run retries the malformed one (now answered well), and nothing else.
    broken = 0;
    const second = await whatShipped();
    expect(second.r.llm).toMatchObject({ scored: 1, failed: 0, alreadyScored: 13, githubRequests: 1 });
    expect(chatRequests()).toBe(before + 1);
    const third = await whatShipped();
    expect(third.r.llm).toMatchObject({ scored: 0, failed: 0, alreadyScored: 14, usd: 0, githubRequests: 0 });
    expect(chatRequests()).toBe(before + 1);
    expect(await ledger(third.run.id)).toEqual([]);

    // A synced edit: a new title changes what the model sees (due again, its summary withdrawn);
    // a new label does not (restaged, its summary comes back).
    const [a, b] = (await env.pool.query(`SELECT DISTINCT pr_number FROM author_prs_window WHERE repo_name = $1 ORDER BY pr_number LIMIT 2`, [REPO])).rows.map((r) => r.pr_number as number);
    await env.pool.query(`UPDATE pull_requests SET title = title || ' (renamed)', synced_at = now() WHERE number = $1`, [a]);
    await env.pool.query(`UPDATE pull_requests SET labels = labels || '{released}', synced_at = now() WHERE number = $1`, [b]);
    const lens = await env.t.core.jobs.wait((await env.t.ops.etl.engineerLens({ repository: REPO })).id);
    expect(lens.status).toBe('succeeded');
    const summaries = async () => Object.fromEntries((await env.pool.query(`SELECT pr_number, pr_summary FROM repo_prs WHERE pr_number = ANY($1)`, [[a, b]])).rows.map((r) => [r.pr_number, r.pr_summary]));
    expect(await summaries()).toEqual({ [a]: null, [b]: `PR ${b} changes the widgets.` });
    const windowSummaries = (await env.pool.query(`SELECT DISTINCT pr_summary FROM author_prs_window WHERE pr_number = $1`, [b])).rows;
    expect(windowSummaries).toEqual([{ pr_summary: `PR ${b} changes the widgets.` }]);
    expect((await env.t.ops.etl.llmEstimate({ repository: REPO })).prs).toBe(1);
    const fourth = await whatShipped();
    expect(fourth.r.llm).toMatchObject({ scored: 1, alreadyScored: 13 });
    expect(await summaries()).toEqual({ [a]: `PR ${a} changes the widgets.`, [b]: `PR ${b} changes the widgets.` });
    expect((await env.pool.query(`SELECT DISTINCT pr_summary FROM author_prs_window WHERE pr_number = $1`, [a])).rows).toEqual([{ pr_summary: `PR ${a} changes the widgets.` }]);
  });

  it('is refused over a budget before anything is paid, and bad input names the field', async () => {
    await env.pool.query(`UPDATE pull_requests SET title = title || ' (again)', synced_at = now() WHERE number = (SELECT min(number) FROM pull_requests)`);
    await env.t.core.jobs.wait((await env.t.ops.etl.whatShipped({ repository: REPO })).id);
    const budget = await env.t.ops.budgets.save({ name: 'LLM per day', metric: 'usd', period: 'day', cap: 0.000001, category: 'llm' });
    const before = chatRequests();
    await expect(env.t.ops.etl.whatShipped({ repository: REPO, llm: true })).rejects.toThrow(/Refused: .*LLM per day/);
    expect(chatRequests()).toBe(before);
    // Queued some other way (a schedule, a retry) it is checked again before the first paid request: it pauses.
    const queued = await env.t.core.jobs.enqueue('what-shipped', { repository: REPO, llm: true });
    const paused = await env.t.core.jobs.wait(queued.id);
    expect(paused.status).toBe('paused');
    expect(paused.error).toMatch(/Refused before the first paid request: .*LLM per day/);
    expect(chatRequests()).toBe(before);
    await env.t.ops.budgets.delete({ id: budget.id });
    const resumed = await env.t.core.jobs.wait((await env.t.core.jobs.resume(queued.id)).id);
    expect(resumed.status, resumed.error ?? '').toBe('succeeded');
    expect((resumed.result as EtlRunResult).llm).toMatchObject({ scored: 1, alreadyScored: 13 });
    expect(chatRequests()).toBe(before + 1);
    await expect(env.t.ops.etl.llmEstimate({ repository: REPO, llmModel: 'gpt-imaginary' })).rejects.toThrow(/llmModel: no price known for "gpt-imaginary"/);
    await expect(env.t.ops.etl.whatShipped({ repository: REPO, llm: true, llmMaxPrs: 0 })).rejects.toThrow(/llmMaxPrs/);
  });

  it('the CLI takes --llm and says what it scored and paid', async () => {
    await env.pool.query(`UPDATE pull_requests SET title = title || ' (for the CLI)', synced_at = now() WHERE number = (SELECT max(number) FROM pull_requests)`);
    const bad = await runCli(['etl', 'what-shipped', '--llm-max-prs', '3'], { home: env.t.home, timeoutMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--llm-model and --llm-max-prs go with --llm/);
    const ok = await runCli(['etl', 'what-shipped', '--repo-name', REPO, '--llm', '--llm-max-prs', '5'], { home: env.t.home, timeoutMs: 60_000 });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/LLM \(gpt-4o-mini\): 1 scored, 0 failed, 13 unchanged since their answer; \d+ input \+ \d+ output tokens, \$0\.\d{6}, 1 GitHub request/);
  });
});
