// The HTTP service check against real local servers (test/helpers/http-fixtures.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck, type HttpCheckOptions, type HttpServiceConfig } from '../../../src/main/health/http.ts';
import { runChecks } from '../../../src/main/health/run-checks.ts';
import type { CheckResult } from '../../../src/main/health/types.ts';
import { closedPort, PROTECTED_TOKEN, startHttpFixtures, type FixtureService, type HttpFixtures } from '../../helpers/http-fixtures.ts';

let fx: HttpFixtures;
beforeAll(async () => {
  fx = await startHttpFixtures();
});
afterAll(async () => {
  await fx?.close();
});

async function check(service: FixtureService | HttpServiceConfig, options: HttpCheckOptions = {}): Promise<CheckResult> {
  const cfg = typeof service === 'string' ? { name: service, url: fx.service(service) } : service;
  const { results } = await runChecks([httpCheck(cfg, { rateWindowMs: 0, requestTimeoutMs: 2000, ...options })], { timeoutMs: 10_000 });
  return results[0]!;
}

const messages = (r: CheckResult): string[] => r.findings.map((f) => f.message);

describe('HTTP service check', () => {
  it('reports a healthy service: endpoints, what it is not serving, and windowed metrics', async () => {
    const r = await check('healthy', { rateWindowMs: 300 });
    expect(r).toMatchObject({ id: 'http:healthy', kind: 'http', name: 'healthy', status: 'healthy', findings: [] });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.summary).toMatch(/^GET \/health 200 in [\d.]+ ms · 3\/3 endpoints healthy · [\d.]+ req\/s · errors 0 % · p99 \d+ ms · cache hits 90 %$/);
    expect(r.details.notServed).toEqual(['/health/deep', '/ready']);
    const endpoints = r.details.endpoints as { path: string; httpStatus: number; bodyStatus: string; dependencies?: Record<string, string> }[];
    expect(endpoints.map((e) => [e.path, e.httpStatus, e.bodyStatus])).toEqual([['/health', 200, 'healthy'], ['/health/ready', 200, 'ready'], ['/health/live', 200, 'alive']]);
    expect(endpoints[0]!.dependencies).toEqual({ supabase: 'connected', milvus: 'connected', openai: 'connected' });
    const metrics = r.details.metrics as { scrapes: number; malformedLines: number; derived: { windowSeconds: number; requests: { rate: number; rateBasis: string; errorRate: number; errorBasis: string } } };
    expect(metrics.scrapes).toBe(2);
    expect(metrics.malformedLines).toBe(0);
    // 100 requests per scrape over ~0.3 s: a windowed rate, not the since-start average (~2.8 req/s).
    expect(metrics.derived.requests).toMatchObject({ rateBasis: 'window', errorRate: 0, errorBasis: 'window' });
    expect(metrics.derived.requests.rate).toBeGreaterThan(100);
    expect(fx.hits.get('/healthy/metrics')).toBeGreaterThanOrEqual(2);
  });

  it('honours a degraded body, per-service states and a 503 readiness with detail', async () => {
    const r = await check('degraded');
    expect(r.status).toBe('down');
    expect(messages(r)).toEqual([
      'GET /health reports itself degraded ("degraded")',
      'GET /health/ready → HTTP 503',
      'milvus: disconnected (per /health)',
      'redis: unhealthy: Error 111 connecting to redis:6379. Connection refused. (per /health/ready)',
      'celery: no workers (per /health/ready)',
    ]);
    expect(r.findings.map((f) => f.status)).toEqual(['degraded', 'down', 'down', 'down', 'down']);
    expect(r.summary).toMatch(/^GET \/health\/ready → HTTP 503 \(\+4 more\) · GET \/health 200/);
    expect(r.details.metrics).toBeNull(); // /metrics is 404 there: not served, not a problem
  });

  it('treats a non-JSON body as a finding, not a crash; a plain "OK" is fine', async () => {
    const html = await check('text');
    expect(html.status).toBe('degraded');
    expect(messages(html)).toEqual(['GET /health answered 200 with a non-JSON body (text/html): "<!DOCTYPE html><html><body><h1>It works!</h1></body></html>"']);
    const ok = await check('plain-ok');
    expect(ok).toMatchObject({ status: 'healthy', findings: [] });
  });

  it('reports a 500 as down and a failing /metrics as degraded', async () => {
    const r = await check('error');
    expect(r.status).toBe('down');
    expect(r.findings).toEqual([
      { status: 'down', message: 'GET /health → HTTP 500' },
      { status: 'degraded', message: 'GET /metrics → HTTP 500: no metrics to judge' },
    ]);
  });

  it('judges /metrics against the runbooks and lists malformed lines without failing', async () => {
    const r = await check('bad-metrics');
    expect(r.status).toBe('down'); // celery_workers_active == 0 is critical in the leaderboard runbook
    expect(messages(r)).toEqual([
      expect.stringMatching(/^3 malformed lines in \/metrics \(first, line \d+: value "line" of this is not a number\)/),
      'Error rate 6 % (600 5xx of 10,000 requests, cumulative)',
      'p99 latency 1.67 s (http_request_duration_seconds, cumulative)',
      'Cache hit rate 50 % (500 hits, 500 misses, cumulative)',
      'Database pool nearly exhausted: 19 of 20 connections checked out (95 %)',
      'Only 1 database pool connection available',
      'Queue depth 1,500 (webhook_queue_depth{queue="deliveries"})',
      'daily budget 85 % used',
      'No Celery workers active: queued jobs are not processed',
    ]);
    const metrics = r.details.metrics as { problems: { line: number; text: string; reason: string }[]; samples: number };
    expect(metrics.problems.map((p) => p.text)).toEqual(['this line is not a metric', 'http_requests_total{status="200" 5', 'queue_length{a="b"} twelve']);
    expect(metrics.samples).toBe(19);
  });

  it('computes the error rate over the scrape window when given two scrapes', async () => {
    // Since start: 0.015 % errors. Between two scrapes: 5 %.
    const once = await check('counting', { rateWindowMs: 0 });
    expect(once.status).toBe('healthy');
    const twice = await check('counting', { rateWindowMs: 200 });
    expect(twice.status).toBe('degraded');
    expect(messages(twice)).toEqual(['Error rate 5 % (5 5xx of 100 requests, over the last scrape window)']);
    expect(twice.findings[0]!.threshold).toBe('5xx rate > 1 % (pggit operations guide: HighErrorRate)');
  });

  it('turns one hanging endpoint into a finding while the others report', async () => {
    const t0 = performance.now();
    const r = await check('hang-deep', { requestTimeoutMs: 400 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(400 + 1000);
    expect(r.status).toBe('down');
    expect(r.findings).toEqual([{ status: 'down', message: 'GET /health/deep did not answer within 400 ms', threshold: 'request timeout 400 ms' }]);
    expect((r.details.endpoints as { path: string; status: string }[]).map((e) => [e.path, e.status])).toEqual([['/health', 'healthy'], ['/health/deep', 'down']]);
  });

  it('reports a service where nothing answers once, not per endpoint', async () => {
    const t0 = performance.now();
    const r = await check('hang', { requestTimeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(300 + 1000);
    expect(r).toMatchObject({ status: 'down', summary: 'No endpoint answered within 300 ms', latencyMs: null });
    expect(r.findings).toHaveLength(1);
  });

  it('is down when none of the health endpoints exist', async () => {
    const r = await check({ name: 'wrong path', url: fx.service('healthy'), endpoints: ['/status', '/healthz'], required: [], metricsPath: null });
    expect(r.status).toBe('down');
    expect(r.summary).toMatch(/^None of the health endpoints exist \(\/status, \/healthz all answer 404\/405\)/);
  });

  it('names a refused connection', async () => {
    const port = await closedPort();
    const r = await check({ name: 'gone', url: `http://127.0.0.1:${port}` });
    expect(r.status).toBe('down');
    expect(r.summary).toBe('Unreachable: GET /health refused the connection (ECONNREFUSED): is the service running, and are the host and port right?');
  });

  it('sends configured headers and keeps their values out of the result', async () => {
    const without = await check('protected');
    expect(without.status).toBe('degraded');
    expect(messages(without)[0]).toBe('GET /health → HTTP 401: it needs credentials (add a header in the service settings)');
    const withAuth = await check({ name: 'protected', url: fx.service('protected'), headers: { authorization: `Bearer ${PROTECTED_TOKEN}` } });
    expect(withAuth.status).toBe('healthy');
    expect(JSON.stringify(withAuth)).not.toContain(PROTECTED_TOKEN);
  });

  it('sends user:password from the URL as Basic auth and never echoes it', async () => {
    const u = new URL(fx.service('plain-ok'));
    u.username = 'ops';
    u.password = 'hunter2-very-secret';
    const r = await check({ name: 'basic', url: u.toString() });
    expect(r.status).toBe('healthy');
    expect(r.details.url).toBe(fx.service('plain-ok'));
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
});
