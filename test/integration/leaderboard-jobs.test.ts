// The leaderboard through the core: the recalculation job on a synced repository, the CLI, the
// weights preview and audited save, and the stale refresh that a GitHub points budget refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

const REPO = 'octo/widgets';
let env: SyncEnv;

beforeAll(async () => {
  env = await startSyncEnv();
  const run = await env.t.ops.repos.sync({ repository: REPO, mode: 'full' });
  expect((await env.t.core.jobs.wait(run.id)).status).toBe('succeeded');
}, 120_000);
afterAll(() => env?.close());

describe('leaderboard jobs', () => {
  it('recalculates a synced repository as a job and shows both boards', async () => {
    const run = await env.t.ops.leaderboard.recalc({ repository: REPO });
    const done = await env.t.core.jobs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([['scrape', 'done'], ['recalculate', 'done']]);
    const board = await env.t.ops.leaderboard.show({ repository: REPO, top: 1000 });
    expect(board.rows.length).toBeGreaterThan(3);
    expect(board.rows.map((r) => r.rank)).toEqual(board.rows.map((_, i) => i + 1));
    // Every scored event is on the board: counts add up to the events of non-bot, non-ghost contributors.
    const scored = (
      await env.pool.query(
        `SELECT count(*)::int AS n FROM contribution_events e JOIN contributors c ON c.id = e.user_id
         WHERE NOT c.is_bot AND NOT c.is_ghost AND NOT (e.event_type = 'pr_reviewed' AND (e.event_data->>'self')::boolean)`,
      )
    ).rows[0].n;
    expect(board.rows.reduce((s, r) => s + Object.values(r.counts).reduce((a, b) => a + b, 0), 0)).toBe(scored);
    const global = await env.t.ops.leaderboard.show({});
    expect(global.scope).toBe('global');
    expect(global.rows[0]!.totalScore).toBe(board.rows[0]!.totalScore);
    const top = board.rows[0]!;
    const detail = await env.t.ops.leaderboard.contributor({ username: top.username, repository: REPO });
    expect(detail.breakdown.reduce((s, b) => s + b.points, 0) + detail.lineBonus).toBeCloseTo(top.totalScore, 2);
    const windows = await env.t.ops.leaderboard.windows({ repository: REPO });
    expect(windows[0]).toMatchObject({ kind: 'full', repository: REPO });
    expect(windows[0]!.eventsFetched).toBeGreaterThan(0);
    const csv = await env.t.ops.leaderboard.export({ repository: REPO });
    expect(csv.csv.split('\n')[1]).toContain(top.username);
    // The runbook's cron lines are offered as schedules whose parameters the jobs accept.
    const presets = (await env.t.ops.schedules.presets()).filter((p) => p.id.startsWith('leaderboard-') && p.kind.startsWith('leaderboard-'));
    expect(presets.map((p) => p.cron).sort()).toEqual(['0 */6 * * *', '0 3 * * 0', '0 4 1 * *', '30 */4 * * *']);
    for (const p of presets) expect(() => env.t.core.jobs.validate(p.kind, p.params), p.id).not.toThrow();
    await expect(env.t.ops.leaderboard.show({ repository: 'nobody/nothing' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(env.t.ops.leaderboard.show({ repository: 'not a repo' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('repository') });
  });

  it('previews a weight change, saves it with an audit entry and recalculates in full', async () => {
    const before = await env.t.ops.leaderboard.config();
    const weights = { ...before.weights, comment: 40, pr_reviewed: 0 };
    const preview = await env.t.ops.leaderboard.preview({ weights, repository: REPO });
    expect(preview.moved).toBeGreaterThan(0);
    const saved = await env.t.ops.leaderboard.saveConfig({ weights });
    expect(saved.config.weights.comment).toBe(40);
    const done = await env.t.core.jobs.wait(saved.run!.id);
    expect(done.status).toBe('succeeded');
    expect((done.result as { recalc: { kind: string } }).recalc.kind).toBe('full');
    const after = await env.t.ops.leaderboard.show({ repository: REPO, top: 1000 });
    // The preview said exactly where each moved contributor would land.
    for (const c of preview.changes) expect(after.rows.find((r) => r.username === c.username)!.rank).toBe(c.newRank);
    const audit = (await env.t.ops.audit.list({ action: 'leaderboard.config' }))[0]!;
    expect(audit.details).toMatchObject({ before: { weights: { comment: 3 } }, after: { weights: { comment: 40 } } });
    await expect(env.t.ops.leaderboard.saveConfig({ weights: { ...weights, commit: -1 } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('weights.commit') });
    // Saving the same config again changes nothing and starts nothing.
    expect((await env.t.ops.leaderboard.saveConfig({ weights })).run).toBeNull();
  });

  it('the CLI recalculates, shows and refuses bad input', async () => {
    const home = env.t.home;
    const recalc = await runCli(['leaderboard', 'recalc', REPO], { home, timeoutMs: 60_000 });
    expect(recalc.code, recalc.stderr).toBe(0);
    expect(recalc.stdout).toMatch(new RegExp(`${REPO}: incremental window`));
    const show = await runCli(['leaderboard', 'show', REPO, '--top', '3', '--json'], { home });
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).rows).toHaveLength(3);
    expect((await runCli(['leaderboard', 'show'], { home })).code).toBe(2);
    expect((await runCli(['leaderboard', 'weights', '--set', 'commits=5'], { home })).stderr).toMatch(/--set takes TYPE=POINTS/);
    const badTop = await runCli(['leaderboard', 'show', REPO, '--top', 'ten'], { home });
    expect(badTop.code).toBe(2);
    expect(badTop.stderr).toMatch(/--top must be a whole number ≥ 1, got "ten"/);
    expect((await runCli(['leaderboard', 'recalc', REPO, '--global'], { home })).stderr).toMatch(/not both/);
    const global = await runCli(['leaderboard', 'show', '--global', '--top', '2', '--json'], { home });
    expect(global.code, global.stderr).toBe(0);
    expect(JSON.parse(global.stdout)).toMatchObject({ scope: 'global', rows: [{ rank: 1 }, { rank: 2 }] });
    const missing = await runCli(['leaderboard', 'show', 'nobody/nothing'], { home });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not a tracked repository/);
  });

  it('cleanup drops old recalculations with their rank snapshots, and snapshots of deleted repositories', async () => {
    const pool = await env.t.core.warehouse.pool();
    const recalcs = (await pool.query('SELECT id FROM leaderboard_recalcs WHERE finished_at IS NOT NULL ORDER BY id')).rows.map((r) => Number(r.id));
    expect(recalcs.length).toBeGreaterThan(1);
    const old = recalcs[0]!;
    await pool.query("UPDATE leaderboard_recalcs SET finished_at = now() - interval '200 days' WHERE id = $1", [old]);
    const user = (await pool.query('SELECT user_id FROM global_scores LIMIT 1')).rows[0].user_id as string;
    await pool.query('INSERT INTO rank_history (recalc_id, repository_id, user_id, rank) VALUES ($1, $2, $3, 1), ($4, gen_random_uuid(), $3, 1)', [old, null, user, recalcs.at(-1)]);
    const done = await env.t.core.jobs.wait((await env.t.core.jobs.enqueue('leaderboard-cleanup', { historyRetentionDays: 90 })).id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect((await pool.query('SELECT count(*)::int AS n FROM rank_history WHERE recalc_id = $1', [old])).rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM rank_history h WHERE h.repository_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM repositories p WHERE p.id = h.repository_id)')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM rank_history')).rows[0].n).toBeGreaterThan(0);
  });

  it('refreshing stale repositories is refused before any spending when a GitHub points budget cannot cover it', async () => {
    const syncRuns = () => env.t.core.jobs.list({ kind: 'github-sync', limit: 100 }).length;
    const runsBefore = syncRuns();
    const budget = await env.t.ops.budgets.save({ name: 'GitHub points per day', metric: 'github_points', period: 'day', cap: 1, category: 'github' });
    const refused = await env.t.core.jobs.wait((await env.t.core.jobs.enqueue('leaderboard-refresh-stale', { staleAfterHours: 0 })).id);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/^Refused: Budget "GitHub points per day"/);
    expect(syncRuns()).toBe(runsBefore);

    await env.t.ops.budgets.save({ ...budget, cap: 1_000_000 });
    const done = await env.t.core.jobs.wait((await env.t.core.jobs.enqueue('leaderboard-refresh-stale', { staleAfterHours: 0 })).id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(syncRuns()).toBe(runsBefore + 1);
    expect((await env.t.ops.leaderboard.windows({ repository: REPO }))[0]!.kind).toBe('incremental');
  });
});
