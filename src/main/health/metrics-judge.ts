// Judges a service's derived metrics against the runbooks' alert rules (thresholds.ts).
import { fmtCount, fmtPct, fmtSeconds } from './format.ts';
import type { DerivedMetrics, Basis } from './metrics-derive.ts';
import type { ParseProblem } from './metrics-parse.ts';
import { SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Finding } from './types.ts';

const BASIS_TEXT: Record<Basis, string> = { window: 'over the last scrape window', since_start: 'since the service started', cumulative: 'cumulative' };

export function judgeMetrics(d: DerivedMetrics, problems: readonly ParseProblem[], t: HealthThresholds['http']): Finding[] {
  const out: Finding[] = [];
  if (problems.length) {
    const p = problems[0]!;
    out.push({
      status: 'degraded',
      message: `${problems.length} malformed line${problems.length === 1 ? '' : 's'} in /metrics (first, line ${p.line}: ${p.reason}); Prometheus rejects the whole scrape, so its alerts go blind`,
      threshold: 'any malformed line',
    });
  }
  const r = d.requests;
  if (r && r.errorRate !== null && r.errorBasis && r.errorRate > t.errorRateDegraded) {
    out.push({
      status: 'degraded',
      message: `Error rate ${fmtPct(r.errorRate)} (${fmtCount(Math.round(r.errorRate * r.sampleSize))} 5xx of ${fmtCount(r.sampleSize)} requests, ${BASIS_TEXT[r.errorBasis]})`,
      threshold: `5xx rate > ${fmtPct(t.errorRateDegraded)} (${SOURCES.pggit}: HighErrorRate)`,
    });
  }
  const l = d.latency;
  if (l && l.p99 !== null && l.p99 > t.p99DegradedSeconds) {
    out.push({ status: 'degraded', message: `p99 latency ${fmtSeconds(l.p99)} (${l.metric}, ${BASIS_TEXT[l.basis]})`, threshold: `p99 > ${t.p99DegradedSeconds} s (${SOURCES.pggit}: HighP99Latency)` });
  }
  if (l && l.p95 !== null && l.p95 > t.p95DegradedSeconds) {
    out.push({ status: 'degraded', message: `p95 latency ${fmtSeconds(l.p95)} (${l.metric}, ${BASIS_TEXT[l.basis]})`, threshold: `p95 > ${t.p95DegradedSeconds} s (${SOURCES.leaderboard}: APIHighLatency)` });
  }
  const c = d.cache;
  if (c && c.hitRate !== null && c.hitRate < t.cacheHitRateMin) {
    out.push({
      status: 'degraded',
      message: `Cache hit rate ${fmtPct(c.hitRate)} (${fmtCount(c.hits)} hits, ${fmtCount(c.misses)} misses, ${BASIS_TEXT[c.basis]})`,
      threshold: `hit rate < ${fmtPct(t.cacheHitRateMin)} (${SOURCES.pggit}: LowCacheHitRate)`,
    });
  }
  const p = d.pool;
  if (p && p.usage !== null && p.usage > t.poolUsageDegradedRatio) {
    out.push({
      status: 'degraded',
      message: `Database pool nearly exhausted: ${p.inUse} of ${p.size} connections checked out (${fmtPct(p.usage, 0)})`,
      threshold: `checked out / size > ${t.poolUsageDegradedRatio} (${SOURCES.leaderboard}: DatabaseConnectionPoolExhausted)`,
    });
  }
  if (p && p.available !== null && p.available < t.poolAvailableMin) {
    out.push({ status: 'degraded', message: `Only ${p.available} database pool connection${p.available === 1 ? '' : 's'} available`, threshold: `available < ${t.poolAvailableMin} (${SOURCES.pggit}: DatabasePoolExhausted)` });
  }
  for (const q of d.queues) {
    if (q.value > t.queueDepthDegraded) {
      out.push({ status: 'degraded', message: `Queue depth ${fmtCount(q.value)} (${q.metric}${labelText(q.labels)})`, threshold: `queue depth > ${fmtCount(t.queueDepthDegraded)} (${SOURCES.pggit}: QueueDepthHigh)` });
    }
  }
  for (const b of d.budget) {
    if (b.percent > t.budgetCriticalPercent) {
      out.push({ status: 'down', message: `${b.period || 'The'} budget nearly exhausted: ${+b.percent.toFixed(1)} % used`, threshold: `> ${t.budgetCriticalPercent} % (${SOURCES.leaderboard}: BudgetCritical)` });
    } else if (b.percent > t.budgetWarnPercent) {
      out.push({ status: 'degraded', message: `${b.period || 'The'} budget ${+b.percent.toFixed(1)} % used`, threshold: `> ${t.budgetWarnPercent} % (${SOURCES.leaderboard}: BudgetWarning)` });
    }
  }
  if (d.celeryWorkersActive === 0) {
    out.push({ status: 'down', message: 'No Celery workers active: queued jobs are not processed', threshold: `celery_workers_active == 0 (${SOURCES.leaderboard}: CeleryWorkersDown)` });
  }
  return out;
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
