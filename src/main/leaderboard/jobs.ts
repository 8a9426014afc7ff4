import { z } from 'zod';
import { RecalcRequest } from '../../shared/contract/leaderboard.ts';
import type { BudgetService } from '../costs/budget-service.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { RECALC_JOB, type LeaderboardService } from './leaderboard-service.ts';
import { recalculate, type RecalcResult } from './recalc.ts';
import { scrapeRepository, type ScrapeResult } from './scrape.ts';

export const REFRESH_STALE_JOB = 'leaderboard-refresh-stale';
export const CLEANUP_JOB = 'leaderboard-cleanup';

interface Deps {
  warehouse: WarehouseService;
  leaderboard: LeaderboardService;
  budgets: BudgetService;
  sync: SyncService;
  jobs: JobService;
  settings: SettingsService;
}

type Ctx = Parameters<JobDefinition['run']>[0];

/** Scrapes each repository's window (one checkpoint per repository), then recalculates. */
async function scrapeAndRecalc(d: Deps, ctx: Ctx, o: { repositories: { id: string; fullName: string }[]; full: boolean; scrape: boolean }): Promise<{ windows: ScrapeResult[]; recalc: RecalcResult }> {
  const pool = await d.warehouse.pool();
  const windows = o.scrape
    ? await ctx.step('scrape', async (cp) => {
        const done = new Map(((cp.value as ScrapeResult[] | undefined) ?? []).map((w) => [w.repository, w]));
        for (const [i, r] of o.repositories.entries()) {
          ctx.throwIfCancelled();
          if (done.has(r.fullName)) continue;
          ctx.progress({ done: i, total: o.repositories.length, unit: 'repositories', message: `Scraping ${r.fullName}` });
          const w = await scrapeRepository(pool, { repositoryId: r.id, repository: r.fullName, full: o.full, runId: ctx.runId });
          ctx.log.info('scrape_completed', `${r.fullName}: ${w.kind} window ${w.since.slice(0, 10)} – ${w.until.slice(0, 10)}, ${w.eventsFetched} events (${w.eventsNew} new, ${w.eventsChanged} changed, ${w.eventsRemoved} removed), ${w.contributorsFound} contributors`, { ...w });
          done.set(r.fullName, w);
          cp.save([...done.values()]);
        }
        ctx.progress({ done: o.repositories.length, total: o.repositories.length, unit: 'repositories', message: null });
        return [...done.values()];
      })
    : [];
  const recalc = await ctx.step('recalculate', async () => {
    ctx.progress({ message: `Recalculating (${o.full ? 'full' : 'incremental'})` });
    const r = await recalculate(pool, { full: o.full, runId: ctx.runId, signal: ctx.signal });
    ctx.log.info('leaderboard_recalc_completed', `Leaderboards recalculated (${r.kind}${r.upgradedBecause ? `: ${r.upgradedBecause}` : ''}): ${r.pairsRecomputed} contributor-repository pairs, ${r.repositoriesReranked} repositories re-ranked, ${r.rankChanges} ranks moved`, { ...r });
    return r;
  });
  return { windows, recalc };
}

async function trackedRepositories(d: Deps, repository?: string): Promise<{ id: string; fullName: string }[]> {
  const pool = await d.warehouse.pool();
  if (repository) {
    const id = await d.leaderboard.repositoryId(pool, repository);
    const { rows } = await pool.query('SELECT id, full_name FROM repositories WHERE id = $1', [id]);
    return rows.map((r) => ({ id: r.id, fullName: r.full_name }));
  }
  const { rows } = await pool.query('SELECT id, full_name FROM repositories ORDER BY lower(full_name)');
  return rows.map((r) => ({ id: r.id, fullName: r.full_name }));
}

export function recalcJob(d: Deps): JobDefinition<typeof RecalcRequest> {
  return {
    kind: RECALC_JOB,
    title: 'Recalculate leaderboards',
    params: RecalcRequest,
    describe: (p) => `${p.full ? 'Full' : 'Incremental'} leaderboard recalculation${p.repository ? ` (${p.repository})` : ''}`,
    steps: (p) => (p.scrape ? ['scrape', 'recalculate'] : ['recalculate']),
    concurrencyKey: () => 'leaderboard',
    autoResume: true,
    async run(ctx) {
      const repositories = await trackedRepositories(d, ctx.params.repository);
      return { result: await scrapeAndRecalc(d, ctx, { repositories, full: ctx.params.full, scrape: ctx.params.scrape }) };
    },
  };
}

const RefreshStale = z.object({ staleAfterHours: z.number().min(0).max(24 * 365).default(6) }).default({ staleAfterHours: 6 });
/** A repository synced before, to estimate its next incremental sync; never synced: this many points. */
const FIRST_SYNC_POINTS = 50;

/**
 * The runbook's "refresh stale repositories every 6 hours": syncs the repositories not synced
 * for staleAfterHours — refused before anything is spent when GitHub points budgets cannot
 * cover the estimate (upstream's check never blocked) — then scrapes and recalculates them.
 */
