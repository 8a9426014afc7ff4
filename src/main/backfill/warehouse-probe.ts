import type pg from 'pg';

/** The warehouse's speed right now: a round trip, and a distinct count's time per row. */
export interface WarehouseProbe {
  roundTripMs: number;
  /** Per row of a UNION and DISTINCT count of people's uuids over generated rows: the work of the workspace totals and the verification's people count. */
  distinctMsPerRow: number;
  rows: number;
}

// Enough rows for a stable per-row time, few enough to stay well under a second.
const MAX_PROBE_ROWS = 100_000;
const MIN_PROBE_ROWS = 10_000;

const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

/**
 * Read-only: SELECT 1 (best of three) and the people count's work over `rows` generated rows
 * (capped), on generate_series so nothing in the warehouse is read or written.
 */
export async function probeWarehouse(pool: pg.Pool, rows: number): Promise<WarehouseProbe> {
  const n = Math.round(Math.min(MAX_PROBE_ROWS, Math.max(MIN_PROBE_ROWS, rows)));
  const client = await pool.connect();
  try {
    let roundTripMs = Infinity;
    for (let i = 0; i < 3; i++) roundTripMs = Math.min(roundTripMs, await timed(() => client.query('SELECT 1')));
    // The shape of the people count: uuids of authors, reviewers and commenters (one person per
    // ~20 rows) made distinct by a UNION, then counted DISTINCT.
    const ms = await timed(() =>
      client.query(
        `SELECT count(DISTINCT x.person) FROM (
           SELECT g % 4 AS part, md5(((g * 7919) % GREATEST(1, $1::int / 20))::text)::uuid AS person FROM generate_series(1, $1::int) AS g
           UNION SELECT 0, md5('0')::uuid) x`,
        [n],
      ));
    return { roundTripMs, distinctMsPerRow: Math.max(0, ms - roundTripMs) / n, rows: n };
  } finally {
    client.release();
  }
}
