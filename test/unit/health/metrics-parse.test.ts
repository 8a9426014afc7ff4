// The Prometheus text parser, histogram_quantile, and the runbooks' alert rules on parsed metrics.
import { describe, expect, it } from 'vitest';
import { deriveMetrics, histogramQuantile, mergedBuckets } from '../../../src/main/health/metrics-derive.ts';
import { judgeMetrics } from '../../../src/main/health/metrics-judge.ts';
import { parseMetrics } from '../../../src/main/health/metrics-parse.ts';
import { DEFAULT_THRESHOLDS } from '../../../src/main/health/thresholds.ts';
import { BAD_METRICS } from '../../helpers/http-fixtures.ts';

describe('parseMetrics', () => {
  it('reads counters, gauges, histograms and summaries into typed families', () => {
    const m = parseMetrics(`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000
# A normal comment.
# TYPE temperature gauge
temperature -3.5e1
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
# TYPE req_seconds histogram
req_seconds_bucket{le="0.1"} 10
req_seconds_bucket{le="+Inf"} 12
req_seconds_sum 1.5
req_seconds_count 12
untyped_thing 7
`);
    expect(m.problems).toEqual([]);
    expect(m.sampleCount).toBe(12);
    expect(m.families.get('http_requests_total')).toMatchObject({ type: 'counter', help: 'The total number of HTTP requests.' });
    expect(m.byName.get('http_requests_total')![1]).toEqual({ name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 });
    expect(m.byName.get('temperature')![0]!.value).toBe(-35);
    // Suffixed samples belong to their base family.
    expect(m.families.get('rpc_duration_seconds')!.samples.map((s) => s.name)).toEqual(['rpc_duration_seconds', 'rpc_duration_seconds', 'rpc_duration_seconds_sum', 'rpc_duration_seconds_count']);
    expect(m.families.get('req_seconds')).toMatchObject({ type: 'histogram' });
    expect(m.families.get('req_seconds')!.samples).toHaveLength(4);
    expect(m.byName.get('req_seconds_bucket')![1]!.labels.le).toBe('+Inf');
    expect(m.families.get('untyped_thing')).toMatchObject({ type: 'untyped' });
  });

  it('unescapes label values (\\" \\\\ \\n) and HELP text, and keeps commas and braces inside quotes', () => {
    const m = parseMetrics(`# HELP msg A help with a \\\\ backslash\\nand a newline.
msg{text="say \\"hi\\"",path="C:\\\\tmp",multi="a\\nb",odd="x,y}z",} 1
`);
    expect(m.problems).toEqual([]);
    expect(m.families.get('msg')!.help).toBe('A help with a \\ backslash\nand a newline.');
    expect(m.byName.get('msg')![0]!.labels).toEqual({ text: 'say "hi"', path: 'C:\\tmp', multi: 'a\nb', odd: 'x,y}z' });
  });

  it('reads +Inf, -Inf and NaN values, CRLF line ends, OpenMetrics exemplars and # EOF', () => {
    const m = parseMetrics('a +Inf\r\nb -Inf\r\nc NaN\r\nd_total 5 # {trace_id="abc"} 1.0 1700000000\r\n# EOF\r\n');
    expect(m.problems).toEqual([]);
    expect(m.byName.get('a')![0]!.value).toBe(Infinity);
    expect(m.byName.get('b')![0]!.value).toBe(-Infinity);
    expect(m.byName.get('c')![0]!.value).toBeNaN();
    expect(m.byName.get('d_total')![0]!.value).toBe(5);
  });

  it('reports malformed lines with line number and reason, and still parses the rest', () => {
    const m = parseMetrics(BAD_METRICS);
    expect(m.problems.map((p) => [p.line, p.reason])).toEqual([
      [expect.any(Number), 'value "line" of this is not a number'],
      [expect.any(Number), 'unexpected "5" in label set'],
      [expect.any(Number), 'value "twelve" of queue_length is not a number'],
    ]);
    expect(m.problems[0]!.text).toBe('this line is not a metric');
    const lines = BAD_METRICS.split('\n');
    for (const p of m.problems) expect(lines[p.line - 1]).toBe(p.text);
    expect(m.byName.get('build_info')![0]!.labels).toEqual({ version: '1.2.3', note: 'say "hi"\n', path: 'C:\\tmp' });
    expect(m.byName.get('http_request_duration_seconds_bucket')).toHaveLength(6);
    expect(m.byName.has('queue_length')).toBe(false);
  });

  it('rejects what Prometheus rejects: unquoted values, bad escapes, duplicate labels, TYPE twice or late, buckets without le', () => {
    const m = parseMetrics(`x{a=b} 1
y{a="\\q"} 1
z{a="1",a="2"} 1
w{a="1" 1
# TYPE t counter
# TYPE t gauge
s 1
# TYPE s gauge
# TYPE h histogram
h_bucket{x="1"} 3
# TYPE k nonsense
v 1 2 3
u
`);
    expect(m.problems.map((p) => p.reason)).toEqual([
      "label a's value is not quoted",
      'invalid escape "\\q" in a label value',
      'label a given twice',
      'unexpected "1" in label set',
      'second # TYPE for t',
      '# TYPE for s after its samples',
      'histogram bucket h_bucket has no le label',
      'unknown metric type "nonsense" for k',
      'unexpected text after the value of v: "3"',
      'no value for u',
    ]);
    expect(m.sampleCount).toBe(1); // only `s 1`
  });

  it('takes Prometheus 3 quoted metric names', () => {
    const m = parseMetrics('{"my.dotted.metric", env="prod"} 4\n');
    expect(m.problems).toEqual([]);
    expect(m.byName.get('my.dotted.metric')![0]).toMatchObject({ labels: { env: 'prod' }, value: 4 });
  });
});

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.05, count: 5000 },
    { le: 0.1, count: 7000 },
    { le: 0.5, count: 9000 },
    { le: 1, count: 9800 },
    { le: 2, count: 9950 },
    { le: Infinity, count: 10000 },
  ];

  it('interpolates inside the bucket holding the rank, like Prometheus', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.05, 10); // rank 5000 is the first bucket's top
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.5 + 0.5 * (500 / 800), 10);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(1 + (9900 - 9800) / 150, 10);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.025, 10); // first bucket starts at 0
  });

  it('answers the highest finite bound for a rank in +Inf, and null without observations or +Inf', () => {
    expect(histogramQuantile(0.999, buckets)).toBe(2);
    expect(histogramQuantile(0.99, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }])).toBeNull();
    expect(histogramQuantile(0.99, [{ le: 1, count: 3 }, { le: 2, count: 4 }])).toBeNull();
    expect(histogramQuantile(1.5, buckets)).toBeNull();
  });

  it('sums label sets by le and repairs non-monotonic counts', () => {
    const m = parseMetrics(`h_bucket{path="/a",le="0.1"} 1
h_bucket{path="/a",le="+Inf"} 2
h_bucket{path="/b",le="0.1"} 3
h_bucket{path="/b",le="+Inf"} 4
`);
    expect(mergedBuckets(m.byName.get('h_bucket')!)).toEqual([{ le: 0.1, count: 4 }, { le: Infinity, count: 6 }]);
    expect(histogramQuantile(0.5, [{ le: 1, count: 10 }, { le: 2, count: 8 }, { le: Infinity, count: 10 }])).toBeCloseTo(0.5, 10);
  });
});

