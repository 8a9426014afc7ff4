import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BACKFILL_STEPS } from '../../src/main/backfill/backfill-job.ts';
import { connectMilvus, MilvusVectorStore } from '../../src/main/vectors/index.ts';
import type { BackfillEstimate, Verification } from '../../src/shared/contract/backfill.ts';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { runCli } from '../helpers/cli.ts';
import { embedEnvPerTest } from '../helpers/embed-env-per-test.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { editItem, renameRepository } from '../emulators/github/dataset.ts';
import { smallDataset } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/temp.ts';

const REPO = 'octo/widgets';
const envs = embedEnvPerTest();

const states = (v: Verification) => Object.fromEntries(v.items.map((i) => [i.id, i.state]));

describe('guided backfill', () => {
  it('runs sync → aggregation → embeddings → verification, all green, with a report', async () => {
    const env = await envs.start();
    const checks = await env.t.ops.backfill.preflight({ repository: REPO });
    expect(checks.ok).toBe(true);
    expect(checks.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['github', 'repository', 'warehouse', 'openai', 'milvus', 'collection']));
    // Unless the operator allows a scratch collection, the estimate creates nothing in Milvus: typical
    // write speeds stand in, with a wider band.
    const created = vi.spyOn(MilvusVectorStore.prototype, 'ensureCollection');
    // The preflight read GitHub (its scan and sampled texts) a moment ago: the estimate reuses that
    // reading and sends GitHub nothing, and says so.
    const requestsBefore = env.emulator.stats.requests;
    const assumed = await env.t.ops.backfill.estimate({ repository: REPO, workspaces: ['Core team'] });
    expect(env.emulator.stats.requests).toBe(requestsBefore);
    expect(assumed.sample.method).toMatch(/; GitHub read \d+ s before this estimate \(by the preflight or an earlier estimate\) and reused$/);
    expect(created).not.toHaveBeenCalled();
    // A workspace that does not exist yet: looked for (read-only), then created and linked (two inserts).
    expect(assumed.steps.find((st) => st.step === 'aggregate')!.basis).toMatch(/the step's reads timed read-only \(\d+ ms: the workspace found by name\); 2 inserts and the totals at \d+\.\d ms each besides their work; Postgres measured after the GitHub scans:/);
    await expect(env.t.ops.workspaces.list()).resolves.toEqual([]);
    const assumedEmbed = assumed.steps.find((st) => st.step === 'embeddings')!;
    expect(assumedEmbed.basis).toMatch(/Milvus writes not timed \(allow a scratch collection to time them\): a typical 1,500 vectors\/s .* band ½× to 3×; warehouse marks timed read-only/);
    expect(assumed.steps.find((st) => st.step === 'verify')!.basis).toMatch(/50 ms each assumed \(not timed\)/);
    expect(assumedEmbed.seconds.high).toBeGreaterThan(assumedEmbed.seconds.value * 1.5);
    const estimate = await env.t.ops.backfill.estimate({ repository: REPO, timeWrites: true });
    expect(created.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/^repo_ops_estimate_probe_[0-9a-f]{8}$/)]);
    created.mockRestore();
    expect(estimate).toMatchObject({ github: { pullRequests: 120, issues: 60 }, sizeClass: 'Medium', milvus: { entities: 180 } });
    expect(estimate.embeddings.tokens).toBeGreaterThan(0);
    // Its times count the writes and the counts in Milvus, timed on a scratch collection that is gone again.
    const step = (name: string) => estimate.steps.find((st) => st.step === name)!;
    expect(step('embeddings').basis).toMatch(/writes timed on a scratch collection repo_ops_estimate_probe_[0-9a-f]{8} \(dropped\)/);
    // The counts are timed after one flush, at two whole batches (180 entities are fewer), as the run
    // counts: right after the flush and after the verification's warehouse reads. At 180 entities the flush and
    // count part is under the 0.05 s the basis lists, so the measured counts are what it shows (the
    // set-up, timed too, is listed when it reaches 0.05 s: on a busy machine it can).
    expect(step('embeddings').basis).toMatch(/counts after one flush of 2,250: \d+ ms right after it and \d+ ms after the verification's warehouse reads for 2,000 entities, \d+ ms for 250; time: (set-up \d+\.\d s, )?texts read and tokenized twice \d/);
    // The verification's warehouse work is timed after the probe's flush, where the run verifies; the
    // aggregation's before the embedding probes, as the run aggregates right after the sync (no
    // workspace to find: none asked for).
    expect(step('verify').basis).toMatch(/^6 warehouse queries \(Postgres measured right after the write probe's flush: .*2 strongly consistent Milvus counts over 180 entities/);
    expect(step('aggregate').basis).toMatch(/^workspace totals in SQL over [\d,]+ items, reviews and comments and [\d,]+ older versions of rows the run rewrites \(\d+ ms\); no workspace to add the repository to; Postgres measured after the GitHub scans:/);
    // The step runs its statement once: its band spans the probe's fastest to slowest run besides ±20 %.
    expect(step('aggregate').basis).toMatch(/; band ±20 % and the probe's fastest to slowest run \(×[01]\.\d\d–×\d+\.\d\d of its median\)$/);
    const aggSeconds = step('aggregate').seconds;
    expect(aggSeconds.low).toBeLessThanOrEqual(aggSeconds.value * 0.8 + 1e-9);
    expect(aggSeconds.high).toBeGreaterThanOrEqual(aggSeconds.value * 1.2 - 1e-9);
    const store = await connectMilvus({ url: env.milvus.url, token: env.milvus.token });
    expect((await store.listCollections()).filter((n) => n.startsWith('repo_ops_estimate_probe_'))).toEqual([]);
    await store.close();
    const run = await env.t.ops.backfill.start({ repository: REPO, workspaces: ['Core team'] });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    // The run's top-level steps (what `backfill --json` prints) are done, with their times.
    const top = done.steps.filter((st) => ['sync', 'embeddings', 'aggregate', 'verify'].includes(st.name));
    expect(top.map((st) => [st.name, st.status])).toEqual([['sync', 'done'], ['aggregate', 'done'], ['embeddings', 'done'], ['verify', 'done']]);
    expect(top.every((st) => st.startedAt !== null && st.finishedAt !== null)).toBe(true);
    // In that order: the totals are refreshed before the embedding step starts.
    for (let i = 1; i < top.length; i++) expect(Date.parse(top[i]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(top[i - 1]!.finishedAt!));
    const result = done.result as { verification: Verification; steps: { aggregate: { workspaces: { name: string; totalPullRequests: number }[] }; embeddings: { parts: Record<string, number> } } };
    // Where the embedding step's time went, for the next estimate and the operator.
    expect(Object.keys(result.steps.embeddings.parts)).toEqual(['setup', 'plan', 'text', 'milvus', 'warehouse', 'finish']);
    expect(result.steps.embeddings.parts.milvus).toBeGreaterThan(0);
    expect(states(result.verification)).toEqual({ 'pr-count': 'pass', 'issue-count': 'pass', 'nested-complete': 'pass', contributors: 'pass', 'embedding-coverage': 'pass', 'embedding-truncation': 'pass', 'milvus-count': 'pass', 'orphan-vectors': 'pass', 'workspace-metrics': 'pass', 'no-errors': 'pass' });
    expect(result.steps.aggregate.workspaces).toEqual([expect.objectContaining({ name: 'Core team', totalPullRequests: 120 })]);
    // The guide's workspace SQL reads the aggregated totals.
    const { rows: [repo] } = await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [REPO]);
    const { rows } = await env.pool.query(`SELECT
  w.name,
  w.total_repositories,
  w.total_contributors,
  w.total_pull_requests,
  w.total_issues
FROM workspaces w
JOIN workspace_repositories wr ON w.id = wr.workspace_id
WHERE wr.repository_id = 'repo-id';`.replaceAll("'repo-id'", `'${repo.id}'`));
    expect(rows).toEqual([expect.objectContaining({ name: 'Core team', total_repositories: 1, total_pull_requests: 120, total_issues: 60 })]);
    expect(rows[0].total_contributors).toBeGreaterThan(10);
    const md = await env.t.ops.backfill.report({ runId: run.id, format: 'markdown' });
    expect(md.content).toMatch(/# Backfill of octo\/widgets: verified complete/);
    expect(md.content).toContain('✅ **PR count matches GitHub** — warehouse 120, GitHub 120');
    const json = JSON.parse((await env.t.ops.backfill.report({ runId: run.id, format: 'json' })).content) as { result: { verification: Verification } };
    expect(json.result.verification.ok).toBe(true);

    // Retry from a chosen step: a new run with the same options starting at aggregation; the sync is
    // reused from this run, the embedding step finds nothing left to embed (no GitHub or OpenAI
    // request), the verification is fresh and green.
    const ghBefore = env.emulator.stats.requests;
    const aiBefore = env.openai.stats.requests;
    const retry = await env.t.core.jobs.wait((await env.t.ops.jobs.rerun({ runId: run.id, fromStep: 'aggregate' })).id);
    expect(retry).toMatchObject({ status: 'succeeded', params: done.params, rerunOf: { runId: run.id, fromStep: 'aggregate' } });
    expect(retry.steps.filter((st) => !st.name.includes(':')).map((st) => [st.name, st.status])).toEqual([['sync', 'reused'], ['aggregate', 'done'], ['embeddings', 'done'], ['verify', 'done']]);
    expect(env.emulator.stats.requests).toBe(ghBefore);
    expect(env.openai.stats.requests).toBe(aiBefore);
    const again = retry.result as typeof result & { steps: { sync: { items: number } } };
    expect(again.steps.sync.items).toBe((done.result as typeof again).steps.sync.items);
    expect(states(again.verification)).toEqual(states(result.verification));
    // The sync moved the warehouse's marks: the next estimate reads GitHub again, from them.
    const requestsAfterRun = env.emulator.stats.requests;
    const next = await env.t.ops.backfill.estimate({ repository: REPO });
    expect(env.emulator.stats.requests).toBeGreaterThan(requestsAfterRun);
    expect(next.sample.method).not.toMatch(/reused/);
    expect(Date.parse(next.sample.readAt)).toBeGreaterThan(Date.parse(estimate.sample.readAt));
    expect(next.changes).toMatchObject({ pullRequests: 0, issues: 0 });
  });

  it('goes red, not green, when GitHub’s pages leave out PRs its totalCount includes', async () => {
    const dataset = smallDataset();
    const omit = dataset.repositories[0]!.pullRequests.slice(5, 8).map((p) => p.number);
    const env = await envs.start({ dataset, sync: false });
    env.emulator.setOptions({ faults: [{ kind: 'omitFromPages', repo: REPO, pullRequestNumbers: omit }] });
    const run = await env.t.ops.backfill.start({ repository: REPO, mode: 'full' });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status).toBe('incomplete');
    const v = (done.result as { verification: Verification }).verification;
    expect(v.ok).toBe(false);
    expect(v.items.find((i) => i.id === 'pr-count')).toMatchObject({ state: 'fail', evidence: 'warehouse 117, GitHub 120' });
    expect(v.items.find((i) => i.id === 'no-errors')).toMatchObject({ state: 'fail' });
    // The CLI path: the same red checklist, and exit code 3 (ran, but incomplete) for cron.
    const cli = await runCli(['backfill', REPO, '--yes', '--full-refresh'], { home: env.t.home, timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(3);
    expect(cli.stdout).toMatch(/\[FAIL\] PR count matches GitHub — warehouse 117, GitHub 120/);
    expect(cli.stdout).not.toMatch(/Backfill complete and verified/);
  });

  it('follows a rename between two backfills, by the old name and by the new one, with Milvus keyed by the repository id', async () => {
    const env = await envs.start({ dataset: smallDataset(21, 24, 12, 0) });
    const first = await env.t.core.jobs.wait((await env.t.ops.backfill.start({ repository: REPO })).id);
    expect(first.error).toBeNull();
    expect(first.status).toBe('succeeded');
    renameRepository(env.dataset, REPO, 'octo/gadgets');
    const urls = async () => (await env.pool.query("SELECT html_url FROM pull_requests UNION ALL SELECT html_url FROM issues")).rows.map((r) => r.html_url as string);
    for (const name of [REPO, 'octo/gadgets']) {
      const run = await env.t.core.jobs.wait((await env.t.ops.backfill.start({ repository: name })).id);
      expect(run.error).toBeNull();
      expect(run.status).toBe('succeeded');
      const v = (run.result as { verification: Verification; repository: string });
      expect(v.repository).toBe('octo/gadgets');
      expect(v.verification.items.find((i) => i.id === 'milvus-count')).toMatchObject({ state: 'pass', evidence: 'Milvus 36 entities for octo/gadgets, warehouse 36 embedded items' });
      const renamed = (await env.t.ops.logs.query({ runId: run.id, limit: 500 })).entries.filter((e) => e.event === 'repository_renamed');
      // Logged once, by the run that first saw the new name.
      expect(renamed.map((e) => e.msg)).toEqual(name === REPO ? ['octo/widgets was renamed to octo/gadgets on GitHub; following the rename'] : []);
      expect(await env.t.ops.repos.list()).toEqual([expect.objectContaining({ fullName: 'octo/gadgets', previousNames: [REPO], htmlUrl: expect.stringMatching(/\/octo\/gadgets$/) })]);
      const all = await urls();
      expect(all).toHaveLength(36);
      expect(all.filter((u) => !u.includes('/octo/gadgets/'))).toEqual([]);
    }
    // Search by either name finds the same entities, shown under today's name and URLs.
    for (const name of [REPO, 'octo/gadgets']) {
      const { hits } = await env.t.ops.vectors.search({ query: 'fix', repository: name, limit: 50 });
      expect(hits).toHaveLength(36);
      expect(hits.every((h) => h.repository === 'octo/gadgets' && h.url.includes('/octo/gadgets/'))).toBe(true);
    }
  });

  it('counts, logs, shows and records texts cut to the model’s input limit', async () => {
    const dataset = smallDataset(22, 24, 12, 0);
    // ~25k tokens: GitHub's 65,536-character body limit, far over the 8,191-token input limit.
    editItem(dataset, REPO, dataset.repositories[0]!.pullRequests[3]!.number, { body: Array.from({ length: 9000 }, (_, i) => `w${i}`).join(' ') });
    const cutPr = dataset.repositories[0]!.pullRequests[3]!.number;
    const env = await envs.start({ dataset });
    expect(await env.t.ops.embed.plan({ repository: REPO })).toMatchObject({ due: 36, truncated: 1 });
    const run = await env.t.core.jobs.wait((await env.t.ops.backfill.start({ repository: REPO })).id);
    expect(run.status).toBe('succeeded');
    const result = run.result as { verification: Verification };
    const item = result.verification.items.find((i) => i.id === 'embedding-truncation')!;
    expect(item).toMatchObject({ state: 'warn', queryId: 'embedding-truncations', evidence: expect.stringMatching(/^1 item cut to the input limit: [\d,]+ of their [\d,]+ tokens \(\d+\.\d%\) not embedded$/) });
    expect(item.details).toEqual([expect.stringMatching(new RegExp(`^PR #${cutPr}: 8,000 of [\\d,]+ tokens embedded$`))]);
    expect(result.verification.ok).toBe(true);
    // One warning per item, with the item and both token counts.
    const logged = (await env.t.ops.logs.query({ runId: run.id, levels: ['warn'], limit: 100 })).entries.filter((e) => e.event === 'embedding_truncated');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.data).toMatchObject({ item: expect.stringMatching(/^pr:\d+$/), number: cutPr, keptTokens: 8000, originalTokens: expect.any(Number) });
    const original = (logged[0]!.data as { originalTokens: number }).originalTokens;
    expect(original).toBeGreaterThan(20_000);
    // Queryable: the catalogue query, and the table behind it.
    const { rows: [repo] } = await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [REPO]);
    const q = await env.t.ops.queries.run({ id: 'embedding-truncations', params: { repository: repo.id } });
    const names = q.columns.map((c) => c.name);
    expect(q.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])))).toEqual([expect.objectContaining({ item_type: 'pr', number: cutPr, original_tokens: original, kept_tokens: 8000 })]);
    // The run's figures: the job result of the embeddings step counts it.
    const steps = (run.result as { steps: { embeddings: { truncated: number } } }).steps;
    expect(steps.embeddings.truncated).toBe(1);
    // Shortened on GitHub and embedded whole again: off the list.
    editItem(env.dataset, REPO, cutPr, { body: 'short now' }, new Date().toISOString());
    const again = await env.t.core.jobs.wait((await env.t.ops.backfill.start({ repository: REPO })).id);
    expect((again.result as { verification: Verification }).verification.items.find((i) => i.id === 'embedding-truncation')).toMatchObject({ state: 'pass' });
    expect((await env.pool.query('SELECT count(*)::int AS n FROM embedding_truncations')).rows[0].n).toBe(0);
  });

  it('blocks on a bad OpenAI key in preflight, with a clear message (API and CLI)', async () => {
    const env = await envs.start();
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'openai_key', value: 'sk-bad-bad-bad-bad-bad-bad-bad-bad' });
    const p = await env.t.ops.backfill.preflight({ repository: REPO });
    expect(p.ok).toBe(false);
    expect(p.checks.find((c) => c.id === 'openai')).toMatchObject({ state: 'fail', message: expect.stringMatching(/invalid|401/i), fix: { route: '/runbooks/openai-errors' } });
    const cli = await runCli(['backfill', REPO, '--yes'], { home: env.t.home });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/\[FAIL\] OpenAI key valid/);
    expect(cli.stderr).toContain('Preflight failed');
  });

  it('the CLI: dry run prints the estimate and writes nothing; a run ends with the checklist and exit 0', async () => {
    const env = await envs.start();
    const dry = await runCli(['backfill', REPO, '--dry-run', '--json'], { home: env.t.home });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/pull requests \/ issues\s+120 \/ 60/);
    // Every step's figures with their band, on the terminal and in the JSON.
    expect(dry.stderr).toMatch(/time\s+[\d.]+ s \([\d.]+ s–[\d.]+ s\)/);
    expect(dry.stderr).toMatch(/ {2}sync\s+[\d.]+ s( \([\d.]+ s–[\d.]+ s\))?, \d+ \(\d+–\d+\) requests/);
    const { estimate } = JSON.parse(dry.stdout) as { estimate: BackfillEstimate };
    expect(estimate.steps.map((st) => st.step)).toEqual(['sync', 'aggregate', 'embeddings', 'verify']);
    for (const st of [...estimate.steps, estimate.total]) for (const r of [st.requests, st.tokens, st.usd, st.seconds]) expect(r.low <= r.value && r.value <= r.high).toBe(true);
    expect(estimate.total.seconds.high).toBeGreaterThan(estimate.total.seconds.low);
    // Synced already, nothing changed since: an incremental run fetches nothing new, and embeds the 180 items
    // the warehouse holds unembedded (their tokens counted exactly, no sample needed).
    expect(estimate.changes).toMatchObject({ pullRequests: 0, issues: 0 });
    expect(estimate.sample).toMatchObject({ items: 0, population: 0, scanComplete: true });
    expect(estimate.embeddings.items).toBe(180);
    expect(estimate.total.tokens.low).toBe(estimate.total.tokens.high);
    expect(dry.stderr).toMatch(/the guide's table \(Medium\)\s+20-35 min/);
    const real = await runCli(['backfill', REPO, '--yes', '--workspace', 'ops'], { home: env.t.home, timeoutMs: 120_000 });
    expect(real.stderr).not.toMatch(/Error:/);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/\[ok {2}\] Embeddings generated for every PR and issue — PRs 120\/120 \(100\.0%\), issues 60\/60 \(100\.0%\)/);
    expect(real.stdout).toMatch(/Backfill complete and verified/);

    // `backfill --json` prints the finished run: its top-level steps done, with their times.
    const json = await runCli(['backfill', REPO, '--yes', '--json'], { home: env.t.home, timeoutMs: 120_000 });
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.stdout) as JobRun;
    expect(printed.status).toBe('succeeded');
    const top = printed.steps.filter((st) => (BACKFILL_STEPS as readonly string[]).includes(st.name));
    expect(top.map((st) => [st.name, st.status])).toEqual(BACKFILL_STEPS.map((name) => [name, 'done']));
    expect(top.every((st) => st.startedAt !== null && st.finishedAt !== null && st.finishedAt >= st.startedAt)).toBe(true);

    // `embed owner/name` counts that repository's entities, not the whole collection's.
    const collection = (await env.t.core.embeddings.vectorStore()).collection(env.t.core.embeddings.config().collection);
    await collection.upsert([{ id: 'pr:987654321', repository: 'elsewhere/other', repositoryId: 987_654_321, itemType: 'pr', number: 1, title: 'another repository', url: '', createdAt: 0, updatedAt: 0, embedding: Array.from({ length: 256 }, (_, i) => ((i % 7) + 1) / 10) }]);
    await collection.flush();
    const embed = await runCli(['embed', REPO], { home: env.t.home, timeoutMs: 120_000 });
    expect(embed.code).toBe(0);
    expect(embed.stdout).toMatch(/^Milvus \S+\s+180 entities of octo\/widgets \(181 in the collection\)$/m);
  }, 240_000);

  it('survives a crash mid-embedding: the rerun resumes the same run to all green', async () => {
    const env = await envs.start({ dataset: smallDataset(13, 300, 100, 0), openai: { latencyMs: 400, rpm: 600 } });
    const child = spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), 'backfill', REPO, '--yes'], { env: { ...process.env, REPO_OPS_HOME: env.t.home }, stdio: 'ignore' });
    await waitFor('the embeddings step under way', async () => {
      const { rows: [r] } = await env.pool.query('SELECT (SELECT count(*) FROM pull_requests WHERE embedding_generated_at IS NOT NULL) + (SELECT count(*) FROM issues WHERE embedding_generated_at IS NOT NULL) AS n');
      return Number(r.n) > 0 || null;
    }, 90_000, 20);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const again = await runCli(['backfill', REPO, '--yes'], { home: env.t.home, timeoutMs: 180_000 });
    expect(again.stderr).toMatch(/Resuming interrupted run .* \(attempt 2\)/);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Backfill complete and verified/);
  }, 240_000);
});
