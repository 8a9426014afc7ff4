import type { UptimeRow } from '../../shared/contract/health.ts';
import type { Db } from '../store/database.ts';

const RANK = { unknown: 0, healthy: 1, degraded: 2, down: 3 } as const;
type Status = keyof typeof RANK;

/** Per service over the last `hours`: uptime %, counts and `bars` buckets of the worst status, in one grouped query. */
export function uptime(db: Db, hours: number, bars: number, now = Date.now()): UptimeRow[] {
  const since = now - hours * 3_600_000;
  const width = (hours * 3_600_000) / bars;
  const rows = db
    .prepare(
      `SELECT service, MIN(CAST((ts - ?) / ? AS INTEGER), ? - 1) AS bucket, status, count(*) AS n
       FROM health_checks WHERE ts >= ? AND ts <= ? GROUP BY service, bucket, status`,
    )
    .all(since, width, bars, since, now) as { service: string; bucket: number; status: Status; n: number }[];
  const by = new Map<string, UptimeRow>();
  for (const r of rows) {
    let row = by.get(r.service);
    if (!row) {
      row = { service: r.service, checks: 0, uptimePct: null, counts: { healthy: 0, degraded: 0, down: 0, unknown: 0 }, bars: Array.from({ length: bars }, (_, i) => ({ start: new Date(since + i * width).toISOString(), status: null, checks: 0 })) };
      by.set(r.service, row);
    }
    row.checks += r.n;
    row.counts[r.status] += r.n;
    const bar = row.bars[r.bucket]!;
    bar.checks += r.n;
    if (bar.status === null || RANK[r.status] > RANK[bar.status]) bar.status = r.status;
  }
  for (const row of by.values()) {
    const judged = row.counts.healthy + row.counts.degraded + row.counts.down;
    row.uptimePct = judged ? (100 * (row.counts.healthy + row.counts.degraded)) / judged : null;
  }
  return [...by.values()].sort((a, b) => a.service.localeCompare(b.service));
}