describe('deriveMetrics and judgeMetrics', () => {
  const at = Date.parse('2025-01-01T00:00:00Z');

  it('fires every runbook alert on the bad fixture and cites the runbook', () => {
    const m = parseMetrics(BAD_METRICS);
    const d = deriveMetrics({ metrics: m, atMs: at });
    expect(d.requests).toMatchObject({ metric: 'http_requests_total', total: 10000, errors: 600, errorRate: 0.06, errorBasis: 'cumulative', rate: null });
    expect(d.latency).toMatchObject({ metric: 'http_request_duration_seconds', source: 'histogram', basis: 'cumulative', observations: 10000 });
    expect(d.latency!.p99).toBeCloseTo(1.6667, 3);
    expect(d.cache).toMatchObject({ hitRate: 0.5 });
    expect(d.pool).toMatchObject({ size: 20, inUse: 19, available: 1, usage: 0.95 });
    expect(d.queues).toEqual([{ metric: 'webhook_queue_depth', labels: { queue: 'deliveries' }, value: 1500 }]);
    const findings = judgeMetrics(d, m.problems, DEFAULT_THRESHOLDS.http);
    const byThreshold = Object.fromEntries(findings.map((f) => [f.threshold, f]));
    expect(Object.keys(byThreshold).sort()).toEqual([
      '5xx rate > 1 % (pggit operations guide: HighErrorRate)',
      '> 80 % (contributor-leaderboard operations: BudgetWarning)',
      'any malformed line',
      'available < 2 (pggit operations guide: DatabasePoolExhausted)',
      'celery_workers_active == 0 (contributor-leaderboard operations: CeleryWorkersDown)',
      'checked out / size > 0.9 (contributor-leaderboard operations: DatabaseConnectionPoolExhausted)',
      'hit rate < 70 % (pggit operations guide: LowCacheHitRate)',
      'p99 > 0.5 s (pggit operations guide: HighP99Latency)',
      'queue depth > 1,000 (pggit operations guide: QueueDepthHigh)',
    ]);
    expect(byThreshold['any malformed line']!.message).toMatch(/^3 malformed lines in \/metrics \(first, line \d+: value "line" of this is not a number\)/);
    expect(byThreshold['celery_workers_active == 0 (contributor-leaderboard operations: CeleryWorkersDown)']!.status).toBe('down');
    expect(findings.find((f) => f.message.startsWith('p99'))!.message).toBe('p99 latency 1.67 s (http_request_duration_seconds, cumulative)');
    expect(findings.find((f) => f.message.startsWith('Error rate'))!.message).toBe('Error rate 6 % (600 5xx of 10,000 requests, cumulative)');
  });

  it('uses the window between two scrapes for rates, and the counters since start with one', () => {
    const text = (total: number, errors: number): string => `process_start_time_seconds ${at / 1000 - 1000}
http_requests_total{code="200"} ${total - errors}
http_requests_total{code="503"} ${errors}
`;
    const first = { metrics: parseMetrics(text(100_000, 10)), atMs: at };
    const second = { metrics: parseMetrics(text(100_200, 20)), atMs: at + 2000 };
    const windowed = deriveMetrics(first, second);
    expect(windowed.windowSeconds).toBe(2);
    expect(windowed.requests).toMatchObject({ rate: 100, rateBasis: 'window', errorRate: 0.05, errorBasis: 'window', sampleSize: 200 });
    const single = deriveMetrics(first);
    expect(single.requests).toMatchObject({ rate: 100, rateBasis: 'since_start', errorBasis: 'since_start' });
    expect(single.requests!.errorRate).toBeCloseTo(0.0001, 6);
    // A window with too few requests falls back to the counters since start.
    const quiet = deriveMetrics(first, { metrics: parseMetrics(text(100_005, 11)), atMs: at + 1000 });
    expect(quiet.requests).toMatchObject({ rate: 5, rateBasis: 'window', errorBasis: 'since_start' });
    // A counter reset (restart) between scrapes counts the new value as the increase.
    const reset = deriveMetrics(first, { metrics: parseMetrics(text(50, 5)), atMs: at + 1000 });
    expect(reset.requests).toMatchObject({ rate: 50, errorRate: 0.1, errorBasis: 'window' });
  });

  it('reads latency from a summary when there is no histogram', () => {
    const m = parseMetrics(`# TYPE http_request_duration_seconds summary
http_request_duration_seconds{quantile="0.5"} 0.02
http_request_duration_seconds{quantile="0.99"} 0.9
http_request_duration_seconds_count 500
`);
    const d = deriveMetrics({ metrics: m, atMs: at });
    expect(d.latency).toEqual({ metric: 'http_request_duration_seconds', source: 'summary', basis: 'cumulative', observations: 500, p50: 0.02, p95: null, p99: 0.9 });
    expect(judgeMetrics(d, [], DEFAULT_THRESHOLDS.http).map((f) => f.message)).toEqual(['p99 latency 900 ms (http_request_duration_seconds, cumulative)']);
  });

  it('stays quiet on a healthy service and on too few requests to judge', () => {
    const m = parseMetrics('http_requests_total{status="500"} 3\nhttp_requests_total{status="200"} 7\n');
    const d = deriveMetrics({ metrics: m, atMs: at });
    expect(d.requests!.errorRate).toBeNull(); // 10 requests < minSamples
    expect(judgeMetrics(d, [], DEFAULT_THRESHOLDS.http)).toEqual([]);
  });
});
