// Local HTTP services for the health checks' tests and benchmark, one server with a path prefix
// per fixture service, shaped like the runbooks' services: healthy and degraded JSON, a non-JSON
// body, a 500, endpoints that never answer, and Prometheus text (histograms, malformed lines).
// Plus raw TCP fixtures: a server that accepts and never speaks, and one that hangs up at once.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type FixtureService =
  | 'healthy' // What-the-Repo-shaped /health, readiness, liveness, growing metrics
  | 'degraded' // status "degraded", a disconnected dependency, readiness 503 with per-service detail
  | 'text' // /health answers 200 with an HTML page
  | 'plain-ok' // /health answers 200 "OK" as text/plain
  | 'error' // /health answers 500
  | 'hang' // nothing ever answers
  | 'hang-deep' // healthy, but /health/deep never answers
  | 'bad-metrics' // healthy endpoints; /metrics breaks the runbooks' alert thresholds and has malformed lines
  | 'counting' // /metrics counters: few errors since start, 5 % errors between any two scrapes
  | 'protected'; // /health needs `authorization: Bearer fixture-secret`

export interface HttpFixtures {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Base URL of one fixture service. */
  service(name: FixtureService): string;
  /** Requests received per path, e.g. '/healthy/metrics'. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export const PROTECTED_TOKEN = 'fixture-secret';

export async function startHttpFixtures(): Promise<HttpFixtures> {
  const hits = new Map<string, number>();
  const started = Math.floor(Date.now() / 1000) - 3600;
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const m = /^\/([a-z-]+)(\/.*)?$/.exec(path);
    route(m?.[1] as FixtureService | undefined, m?.[2] ?? '/', n, req, res, started);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    service: (name) => `${url}/${name}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // including the requests we never answered
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function text(res: ServerResponse, status: number, body: string, type = 'text/plain; version=0.0.4; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const notFound = (res: ServerResponse): void => json(res, 404, { detail: 'Not Found' });

function route(service: FixtureService | undefined, path: string, n: number, req: IncomingMessage, res: ServerResponse, started: number): void {
  switch (service) {
    case 'healthy':
      if (path === '/health') return json(res, 200, { status: 'healthy', timestamp: new Date().toISOString(), version: '1.0.0', services: { supabase: 'connected', milvus: 'connected', openai: 'connected' } });
      if (path === '/health/ready') return json(res, 200, { status: 'ready', checks: { database: 'healthy', redis: 'healthy', celery: 'healthy' } });
      if (path === '/health/live') return json(res, 200, { status: 'alive' });
      if (path === '/metrics') return text(res, 200, healthyMetrics(n, started));
      return notFound(res);
    case 'degraded':
      if (path === '/health') return json(res, 200, { status: 'degraded', services: { supabase: 'connected', milvus: 'disconnected', openai: 'connected' } });
      if (path === '/health/ready') return json(res, 503, { detail: { database: 'healthy', redis: 'unhealthy: Error 111 connecting to redis:6379. Connection refused.', celery: 'no workers' } });
      if (path === '/health/live') return json(res, 200, { status: 'alive' });
      return notFound(res);
    case 'text':
      if (path === '/health') return text(res, 200, '<!DOCTYPE html><html><body><h1>It works!</h1></body></html>', 'text/html');
      return notFound(res);
    case 'plain-ok':
      if (path === '/health') return text(res, 200, 'OK\n', 'text/plain');
      return notFound(res);
    case 'error':
      if (path === '/health') return json(res, 500, { detail: 'Internal Server Error' });
      if (path === '/metrics') return text(res, 500, 'internal error');
      return notFound(res);
    case 'hang':
      return; // never answered; closeAllConnections() ends it
    case 'hang-deep':
      if (path === '/health') return json(res, 200, { status: 'ok' });
      if (path === '/health/deep') return;
      return notFound(res);
    case 'bad-metrics':
      if (path === '/health') return json(res, 200, { status: 'ok' });
      if (path === '/metrics') return text(res, 200, BAD_METRICS);
      return notFound(res);
    case 'counting':
      if (path === '/health') return json(res, 200, { status: 'ok' });
      if (path === '/metrics') return text(res, 200, countingMetrics(n, started));
      return notFound(res);
    case 'protected':
      if (req.headers.authorization !== `Bearer ${PROTECTED_TOKEN}`) return json(res, 401, { detail: 'Not authenticated' });
      if (path === '/health') return json(res, 200, { status: 'healthy' });
      return notFound(res);
    default:
      return notFound(res);
  }
}

/** Counters grow by 100 requests per scrape, none of them errors; fast latencies; 90 % cache hits. */
function healthyMetrics(n: number, started: number): string {
  const ok = 10_000 + 100 * n;
  return `# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE process_start_time_seconds gauge
process_start_time_seconds ${started}
# HELP http_requests_total Total HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",path="/health",status="200"} ${ok}
http_requests_total{method="GET",path="/api",status="500"} 2
# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.01"} ${Math.round(ok * 0.6)}
http_request_duration_seconds_bucket{le="0.05"} ${Math.round(ok * 0.95)}
http_request_duration_seconds_bucket{le="0.1"} ${Math.round(ok * 0.995)}
http_request_duration_seconds_bucket{le="0.5"} ${ok + 2}
http_request_duration_seconds_bucket{le="+Inf"} ${ok + 2}
http_request_duration_seconds_sum ${(ok * 0.012).toFixed(3)}
http_request_duration_seconds_count ${ok + 2}
# TYPE cache_hits_total counter
cache_hits_total ${900 * n}
# TYPE cache_misses_total counter
cache_misses_total ${100 * n}
# TYPE webhook_queue_depth gauge
webhook_queue_depth 3
`;
}

/** 0.015 % errors since start, but 5 of every 100 requests between two scrapes fail. */
function countingMetrics(n: number, started: number): string {
  return `# TYPE process_start_time_seconds gauge
process_start_time_seconds ${started}
# TYPE api_requests_total counter
api_requests_total{method="GET",endpoint="/x",status="200"} ${100_000 + 95 * n}
api_requests_total{method="GET",endpoint="/x",status="503"} ${10 + 5 * n}
`;
}

// Every alert of the runbooks fires here, plus lines Prometheus would reject.
export const BAD_METRICS = `# HELP http_requests_total Total HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",path="/api/v1/webhooks",status="200"} 9400
http_requests_total{method="POST",path="/api/v1/webhooks",status="500"} 600
# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 5000
http_request_duration_seconds_bucket{le="0.1"} 7000
http_request_duration_seconds_bucket{le="0.5"} 9000
http_request_duration_seconds_bucket{le="1"} 9800
http_request_duration_seconds_bucket{le="2"} 9950
http_request_duration_seconds_bucket{le="+Inf"} 10000
http_request_duration_seconds_sum 2500
http_request_duration_seconds_count 10000
# TYPE cache_hits_total counter
cache_hits_total 500
# TYPE cache_misses_total counter
cache_misses_total 500
# TYPE db_pool_size gauge
db_pool_size 20
# TYPE db_pool_checked_out gauge
db_pool_checked_out 19
# TYPE db_connection_pool_available gauge
db_connection_pool_available 1
# TYPE webhook_queue_depth gauge
webhook_queue_depth{queue="deliveries"} 1500
# TYPE budget_utilization_percent gauge
budget_utilization_percent{period="daily"} 85
# TYPE celery_workers_active gauge
celery_workers_active 0
# TYPE build_info gauge
build_info{version="1.2.3",note="say \\"hi\\"\\n",path="C:\\\\tmp"} 1
this line is not a metric
http_requests_total{status="200" 5
queue_length{a="b"} twelve
`;

export interface TcpFixture {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

/** 'silent': accepts and never sends a byte (a hung server). 'hangup': accepts and closes at once. */
export async function startTcpFixture(mode: 'silent' | 'hangup'): Promise<TcpFixture> {
  const sockets = new Set<Socket>();
  const fixture: TcpFixture = { port: 0, accepted: 0, close: async () => undefined };
  const server = createTcpServer((s) => {
    fixture.accepted++;
    if (mode === 'hangup') {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  fixture.port = (server.address() as AddressInfo).port;
  fixture.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return fixture;
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
