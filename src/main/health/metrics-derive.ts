// What the runbooks' alert rules compute, from one or two scrapes of a service's /metrics:
// request and error rate, p95/p99 latency from histogram buckets (Prometheus's
// histogram_quantile), queue depth, pool usage, cache hit rate, budget, Celery workers.
// With two scrapes, rates cover the window between them (like rate()); otherwise they are
// "since start" (counters / uptime) or plain cumulative ratios. Each figure says which.
import type { ParsedMetrics, Sample } from './metrics-parse.ts';
import { parseValue } from './metrics-parse.ts';

export interface Scrape {
  metrics: ParsedMetrics;
  /** Epoch ms when the scrape finished. */
  atMs: number;
}

/** window: between two scrapes · since_start: counters / process uptime · cumulative: counters as they stand. */
export type Basis = 'window' | 'since_start' | 'cumulative';

export interface MetricNames {
  requestCounters: string[];
  statusLabels: string[];
  latencyHistograms: string[];
  queueGauge: RegExp;
  poolSize: string[];
  poolInUse: string[];
  poolAvailable: string[];
  cacheHits: string[];
  cacheMisses: string[];
  budget: string;
  celeryWorkers: string;
}

// The names the runbooks' services export (pggit: http_requests_total, http_request_duration_seconds,
// cache_hits_total, db_connection_pool_available, webhook_queue_depth; leaderboard: api_requests_total,
// api_request_duration_seconds, db_pool_size, db_pool_checked_out, budget_utilization_percent,
// celery_workers_active), plus common client-library spellings.
export const DEFAULT_METRIC_NAMES: MetricNames = {
  requestCounters: ['http_requests_total', 'api_requests_total', 'http_server_requests_total', 'http_server_requests_seconds_count', 'requests_total'],
  statusLabels: ['status', 'code', 'status_code', 'http_status', 'http_response_status_code'],
  latencyHistograms: ['http_request_duration_seconds', 'api_request_duration_seconds', 'http_server_request_duration_seconds', 'http_server_requests_seconds', 'request_duration_seconds', 'request_latency_seconds'],
  queueGauge: /(^|_)queue_(depth|length|size|waiting)$|_(backlog|queue_depth|waiting_jobs)$/,
  poolSize: ['db_pool_size', 'db_connection_pool_size', 'db_pool_max'],
  poolInUse: ['db_pool_checked_out', 'db_connection_pool_in_use', 'db_pool_in_use', 'db_connection_pool_checked_out'],
  poolAvailable: ['db_connection_pool_available', 'db_pool_available'],
  cacheHits: ['cache_hits_total', 'cache_hits'],
  cacheMisses: ['cache_misses_total', 'cache_misses'],
  budget: 'budget_utilization_percent',
  celeryWorkers: 'celery_workers_active',
};

export interface DerivedMetrics {
  windowSeconds: number | null;
  requests: { metric: string; total: number; errors: number; rate: number | null; rateBasis: Basis | null; errorRate: number | null; errorBasis: Basis | null; sampleSize: number } | null;
  latency: { metric: string; source: 'histogram' | 'summary'; basis: Basis; observations: number | null; p50: number | null; p95: number | null; p99: number | null } | null;
  queues: { metric: string; labels: Record<string, string>; value: number }[];
  pool: { size: number | null; inUse: number | null; available: number | null; usage: number | null; metrics: string[] } | null;
  cache: { hits: number; misses: number; hitRate: number | null; basis: Basis } | null;
  budget: { period: string; percent: number }[];
  celeryWorkersActive: number | null;
}

export interface DeriveOptions {
  names?: Partial<MetricNames>;
  /** Ratios over fewer events fall back to a wider basis (or null). */
  minSamples?: number;
}

export function deriveMetrics(first: Scrape, second?: Scrape, options: DeriveOptions = {}): DerivedMetrics {
  const names = { ...DEFAULT_METRIC_NAMES, ...options.names };
  const min = options.minSamples ?? 20;
  const last = second ?? first;
  const windowSeconds = second ? Math.max(0.001, (second.atMs - first.atMs) / 1000) : null;
  const uptime = uptimeSeconds(last);
  return {
    windowSeconds,
    requests: requests(first, second, names, min, windowSeconds, uptime),
    latency: latency(first, second, names, min),
    queues: gauges(last.metrics, (n) => names.queueGauge.test(n)),
    pool: pool(last.metrics, names),
    cache: cache(first, second, names, min),
    budget: (last.metrics.byName.get(names.budget) ?? []).map((s) => ({ period: s.labels.period ?? '', percent: s.value })),
    celeryWorkersActive: sumOf(last.metrics, names.celeryWorkers),
  };
}