export function refreshStaleJob(d: Deps): JobDefinition<typeof RefreshStale> {
  return {
    kind: REFRESH_STALE_JOB,
    title: 'Refresh stale repositories',
    params: RefreshStale,
    describe: (p) => `Sync repositories not synced for ${p.staleAfterHours} h, then update their leaderboards`,
    steps: () => ['budget', 'sync', 'scrape', 'recalculate'],
    concurrencyKey: () => 'leaderboard',
    async run(ctx) {
      const pool = await d.warehouse.pool();
      const { rows } = await pool.query(
        `SELECT r.id, r.full_name, (SELECT s.graphql_points FROM sync_runs s WHERE s.repository_id = r.id AND s.status = 'succeeded' ORDER BY s.started_at DESC LIMIT 1) AS last_points
         FROM repositories r WHERE r.last_synced_at IS NULL OR r.last_synced_at < now() - make_interval(secs => $1) ORDER BY lower(r.full_name)`,
        [ctx.params.staleAfterHours * 3600],
      );
      const stale = rows.map((r) => ({ id: r.id as string, fullName: r.full_name as string, points: r.last_points === null ? FIRST_SYNC_POINTS : Math.max(1, Number(r.last_points)) }));
      if (!stale.length) return { result: { stale: 0, synced: [], message: 'No stale repositories' } };
      await ctx.step('budget', async () => {
        const estimate = { points: stale.reduce((s, r) => s + r.points, 0), parts: stale.map((r) => ({ repository: r.fullName, points: r.points })) };
        const violations = await d.budgets.preflight({ category: 'github', runId: ctx.runId, jobKind: REFRESH_STALE_JOB, repository: null, estimate });
        ctx.log.info('budget_check', `Budget check passed for ${stale.length} stale repositories (about ${estimate.points} GitHub points)`, { points: estimate.points, violations: violations.length });
        return estimate;
      });
      const synced = await ctx.step('sync', async () => {
        const out: { repository: string; runId: string; status: string }[] = [];
        // With one job slot this run holds it: the syncs run after it, and the next recalculation picks them up.
        const canWait = d.settings.get().jobConcurrency > 1;
        for (const [i, r] of stale.entries()) {
          ctx.throwIfCancelled();
          ctx.progress({ done: i, total: stale.length, unit: 'repositories', message: `Syncing ${r.fullName}` });
          const run = await d.sync.start({ repository: r.fullName, mode: 'incremental' });
          const end = canWait ? await d.jobs.wait(run.id) : run;
          out.push({ repository: r.fullName, runId: run.id, status: end.status });
        }
        return out;
      });
      const ok = new Set(synced.filter((s) => s.status === 'succeeded' || s.status === 'incomplete').map((s) => s.repository));
      const { windows, recalc } = await scrapeAndRecalc(d, ctx, { repositories: stale.filter((r) => ok.has(r.fullName)), full: false, scrape: true });
      return { result: { stale: stale.length, synced, windows: windows.length, recalc } };
    },
  };
}

const Cleanup = z
  .object({
    /** Events older than this leave the boards (default: the full window). */
    eventRetentionDays: z.number().int().min(1).max(36_500).optional(),
    historyRetentionDays: z.number().int().min(1).max(36_500).default(90),
    windowRetentionDays: z.number().int().min(1).max(36_500).default(365),
  })
  .default({ historyRetentionDays: 90, windowRetentionDays: 365 });

/** The runbook's monthly cleanup and weekly VACUUM ANALYZE, for the leaderboard's own tables. */
export function cleanupJob(d: Deps): JobDefinition<typeof Cleanup> {
  return {
    kind: CLEANUP_JOB,
    title: 'Leaderboard cleanup',
    params: Cleanup,
    describe: (p) => `Leaderboard retention: events ${p.eventRetentionDays ?? 'past the full window'}${p.eventRetentionDays ? ' days' : ''}, rank history ${p.historyRetentionDays} days, scrape windows ${p.windowRetentionDays} days`,
    steps: () => ['delete', 'recalculate', 'analyze'],
    concurrencyKey: () => 'leaderboard',
    async run(ctx) {
      const pool = await d.warehouse.pool();
      const deleted = await ctx.step('delete', async () => {
        const days = ctx.params.eventRetentionDays ?? (await pool.query('SELECT full_window_days FROM leaderboard_settings')).rows[0].full_window_days;
        const ev = await pool.query("DELETE FROM contribution_events WHERE event_timestamp < now() - make_interval(days => $1)", [days]);
        const recalcs = await pool.query(
          "DELETE FROM leaderboard_recalcs WHERE finished_at < now() - make_interval(days => $1) AND id < (SELECT max(id) FROM leaderboard_recalcs WHERE finished_at IS NOT NULL)",
          [ctx.params.historyRetentionDays],
        );
        // Snapshots carry no foreign keys (written by the thousand): those of deleted recalculations, repositories or contributors go here.
        await pool.query(
          `DELETE FROM rank_history h WHERE NOT EXISTS (SELECT 1 FROM leaderboard_recalcs l WHERE l.id = h.recalc_id)
             OR (h.repository_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM repositories p WHERE p.id = h.repository_id))
             OR NOT EXISTS (SELECT 1 FROM contributors c WHERE c.id = h.user_id)`,
        );
        const win = await pool.query(
          `DELETE FROM scrape_windows w WHERE w.finished_at < now() - make_interval(days => $1)
             AND w.id <> (SELECT max(id) FROM scrape_windows x WHERE x.repository_id = w.repository_id AND x.finished_at IS NOT NULL)`,
          [ctx.params.windowRetentionDays],
        );
        return { events: ev.rowCount ?? 0, recalcs: recalcs.rowCount ?? 0, windows: win.rowCount ?? 0 };
      });
      const recalc = await ctx.step('recalculate', () => recalculate(pool, { full: false, runId: ctx.runId, signal: ctx.signal }));
      await ctx.step('analyze', async () => {
        for (const t of ['contribution_events', 'repository_scores', 'global_scores', 'scrape_windows', 'rank_history']) await pool.query(`ANALYZE ${t}`);
      });
      ctx.log.info('leaderboard_cleanup', `Leaderboard cleanup: ${deleted.events} old events, ${deleted.recalcs} old recalculations (with their rank history), ${deleted.windows} old scrape windows removed`, deleted);
      return { result: { deleted, recalc } };
    },
  };
}
