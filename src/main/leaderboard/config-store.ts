import type pg from 'pg';
import { EVENT_TYPES, type LeaderboardConfig, type LeaderboardSettings, type ScoringWeights } from '../../shared/contract/leaderboard.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

const SETTINGS_COLUMNS: Record<keyof LeaderboardSettings, string> = {
  lineAddedWeight: 'line_added_weight',
  lineDeletedWeight: 'line_deleted_weight',
  lineBonusCap: 'line_bonus_cap',
  countSelfReviews: 'count_self_reviews',
  botPatterns: 'bot_patterns',
  fullWindowDays: 'full_window_days',
  overlapDays: 'overlap_days',
};

export async function readConfig(db: Queryable): Promise<LeaderboardConfig> {
  const [w, s] = await Promise.all([db.query('SELECT event_type, base_points::float8 AS p, updated_at FROM scoring_weights'), db.query('SELECT * FROM leaderboard_settings')]);
  const row = s.rows[0];
  const weights = Object.fromEntries(EVENT_TYPES.map((t) => [t, w.rows.find((r) => r.event_type === t)?.p ?? 0])) as ScoringWeights;
  const updated = Math.max(new Date(row.updated_at).getTime(), ...w.rows.map((r) => new Date(r.updated_at).getTime()));
  return {
    weights,
    settings: {
      lineAddedWeight: Number(row.line_added_weight),
      lineDeletedWeight: Number(row.line_deleted_weight),
      lineBonusCap: Number(row.line_bonus_cap),
      countSelfReviews: row.count_self_reviews,
      botPatterns: row.bot_patterns,
      fullWindowDays: row.full_window_days,
      overlapDays: row.overlap_days,
    },
    updatedAt: new Date(updated).toISOString(),
  };
}

/** Writes only what differs (so an unchanged save leaves the config stamp, and incremental runs, alone). */
export async function writeConfig(db: Queryable, weights: ScoringWeights | undefined, settings: Partial<LeaderboardSettings> | undefined): Promise<void> {
  if (weights) {
    await db.query(
      `UPDATE scoring_weights w SET base_points = x.p::numeric(10, 2), updated_at = now()
       FROM json_each_text($1::json) AS x(t, p)
       WHERE w.event_type = x.t AND w.base_points IS DISTINCT FROM x.p::numeric(10, 2)`,
      [JSON.stringify(weights)],
    );
  }
  const entries = Object.entries(settings ?? {}).filter(([k, v]) => v !== undefined && k in SETTINGS_COLUMNS) as [keyof LeaderboardSettings, unknown][];
  if (entries.length) {
    const sets = entries.map(([k], i) => `${SETTINGS_COLUMNS[k]} = $${i + 1}`);
    const differs = entries.map(([k], i) => `${SETTINGS_COLUMNS[k]} IS DISTINCT FROM $${i + 1}`);
    await db.query(`UPDATE leaderboard_settings SET ${sets.join(', ')}, updated_at = now() WHERE ${differs.join(' OR ')}`, entries.map(([, v]) => v));
  }
}