function requests(first: Scrape, second: Scrape | undefined, names: MetricNames, min: number, windowSeconds: number | null, uptime: number | null): DerivedMetrics['requests'] {
  const metric = names.requestCounters.find((n) => first.metrics.byName.has(n) || second?.metrics.byName.has(n))
    ?? [...(second ?? first).metrics.byName.keys()].find((n) => /requests_total$/.test(n));
  if (!metric) return null;
  const count = (m: ParsedMetrics): { total: number; errors: number } => {
    let total = 0;
    let errors = 0;
    for (const s of m.byName.get(metric) ?? []) {
      total += s.value;
      if (isServerError(s, names.statusLabels)) errors += s.value;
    }
    return { total, errors };
  };
  const a = count(first.metrics);
  const b = second ? count(second.metrics) : undefined;
  let rate: number | null = null;
  let rateBasis: Basis | null = null;
  let errorRate: number | null = null;
  let errorBasis: Basis | null = null;
  let sampleSize = 0;
  const now = b ?? a;
  if (b && windowSeconds) {
    const dTotal = delta(a.total, b.total);
    const dErrors = delta(a.errors, b.errors);
    rate = dTotal / windowSeconds;
    rateBasis = 'window';
    if (dTotal >= min) {
      errorRate = dErrors / dTotal;
      errorBasis = 'window';
      sampleSize = dTotal;
    }
  } else if (uptime) {
    rate = now.total / uptime;
    rateBasis = 'since_start';
  }
  if (errorBasis === null && now.total >= min) {
    errorRate = now.errors / now.total;
    errorBasis = uptime ? 'since_start' : 'cumulative';
    sampleSize = now.total;
  }
  return { metric, total: now.total, errors: now.errors, rate, rateBasis, errorRate, errorBasis, sampleSize };
}

function isServerError(s: Sample, statusLabels: string[]): boolean {
  for (const l of statusLabels) {
    const v = s.labels[l];
    if (v !== undefined) return /^5(\d\d|xx)$/i.test(v);
  }
  return false;
}

