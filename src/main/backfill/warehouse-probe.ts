import type pg from 'pg';

/** The warehouse's speed right now: a round trip, and a distinct count's time per row. */
export interface WarehouseProbe {
  roundTripMs: number;
  /** Per row of a hashed DISTINCT and count of people's uuids over catalogue rows: the work of the workspace totals and the verification's people count. */
  distinctMsPerRow: number;
  rows: number;
  /** The fastest and the slowest of the timed runs against their median: how far one run may go. */
  spread: { low: number; high: number };
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
 * Read-only: SELECT 1 (best of three) and the people count's work over `rows` rows (capped) of
 * the system catalogue: nothing of the warehouse's own is read, nothing is written.
 */
export async function probeWarehouse(pool: pg.Pool, rows: number): Promise<WarehouseProbe> {
  const n = Math.round(Math.min(MAX_PROBE_ROWS, Math.max(MIN_PROBE_ROWS, rows)));
  const client = await pool.connect();
  try {
    let roundTripMs = Infinity;
    for (let i = 0; i < 3; i++) roundTripMs = Math.min(roundTripMs, await timed(() => client.query('SELECT 1')));
    // The shape of the people count: table rows read (the catalogue's columns, read over as often
    // as it takes), each naming one of the people's uuids (one person per ~20 rows), made distinct
    // per repository by hashing, then counted distinct.
    // One such query moves by a third from one call to the next on a busy machine: the median of five.
    const once = () => timed(() =>
      client.query(
        `WITH people AS MATERIALIZED (SELECT array_agg(md5(i::text)::uuid) AS a FROM generate_series(1, GREATEST(1, $1::int / 20)) AS i)
         SELECT count(DISTINCT d.person) FROM (
           SELECT DISTINCT 1 AS repo, x.person FROM (
             SELECT p.a[1 + (c.attrelid::int8 * 7919 + c.attnum * 31 + g) % cardinality(p.a)] AS person
             FROM people p, generate_series(1, GREATEST(1, $1::int / (SELECT count(*) FROM pg_catalog.pg_attribute)::int + 1)) AS g, pg_catalog.pg_attribute c
             LIMIT $1::int) x
           WHERE x.person IS NOT NULL) d`,
        [n],
      ));
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await once());
    const work = runs.sort((a, b) => a - b).map((r) => Math.max(0, r - roundTripMs));
    const median = work[2]!;
    const spread = median > 0 ? { low: work[0]! / median, high: work[4]! / median } : { low: 1, high: 1 };
    return { roundTripMs, distinctMsPerRow: median / n, rows: n, spread };
  } finally {
    client.release();
  }
}
