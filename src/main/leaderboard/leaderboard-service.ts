import type pg from 'pg';
import {
  EVENT_TYPES,
  type ContributorDetail,
  type LeaderboardConfig,
  type LeaderboardEntry,
  type LeaderboardSettings,
  type LeaderboardView,
  type RecalcRequest,
  type RecalcSummary,
  type ScoringWeights,
  type ScrapeWindow,
  type WeightsPreview,
} from '../../shared/contract/leaderboard.ts';
import { OpsError } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { JobQueue, JobRun } from '../jobs/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { readConfig, writeConfig } from './config-store.ts';

export const RECALC_JOB = 'leaderboard-recalc';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const countsOf = (r: Record<string, unknown>) => Object.fromEntries(EVENT_TYPES.map((t) => [t, Number(r[`${t}_count`] ?? 0)])) as LeaderboardEntry['counts'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pg row of either board
function entry(r: Record<string, any>, global: boolean): LeaderboardEntry {
  return {
    rank: global ? r.global_rank : r.rank,
    previousRank: r.previous_rank ?? null,
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name ?? null,
    avatarUrl: r.avatar_url ?? null,
    totalScore: Number(r.total_score),
    lineBonus: r.line_bonus === undefined ? null : Number(r.line_bonus),
    repositories: global ? r.repositories_contributed : null,
    counts: countsOf(r),
    linesAdded: Number(r.lines_added),
    linesDeleted: Number(r.lines_deleted),
    firstContributionAt: iso(r.first_contribution_at)!,
    lastContributionAt: iso(r.last_contribution_at)!,
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The leaderboards as the page and the CLI read them, the scoring config, and the recalculation job. */
export class LeaderboardService {
  private readonly d: { warehouse: WarehouseService; audit: AuditLog; jobs: JobQueue };
  constructor(d: LeaderboardService['d']) {
    this.d = d;
  }

  private pool(): Promise<pg.Pool> {
    return this.d.warehouse.pool();
  }

  /** The tracked repository's id, or a clear not-found. */
  async repositoryId(db: Pick<pg.ClientBase, 'query'>, fullName: string): Promise<string> {
    const { rows } = await db.query('SELECT id FROM repositories WHERE lower(full_name) = lower($1) OR lower($1) = ANY (SELECT lower(n) FROM unnest(previous_names) n) ORDER BY lower(full_name) = lower($1) DESC LIMIT 1', [fullName]);
    if (!rows[0]) throw new OpsError('not_found', `${fullName} is not a tracked repository: track and sync it first (repo-ops repos track ${fullName})`);
    return rows[0].id;
  }

  async show(o: { repository?: string; search?: string; top: number; offset: number }): Promise<LeaderboardView> {
    const pool = await this.pool();
    const search = o.search ? `%${o.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const last = (await pool.query('SELECT max(finished_at) AS at FROM leaderboard_recalcs')).rows[0].at as Date | null;
    if (o.repository) {
      const repoId = await this.repositoryId(pool, o.repository);
      const where = `r.repository_id = $1 AND ($2::text IS NULL OR c.username ILIKE $2 OR c.display_name ILIKE $2)`;
      const [rows, total] = await Promise.all([
        pool.query(`SELECT r.*, c.username, c.display_name, c.avatar_url FROM repository_leaderboards r JOIN contributors c ON c.id = r.user_id WHERE ${where} ORDER BY r.rank LIMIT $3 OFFSET $4`, [repoId, search, o.top, o.offset]),
        pool.query(`SELECT count(*)::int AS n FROM repository_leaderboards r JOIN contributors c ON c.id = r.user_id WHERE ${where}`, [repoId, search]),
      ]);
      const name = (await pool.query('SELECT full_name FROM repositories WHERE id = $1', [repoId])).rows[0].full_name;
      return { scope: 'repository', repository: name, total: total.rows[0].n, recalculatedAt: iso(last), rows: rows.rows.map((r) => entry(r, false)) };
    }
    const where = `($1::text IS NULL OR c.username ILIKE $1 OR c.display_name ILIKE $1)`;
    const [rows, total] = await Promise.all([
      pool.query(`SELECT g.*, c.username, c.display_name, c.avatar_url FROM global_leaderboard g JOIN contributors c ON c.id = g.user_id WHERE ${where} ORDER BY g.global_rank LIMIT $2 OFFSET $3`, [search, o.top, o.offset]),
      pool.query(`SELECT count(*)::int AS n FROM global_leaderboard g JOIN contributors c ON c.id = g.user_id WHERE ${where}`, [search]),
    ]);
    return { scope: 'global', repository: null, total: total.rows[0].n, recalculatedAt: iso(last), rows: rows.rows.map((r) => entry(r, true)) };
  }

  async contributor(o: { username: string; repository?: string }): Promise<ContributorDetail> {
    const pool = await this.pool();
    const user = (await pool.query('SELECT id, username, display_name, avatar_url FROM contributors WHERE lower(username) = lower($1) ORDER BY is_ghost, github_id LIMIT 1', [o.username])).rows[0];
    if (!user) throw new OpsError('not_found', `No contributor named ${o.username} in the warehouse`);
    const repoId = o.repository ? await this.repositoryId(pool, o.repository) : null;
    const [g, repos, history, events, config] = await Promise.all([
      pool.query('SELECT g.*, c.username, c.display_name, c.avatar_url FROM global_leaderboard g JOIN contributors c ON c.id = g.user_id WHERE g.user_id = $1', [user.id]),
      pool.query('SELECT r.*, c.username, c.display_name, c.avatar_url, p.full_name FROM repository_leaderboards r JOIN contributors c ON c.id = r.user_id JOIN repositories p ON p.id = r.repository_id WHERE r.user_id = $1 ORDER BY r.total_score DESC, lower(p.full_name)', [user.id]),
      pool.query(
        `SELECT h.rank, h.previous_rank, h.total_score, l.finished_at, p.full_name FROM rank_history h JOIN leaderboard_recalcs l ON l.id = h.recalc_id LEFT JOIN repositories p ON p.id = h.repository_id
         WHERE h.user_id = $1 AND ($2::uuid IS NULL AND h.repository_id IS NULL OR h.repository_id = $2) ORDER BY h.recalc_id DESC LIMIT 50`,
        [user.id, repoId],
      ),
      pool.query(
        `SELECT e.event_id, e.event_type, e.event_timestamp, e.lines_added, e.lines_deleted, e.event_data, p.full_name FROM contribution_events e JOIN repositories p ON p.id = e.repository_id
         WHERE e.user_id = $1 AND ($2::uuid IS NULL OR e.repository_id = $2) ORDER BY e.event_timestamp DESC, e.event_id LIMIT 50`,
        [user.id, repoId],
      ),
      readConfig(pool),
    ]);
    const repositories = repos.rows.map((r) => ({ ...entry(r, false), repository: r.full_name as string }));
    const scoped = repoId ? repos.rows.filter((r) => r.repository_id === repoId) : repos.rows;
    const breakdown = EVENT_TYPES.map((t) => {
      const count = scoped.reduce((s, r) => s + Number(r[`${t}_count`]), 0);
      return { eventType: t, count, weight: config.weights[t], points: Math.round(count * config.weights[t] * 100) / 100 };
    });
    return {
      username: user.username,
      displayName: user.display_name,
      avatarUrl: user.avatar_url,
      global: g.rows[0] ? entry(g.rows[0], true) : null,
      repositories,
      breakdown,
      lineBonus: Math.round(scoped.reduce((s, r) => s + Number(r.line_bonus) * 100, 0)) / 100,
      history: history.rows.map((h) => ({ at: iso(h.finished_at)!, repository: h.full_name ?? null, rank: h.rank, previousRank: h.previous_rank, totalScore: h.total_score === null ? null : Number(h.total_score) })),
      recentEvents: events.rows.map((e) => ({ eventId: e.event_id, eventType: e.event_type, repository: e.full_name, at: iso(e.event_timestamp)!, linesAdded: e.lines_added, linesDeleted: e.lines_deleted, data: e.event_data })),
    };
  }

  async config(): Promise<LeaderboardConfig> {
    return readConfig(await this.pool());
  }

  /**
   * Ranks under other weights, from the counts already on the boards (weights, line bonus and bot
   * patterns; counting self-reviews needs the events, so a change to it shows after recalculation).
   */
  async preview(o: { weights: ScoringWeights; settings?: Partial<LeaderboardSettings>; repository?: string; top: number }): Promise<WeightsPreview> {
    const pool = await this.pool();
    const current = await readConfig(pool);
    const s = { ...current.settings, ...o.settings };
    const repoId = o.repository ? await this.repositoryId(pool, o.repository) : null;
    const newBase = EVENT_TYPES.map((t, i) => `r.${t}_count * $${i + 1}::numeric`).join(' + ');
    const n = EVENT_TYPES.length;
    const params: unknown[] = [...EVENT_TYPES.map((t) => o.weights[t]), s.lineAddedWeight, s.lineDeletedWeight, s.lineBonusCap, s.botPatterns, repoId];
    const rescored = `SELECT r.repository_id, r.user_id, r.rank, r.total_score, r.first_contribution_at, c.username,
        (${newBase}) + round(LEAST(r.lines_added * $${n + 1}::numeric + r.lines_deleted * $${n + 2}::numeric, $${n + 3}::numeric), 2) AS new_score
      FROM repository_leaderboards r JOIN contributors c ON c.id = r.user_id
      WHERE NOT (c.username ILIKE ANY ($${n + 4}::text[])) AND ($${n + 5}::uuid IS NULL OR r.repository_id = $${n + 5})`;
    const sql = repoId
      ? `WITH x AS (${rescored}),
         k AS (SELECT x.*, row_number() OVER (ORDER BY new_score DESC, first_contribution_at, lower(username) COLLATE "C", user_id)::int AS new_rank FROM x)
         SELECT username, rank, new_rank, total_score::float8 AS total_score, new_score::float8 AS new_score FROM k`
      : `WITH x AS (${rescored}),
         u AS (SELECT user_id, min(username) AS username, min(first_contribution_at) AS first_contribution_at, sum(new_score) AS new_score FROM x GROUP BY user_id),
         k AS (SELECT u.*, row_number() OVER (ORDER BY new_score DESC, first_contribution_at, lower(username) COLLATE "C", user_id)::int AS new_rank FROM u)
         SELECT k.username, g.global_rank AS rank, k.new_rank, g.total_score::float8 AS total_score, k.new_score::float8 AS new_score FROM k JOIN global_leaderboard g ON g.user_id = k.user_id`;
    const { rows } = await pool.query(`SELECT * FROM (${sql}) z`, params);
    const moved = rows.filter((r) => r.rank !== r.new_rank);
    moved.sort((a, b) => Math.min(a.rank, a.new_rank) - Math.min(b.rank, b.new_rank) || a.new_rank - b.new_rank);
    return {
      scope: repoId ? 'repository' : 'global',
      moved: moved.length,
      contributors: rows.length,
      changes: moved.slice(0, o.top).map((r) => ({ username: r.username, rank: r.rank, newRank: r.new_rank, totalScore: r.total_score, newScore: Number(r.new_score) })),
    };
  }

  /** Saves weights and settings (audited, before and after) and starts a full recalculation. */
  async saveConfig(o: { weights?: ScoringWeights; settings?: Partial<LeaderboardSettings>; recalc: boolean }): Promise<{ config: LeaderboardConfig; run: JobRun | null }> {
    const pool = await this.pool();
    const before = await readConfig(pool);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await writeConfig(client, o.weights, o.settings);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
    const after = await readConfig(pool);
    const changed = after.updatedAt !== before.updatedAt;
    if (changed) await this.d.audit.record({ action: 'leaderboard.config', subject: 'leaderboard:scoring', details: { before: { weights: before.weights, settings: before.settings }, after: { weights: after.weights, settings: after.settings } } });
    const run = changed && o.recalc ? await this.d.jobs.enqueue(RECALC_JOB, { full: true, scrape: false } satisfies RecalcRequest, { dedupe: true }) : null;
    return { config: after, run };
  }

  async recalc(req: RecalcRequest): Promise<JobRun> {
    if (req.repository) await this.repositoryId(await this.pool(), req.repository);
    return this.d.jobs.enqueue(RECALC_JOB, req, { dedupe: true });
  }

  async windows(o: { repository?: string; limit: number }): Promise<ScrapeWindow[]> {
    const pool = await this.pool();
    const repoId = o.repository ? await this.repositoryId(pool, o.repository) : null;
    const { rows } = await pool.query(
      'SELECT w.*, r.full_name FROM scrape_windows w JOIN repositories r ON r.id = w.repository_id WHERE ($1::uuid IS NULL OR w.repository_id = $1) ORDER BY w.id DESC LIMIT $2',
      [repoId, o.limit],
    );
    return rows.map((w) => ({
      id: Number(w.id),
      repository: w.full_name,
      jobRunId: w.job_run_id,
      kind: w.kind,
      dataStartDate: iso(w.data_start_date)!,
      dataEndDate: iso(w.data_end_date)!,
      eventsFetched: w.events_fetched,
      eventsNew: w.events_new,
      eventsChanged: w.events_changed,
      eventsRemoved: w.events_removed,
      contributorsFound: w.contributors_found,
      bytesProcessed: Number(w.bytes_processed),
      startedAt: iso(w.started_at)!,
      finishedAt: iso(w.finished_at),
    }));
  }

  async recalcs(limit: number): Promise<RecalcSummary[]> {
    const { rows } = await (await this.pool()).query('SELECT * FROM leaderboard_recalcs ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({ id: Number(r.id), jobRunId: r.job_run_id, kind: r.kind, startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at), pairsRecomputed: r.pairs_recomputed, repositoriesReranked: r.repositories_reranked, rankChanges: r.rank_changes }));
  }

  async exportCsv(o: { repository?: string; search?: string }): Promise<{ filename: string; csv: string; rows: number }> {
    const view = await this.show({ ...o, top: 100_000, offset: 0 });
    const header = ['rank', 'previous_rank', 'username', 'display_name', 'total_score', ...(view.scope === 'global' ? ['repositories'] : ['line_bonus']), ...EVENT_TYPES.map((t) => `${t}_count`), 'lines_added', 'lines_deleted', 'first_contribution_at', 'last_contribution_at'];
    const lines = view.rows.map((r) =>
      [r.rank, r.previousRank, r.username, r.displayName, r.totalScore.toFixed(2), view.scope === 'global' ? r.repositories : r.lineBonus?.toFixed(2), ...EVENT_TYPES.map((t) => r.counts[t]), r.linesAdded, r.linesDeleted, r.firstContributionAt, r.lastContributionAt].map(csvCell).join(','),
    );
    const stamp = new Date().toISOString().slice(0, 10);
    const slug = view.repository ? view.repository.replace(/[^A-Za-z0-9._-]+/g, '-') : 'global';
    return { filename: `leaderboard-${slug}-${stamp}.csv`, csv: [header.join(','), ...lines].join('\n') + '\n', rows: view.rows.length };
  }
}