function latency(first: Scrape, second: Scrape | undefined, names: MetricNames, min: number): DerivedMetrics['latency'] {
  const last = second ?? first;
  const hist = names.latencyHistograms.find((n) => last.metrics.byName.has(`${n}_bucket`))
    ?? [...last.metrics.byName.keys()].map((n) => n.replace(/_bucket$/, '')).find((n) => /(request|http).*(duration|latency)_seconds$/.test(n) && last.metrics.byName.has(`${n}_bucket`));
  if (hist) {
    const b = mergedBuckets(last.metrics.byName.get(`${hist}_bucket`) ?? []);
    let buckets = b;
    let basis: Basis = 'cumulative';
    if (second) {
      const a = mergedBuckets(first.metrics.byName.get(`${hist}_bucket`) ?? []);
      const d = bucketDelta(a, b);
      if (d && total(d) >= min) {
        buckets = d;
        basis = 'window';
      }
    }
    const observations = total(buckets);
    return { metric: hist, source: 'histogram', basis, observations, p50: histogramQuantile(0.5, buckets), p95: histogramQuantile(0.95, buckets), p99: histogramQuantile(0.99, buckets) };
  }
  // No histogram: a summary's own quantiles (already computed by the service over its window).
  for (const n of names.latencyHistograms) {
    const qs = (last.metrics.byName.get(n) ?? []).filter((s) => s.labels.quantile !== undefined);
    if (!qs.length) continue;
    const q = (want: number): number | null => {
      const vals = qs.filter((s) => parseValue(s.labels.quantile!) === want && Number.isFinite(s.value)).map((s) => s.value);
      return vals.length ? Math.max(...vals) : null;
    };
    return { metric: n, source: 'summary', basis: 'cumulative', observations: sumOf(last.metrics, `${n}_count`), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
  }
  return null;
}

export interface Bucket {
  le: number;
  count: number;
}

/** sum by (le): all label sets of one histogram added up, sorted by bound. */
export function mergedBuckets(samples: readonly Sample[]): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    const le = parseValue(s.labels.le ?? '');
    if (Number.isNaN(le) || Number.isNaN(s.value)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((x, y) => x.le - y.le);
}

function bucketDelta(a: Bucket[], b: Bucket[]): Bucket[] | undefined {
  if (a.length !== b.length || a.some((x, i) => x.le !== b[i]!.le)) return undefined;
  return b.map((x, i) => ({ le: x.le, count: delta(a[i]!.count, x.count) }));
}

function total(buckets: Bucket[]): number {
  return buckets.length ? buckets[buckets.length - 1]!.count : 0;
}

/**
 * Prometheus's histogram_quantile: linear interpolation inside the bucket holding the rank; a
 * rank in the +Inf bucket answers the highest finite bound. null when there is nothing to rank.
 */
export function histogramQuantile(q: number, input: readonly Bucket[]): number | null {
  if (q < 0 || q > 1 || Number.isNaN(q)) return null;
  const buckets = [...input].sort((x, y) => x.le - y.le);
  if (buckets.length < 2 || buckets[buckets.length - 1]!.le !== Infinity) return null;
  // Counts must not decrease with le; a scrape racing an observation can break that.
  for (let i = 1; i < buckets.length; i++) if (buckets[i]!.count < buckets[i - 1]!.count) buckets[i] = { ...buckets[i]!, count: buckets[i - 1]!.count };
  const observations = buckets[buckets.length - 1]!.count;
  if (!(observations > 0)) return null;
  const rank = q * observations;
  const idx = buckets.findIndex((b) => b.count >= rank);
  if (idx === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  const b = buckets[idx]!;
  if (idx === 0 && b.le <= 0) return b.le;
  const start = idx === 0 ? 0 : buckets[idx - 1]!.le;
  const below = idx === 0 ? 0 : buckets[idx - 1]!.count;
  const inBucket = b.count - below;
  if (inBucket <= 0) return b.le;
  return start + (b.le - start) * ((rank - below) / inBucket);
}

function gauges(m: ParsedMetrics, match: (name: string) => boolean): DerivedMetrics['queues'] {
  const out: DerivedMetrics['queues'] = [];
  for (const [name, samples] of m.byName) {
    if (!match(name)) continue;
    for (const s of samples) if (Number.isFinite(s.value)) out.push({ metric: name, labels: s.labels, value: s.value });
  }
  return out.sort((a, b) => b.value - a.value);
}

function pool(m: ParsedMetrics, names: MetricNames): DerivedMetrics['pool'] {
  const pick = (list: string[]): [string, number] | undefined => {
    for (const n of list) {
      const v = sumOf(m, n);
      if (v !== null) return [n, v];
    }
    return undefined;
  };
  const size = pick(names.poolSize);
  const inUse = pick(names.poolInUse);
  const available = pick(names.poolAvailable);
  if (!size && !inUse && !available) return null;
  const usage = size && inUse && size[1] > 0 ? inUse[1] / size[1] : null;
  const free = available?.[1] ?? (size && inUse ? size[1] - inUse[1] : null);
  return { size: size?.[1] ?? null, inUse: inUse?.[1] ?? null, available: free, usage, metrics: [size, inUse, available].flatMap((x) => (x ? [x[0]] : [])) };
}

function cache(first: Scrape, second: Scrape | undefined, names: MetricNames, min: number): DerivedMetrics['cache'] {
  const read = (m: ParsedMetrics): { hits: number; misses: number } | undefined => {
    const h = names.cacheHits.map((n) => sumOf(m, n)).find((v) => v !== null);
    const x = names.cacheMisses.map((n) => sumOf(m, n)).find((v) => v !== null);
    return h === undefined || h === null || x === undefined || x === null ? undefined : { hits: h, misses: x };
  };
  const a = read(first.metrics);
  const b = second ? read(second.metrics) : undefined;
  const now = b ?? a;
  if (!now) return null;
  if (a && b) {
    const hits = delta(a.hits, b.hits);
    const misses = delta(a.misses, b.misses);
    if (hits + misses >= min) return { hits, misses, hitRate: hits / (hits + misses), basis: 'window' };
  }
  const n = now.hits + now.misses;
  return { hits: now.hits, misses: now.misses, hitRate: n >= min ? now.hits / n : null, basis: 'cumulative' };
}

function uptimeSeconds(s: Scrape): number | null {
  const start = sumOf(s.metrics, 'process_start_time_seconds');
  if (start === null || !(start > 0)) return null;
  const up = s.atMs / 1000 - start;
  return up > 0 ? up : null;
}

/** Sum of a sample name's finite values; null when the service does not export it. */
function sumOf(m: ParsedMetrics, name: string): number | null {
  const samples = m.byName.get(name);
  if (!samples?.length) return null;
  return samples.reduce((acc, s) => acc + (Number.isFinite(s.value) ? s.value : 0), 0);
}

/** A counter's increase; a decrease means it was reset (restart), so the new value is the increase. */
function delta(a: number, b: number): number {
  return b >= a ? b - a : b;
}
