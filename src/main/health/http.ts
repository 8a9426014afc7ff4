// A team service over HTTP: its health endpoints (/health, /health/ready, /health/live,
// /health/deep and the AutoDevOps runbook's /ready) and its Prometheus /metrics, judged against
// the runbooks' alert rules. Every request has its own deadline, so one hanging endpoint becomes a
// finding while the others still report.
import { OpsError } from '../../shared/errors.ts';
import type { Status } from '../../shared/status.ts';
import { sleep, withDeadline } from './abort.ts';
import { fmtMs, fmtPct, fmtSeconds, oneLine } from './format.ts';
import { plainOk, readHealthBody } from './health-body.ts';
import { httpRequest, joinUrl, netFailure, parseJson, safeUrl, type HttpAnswer, type NetFailureKind } from './http-fetch.ts';
import { deriveMetrics, type DerivedMetrics, type MetricNames, type Scrape } from './metrics-derive.ts';
import { judgeMetrics } from './metrics-judge.ts';
import { parseMetrics } from './metrics-parse.ts';
import { outcome, summaryWith } from './outcome.ts';
import { resolveThresholds, SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Check, CheckOutcome, Finding } from './types.ts';

export interface HttpServiceConfig {
  name: string;
  /** Base URL; endpoints are appended to its path (https://host/api + /health). */
  url: string;
  /** Default DEFAULT_ENDPOINTS. A 404/405 on one that is not required means "not served". */
  endpoints?: string[];
  /** Endpoints that must answer. Default ['/health']. */
  required?: string[];
  /** Default '/metrics'; null: the service has none. */
  metricsPath?: string | null;
  /** Sent with every request (e.g. an Authorization header); values are treated as secrets. */
  headers?: Record<string, string>;
}

export interface HttpCheckOptions {
  /** Default `http:<name>`. */
  id?: string;
  timeoutMs?: number;
  /** Deadline of each request. Default 5 s. */
  requestTimeoutMs?: number;
  /** Two /metrics scrapes this far apart give windowed rates; 0: one scrape. Default 1 s. */
  rateWindowMs?: number;
  thresholds?: Partial<HealthThresholds['http']>;
  metricNames?: Partial<MetricNames>;
}

export const DEFAULT_ENDPOINTS = ['/health', '/health/ready', '/health/live', '/health/deep', '/ready'];
const HEALTH_BODY_MAX = 256 * 1024;
const METRICS_BODY_MAX = 16 * 1024 * 1024;

