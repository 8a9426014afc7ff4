import type pg from 'pg';
import { deriveWindow, type DeriveResult } from './derive.ts';

const DAY = 86_400_000;

export interface ScrapeResult extends DeriveResult {
  repository: string;
  kind: 'full' | 'incremental';
  since: string;
  until: string;
}

/**
 * The window a scrape covers: full = the last fullWindowDays; incremental = from the previous
 * window's end minus overlapDays (late events inside the overlap are picked up; being unique
 * they never count twice) to now. A repository never scraped gets a full window.
 */
export async function nextWindow(db: Pick<pg.ClientBase, 'query'>, repositoryId: string, full: boolean, now: Date): Promise<{ kind: 'full' | 'incremental'; since: Date; until: Date }> {
  const s = (await db.query('SELECT full_window_days, overlap_days FROM leaderboard_settings')).rows[0];
  const fullSince = new Date(now.getTime() - s.full_window_days * DAY);
  if (!full) {
    const last = (await db.query('SELECT data_end_date FROM scrape_windows WHERE repository_id = $1 AND finished_at IS NOT NULL ORDER BY data_end_date DESC LIMIT 1', [repositoryId])).rows[0];
    if (last) {
      const since = new Date(Math.max(new Date(last.data_end_date).getTime() - s.overlap_days * DAY, fullSince.getTime()));
      return { kind: 'incremental', since, until: now };
    }
  }
  return { kind: 'full', since: fullSince, until: now };
}

/** Derives one repository's window and records it in scrape_windows, in one transaction. */
export async function scrapeRepository(pool: pg.Pool, o: { repositoryId: string; repository: string; full: boolean; runId?: string | null; now?: Date; window?: { since: Date; until: Date } }): Promise<ScrapeResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL statement_timeout = '30min'");
    // One scrape per repository at a time (two would race on the same window's deletes).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`leaderboard-scrape:${o.repositoryId}`]);
    const now = o.now ?? new Date();
    const w = o.window ? { kind: o.full ? ('full' as const) : ('incremental' as const), ...o.window } : await nextWindow(client, o.repositoryId, o.full, now);
    const started = new Date();
    const r = await deriveWindow(client, o.repositoryId, w.since, w.until);
    await client.query(
      `INSERT INTO scrape_windows (repository_id, job_run_id, kind, data_start_date, data_end_date, events_fetched, events_new, events_changed, events_removed, contributors_found, bytes_processed, started_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, clock_timestamp())`,
      [o.repositoryId, o.runId ?? null, w.kind, w.since, w.until, r.eventsFetched, r.eventsNew, r.eventsChanged, r.eventsRemoved, r.contributorsFound, r.bytesProcessed, started],
    );
    await client.query('COMMIT');
    return { ...r, repository: o.repository, kind: w.kind, since: w.since.toISOString(), until: w.until.toISOString() };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