export function httpCheck(service: HttpServiceConfig, options: HttpCheckOptions = {}): Check {
  const secrets = Object.values(service.headers ?? {});
  try {
    const u = new URL(service.url);
    if (u.password) secrets.push(decodeURIComponent(u.password));
  } catch {
    // reported by run()
  }
  return {
    id: options.id ?? `http:${service.name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
    kind: 'http',
    name: service.name,
    timeoutMs: options.timeoutMs,
    secrets,
    run: (signal) => checkHttp(service, options, signal),
  };
}

export function httpChecks(services: readonly HttpServiceConfig[], options: Omit<HttpCheckOptions, 'id'> = {}): Check[] {
  return services.map((s) => httpCheck(s, options));
}

interface Target {
  base: string;
  headers: Record<string, string>;
}

/** fetch refuses URLs with user:password@; send them as Basic auth instead. */
function target(service: HttpServiceConfig): Target {
  let u: URL;
  try {
    u = new URL(service.url);
  } catch {
    throw new OpsError('invalid_input', `The URL of ${service.name} is not a valid http(s) URL.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OpsError('invalid_input', `The URL of ${service.name} must start with http:// or https://.`);
  const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', 'user-agent': 'repo-ops-health', ...service.headers };
  if (u.username || u.password) {
    headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  return { base: u.toString(), headers };
}

interface EndpointReport {
  path: string;
  required: boolean;
  status: Status | 'not_served';
  httpStatus: number | null;
  latencyMs: number | null;
  bodyStatus?: string;
  dependencies?: Record<string, string>;
  body?: unknown;
  failure?: NetFailureKind;
  error?: string;
}

interface Probe {
  report: EndpointReport;
  findings: Finding[];
  deps: Record<string, { text: string; status: Status }>;
}

async function checkHttp(service: HttpServiceConfig, options: HttpCheckOptions, signal: AbortSignal): Promise<CheckOutcome> {
  const t = resolveThresholds({ http: options.thresholds }).http;
  const tgt = target(service);
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const endpoints = service.endpoints ?? DEFAULT_ENDPOINTS;
  const required = new Set(service.required ?? ['/health']);
  const metricsPath = service.metricsPath === undefined ? '/metrics' : service.metricsPath;

  const [probes, metrics] = await Promise.all([
    Promise.all(endpoints.map((p) => probe(tgt, p, required.has(p), requestTimeoutMs, t, signal))),
    metricsPath ? scrape(tgt, metricsPath, requestTimeoutMs, options, t, signal) : Promise.resolve(undefined),
  ]);

  const answered = probes.filter((p) => p.report.httpStatus !== null);
  const details: Record<string, unknown> = {
    url: safeUrl(tgt.base),
    endpoints: probes.map((p) => p.report).filter((r) => r.status !== 'not_served'),
    notServed: probes.filter((p) => p.report.status === 'not_served').map((p) => p.report.path),
    metrics: metrics?.details ?? null,
  };

  // Nothing answered at all: one finding, not one per endpoint.
  if (answered.length === 0 && !metrics?.answered) {
    const first = probes[0]?.report;
    const message = first?.failure === 'timeout'
      ? `No endpoint answered within ${requestTimeoutMs} ms`
      : `Unreachable: ${first?.error ?? 'no endpoint answered'}`;
    return outcome({ status: 'down', summary: message, details, findings: [{ status: 'down', message, threshold: first?.failure === 'timeout' ? `request timeout ${requestTimeoutMs} ms` : undefined }] });
  }

  const findings: Finding[] = probes.flatMap((p) => p.findings);
  const deps = new Map<string, Finding>();
  for (const p of probes) {
    for (const [name, d] of Object.entries(p.deps)) {
      if (d.status === 'healthy' || deps.has(name)) continue;
      deps.set(name, { status: d.status, message: `${name}: ${oneLine(d.text, 160)} (per ${p.report.path})` });
    }
  }
  findings.push(...deps.values(), ...(metrics?.findings ?? []));

  const served = probes.filter((p) => p.report.status !== 'not_served');
  if (served.length === 0) {
    findings.push({ status: 'down', message: `None of the health endpoints exist (${endpoints.join(', ')} all answer 404/405): check the URL and the service's endpoints` });
  }
  const head = probes.find((p) => p.report.required && p.report.httpStatus !== null) ?? served.find((p) => p.report.httpStatus !== null);
  const ok = served.filter((p) => p.report.status === 'healthy').length;
  const parts = [head ? `GET ${head.report.path} ${head.report.httpStatus} in ${fmtMs(head.report.latencyMs)}` : 'health endpoints unreachable', `${ok}/${served.length} endpoints healthy`];
  if (metrics?.derived) parts.push(...metricsSummary(metrics.derived));
  return outcome({ summary: summaryWith(parts.join(' · '), findings), latencyMs: head?.report.latencyMs ?? null, details, findings });
}

async function probe(tgt: Target, path: string, required: boolean, requestTimeoutMs: number, t: HealthThresholds['http'], signal: AbortSignal): Promise<Probe> {
  const label = `GET ${path}`;
  const report: EndpointReport = { path, required, status: 'healthy', httpStatus: null, latencyMs: null };
  let a: HttpAnswer;
  try {
    a = await httpRequest(joinUrl(tgt.base, path), { headers: tgt.headers, signal: withDeadline(signal, requestTimeoutMs, label), maxBytes: HEALTH_BODY_MAX });
  } catch (e) {
    if (signal.aborted) throw e; // the whole check is over; the runner reports it
    const f = netFailure(e, label);
    Object.assign(report, { status: 'down', failure: f.kind, error: f.message });
    return { report, deps: {}, findings: [{ status: 'down', message: f.message, threshold: f.kind === 'timeout' ? `request timeout ${requestTimeoutMs} ms` : undefined }] };
  }
  report.httpStatus = a.status;
  report.latencyMs = Math.round(a.latencyMs * 10) / 10;
  if ((a.status === 404 || a.status === 405) && !required) {
    report.status = 'not_served';
    return { report, deps: {}, findings: [] };
  }
  const findings: Finding[] = [];
  const json = parseJson(a.body);
  const body = json === undefined ? undefined : readHealthBody(json);
  if (json !== undefined) report.body = compact(json);
  if (body?.statusText !== undefined) report.bodyStatus = body.statusText;
  if (body && Object.keys(body.dependencies).length) report.dependencies = Object.fromEntries(Object.entries(body.dependencies).map(([k, v]) => [k, v.text]));
  const said = body?.statusText !== undefined ? ` ("${oneLine(body.statusText, 40)}")` : '';
  const ct = a.headers.get('content-type') ?? 'no content type';

  let status: Status;
  if (a.status >= 200 && a.status < 300) {
    status = body?.status ?? 'healthy';
    if (status !== 'healthy') {
      findings.push({ status, message: status === 'unknown' ? `${label} says status "${oneLine(body?.statusText ?? '', 40)}", which is not a known status word` : `${label} reports itself ${status}${said}` });
    }
    if (json === undefined && a.body.trim() && !plainOk(a.body)) {
      status = worse(status, 'degraded');
      findings.push({ status: 'degraded', message: `${label} answered ${a.status} with a non-JSON body (${ct}): "${oneLine(a.body, 60)}"` });
    }
    if (a.latencyMs > t.latencyDegradedMs) {
      status = worse(status, 'degraded');
      findings.push({ status: 'degraded', message: `${label} took ${fmtMs(a.latencyMs)}`, threshold: `> ${fmtMs(t.latencyDegradedMs)} (${SOURCES.whatTheRepo}: direct queries < 2 s)` });
    }
  } else {
    status = a.status === 401 || a.status === 403 || a.status === 429 ? 'degraded' : 'down';
    const why = a.status === 404 || a.status === 405
      ? ': the service does not serve it'
      : a.status === 401 || a.status === 403
        ? ': it needs credentials (add a header in the service settings)'
        : json === undefined && a.body.trim()
          ? `: "${oneLine(a.body, 60)}"`
          : '';
    findings.push({ status, message: `${label} → HTTP ${a.status}${said}${why}` });
  }
  report.status = status;
  return { report, deps: body?.dependencies ?? {}, findings };
}

interface MetricsReport {
  answered: boolean;
  details: Record<string, unknown> | null;
  derived?: DerivedMetrics;
  findings: Finding[];
}

async function scrape(tgt: Target, path: string, requestTimeoutMs: number, options: HttpCheckOptions, t: HealthThresholds['http'], signal: AbortSignal): Promise<MetricsReport> {
  const label = `GET ${path}`;
  const once = async (): Promise<{ a: HttpAnswer; s: Scrape }> => {
    const a = await httpRequest(joinUrl(tgt.base, path), { headers: { ...tgt.headers, accept: 'text/plain;version=0.0.4, */*;q=0.1' }, signal: withDeadline(signal, requestTimeoutMs, label), maxBytes: METRICS_BODY_MAX });
    return { a, s: { metrics: parseMetrics(a.body), atMs: Date.now() } };
  };
  let first: { a: HttpAnswer; s: Scrape };
  try {
    first = await once();
  } catch (e) {
    if (signal.aborted) throw e;
    const f = netFailure(e, label);
    return { answered: false, details: { path, error: f.message }, findings: [{ status: 'degraded', message: `Metrics unavailable: ${f.message}` }] };
  }
  const { a } = first;
  if (a.status === 404 || a.status === 405) return { answered: true, details: null, findings: [] };
  if (a.status < 200 || a.status >= 300) {
    return { answered: true, details: { path, httpStatus: a.status }, findings: [{ status: 'degraded', message: `${label} → HTTP ${a.status}: no metrics to judge` }] };
  }
  let second: { a: HttpAnswer; s: Scrape } | undefined;
  const windowMs = options.rateWindowMs ?? 1000;
  if (windowMs > 0) {
    try {
      await sleep(windowMs, signal);
      const next = await once();
      if (next.a.status >= 200 && next.a.status < 300) second = next;
    } catch (e) {
      if (signal.aborted) throw e;
      // one scrape is still worth judging
    }
  }
  const last = second ?? first;
  const m = last.s.metrics;
  const findings: Finding[] = [];
  if (m.sampleCount === 0 && m.problems.length > 0) {
    findings.push({ status: 'degraded', message: `${label} is not Prometheus text (${a.headers.get('content-type') ?? 'no content type'}): ${m.problems.length} unreadable lines` });
  }
  const derived = deriveMetrics(first.s, second?.s, { names: options.metricNames, minSamples: t.minSamples });
  findings.push(...judgeMetrics(derived, m.sampleCount === 0 ? [] : m.problems, t));
  return {
    answered: true,
    derived,
    findings,
    details: {
      path,
      httpStatus: last.a.status,
      latencyMs: Math.round(first.a.latencyMs * 10) / 10,
      scrapes: second ? 2 : 1,
      truncated: last.a.truncated,
      families: m.families.size,
      samples: m.sampleCount,
      malformedLines: m.problems.length,
      problems: m.problems.slice(0, 5),
      derived,
    },
  };
}

function metricsSummary(d: DerivedMetrics): string[] {
  const out: string[] = [];
  if (d.requests?.rate !== null && d.requests?.rate !== undefined) out.push(`${+d.requests.rate.toFixed(d.requests.rate < 10 ? 2 : 0)} req/s`);
  if (d.requests?.errorRate !== null && d.requests?.errorRate !== undefined) out.push(`errors ${fmtPct(d.requests.errorRate, 2)}`);
  if (d.latency?.p99 !== null && d.latency?.p99 !== undefined) out.push(`p99 ${fmtSeconds(d.latency.p99)}`);
  if (d.cache?.hitRate !== null && d.cache?.hitRate !== undefined) out.push(`cache hits ${fmtPct(d.cache.hitRate, 0)}`);
  return out;
}

const RANK: Record<Status, number> = { healthy: 0, unknown: 1, degraded: 2, down: 3 };
function worse(a: Status, b: Status): Status {
  return RANK[b] > RANK[a] ? b : a;
}

/** A body small enough for the UI: objects kept when short, else a truncated string. */
function compact(json: unknown): unknown {
  const s = JSON.stringify(json);
  return s.length <= 4096 ? json : `${s.slice(0, 4095)}…`;
}
