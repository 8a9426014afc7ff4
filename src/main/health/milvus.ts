// Milvus (or Milvus Lite / Zilliz Cloud): connect, server version and its own health view,
// collections, and per collection the entity count (the runbook's `num_entities`), index params
// (`collection.index().params`) and load state. A configured collection that is missing, has no
// index, or is not loaded is degraded: searches against it fail.
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { OpsError } from '../../shared/errors.ts';
import { parseMilvusUrl } from '../vectors/address.ts';
import { ensureOk, isSuccess, toOpsError, type ErrorContext, type StatusLike } from '../vectors/errors.ts';
import { parseParams } from '../vectors/stats.ts';
import { abortable, onAbort } from './abort.ts';
import { errorText, fmtCount, fmtMs, oneLine } from './format.ts';
import { downOutcome, outcome, summaryWith } from './outcome.ts';
import { resolveThresholds, SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Check, CheckOutcome, Finding } from './types.ts';

export interface MilvusCheckOptions {
  /** http://host:19530, https://… (Zilliz Cloud) or host:port. */
  url: string;
  /** "user:password" or a Zilliz Cloud API key. */
  token?: string;
  /** Collections the pipeline uses (e.g. the profile's pr_index): each must exist, be indexed and loaded. */
  collections?: string[];
  /** Other collections are described up to this many. Default 20. */
  maxCollections?: number;
  id?: string;
  name?: string;
  timeoutMs?: number;
  /** gRPC deadline of each call. Default 5 s. */
  requestTimeoutMs?: number;
  thresholds?: Partial<HealthThresholds['milvus']>;
}

export type MilvusFailure = 'invalid_url' | 'unreachable' | 'unauthorized' | 'timeout' | 'error';

interface CollectionReport {
  name: string;
  configured: boolean;
  exists: boolean;
  entities: number | null;
  loadState: 'loaded' | 'loading' | 'not_loaded' | 'not_exist' | 'unknown';
  index: { field: string; name: string; type: string | null; metric: string | null; params: Record<string, unknown>; state: string; indexedRows: number; totalRows: number; pendingRows: number; failReason: string | null }[] | null;
  error?: string;
}

const LOAD_STATES: Record<string, CollectionReport['loadState']> = {
  LoadStateLoaded: 'loaded',
  LoadStateLoading: 'loading',
  LoadStateNotLoad: 'not_loaded',
  LoadStateNotExist: 'not_exist',
};

export function milvusCheck(options: MilvusCheckOptions): Check {
  return { id: options.id ?? 'milvus', kind: 'milvus', name: options.name ?? 'Milvus', timeoutMs: options.timeoutMs, secrets: options.token ? [options.token] : [], run: (signal) => checkMilvus(options, signal) };
}

async function checkMilvus(o: MilvusCheckOptions, signal: AbortSignal): Promise<CheckOutcome> {
  const t = resolveThresholds({ milvus: o.thresholds }).milvus;
  let addr: ReturnType<typeof parseMilvusUrl>;
  try {
    addr = parseMilvusUrl(o.url);
  } catch (e) {
    return downOutcome(`Invalid Milvus URL: ${errorText(e)}`, { failure: 'invalid_url' });
  }
  const timeout = o.requestTimeoutMs ?? 5000;
  const details: Record<string, unknown> = { server: addr.display };
  // Loaded on first use: the SDK (gRPC, protobuf) is heavy and the app can start without it.
  const { MilvusClient } = await abortable(import('@zilliz/milvus2-sdk-node'), signal);
  const client: MilvusClient = new MilvusClient({
    address: addr.address,
    ssl: addr.ssl,
    token: o.token?.trim() || undefined,
    timeout,
    maxRetries: 0,
    telemetry: { enabled: false },
    logLevel: 'error',
    // The SDK pings every 10 s even when idle; servers with gRPC's default policy answer that with
    // "too many pings" (GOAWAY). A health check's client lives for milliseconds: no pings needed.
    channelOptions: { 'grpc.keepalive_time_ms': 300_000, 'grpc.keepalive_permit_without_calls': 0 },
  });
  const close = (): void => void client.closeConnection().catch(() => undefined);
  const stopAbort = onAbort(signal, close);
  const ctx: ErrorContext = { server: addr.display, op: 'answer', timeoutMs: timeout, connecting: true };
  try {
    let latencyMs: number;
    try {
      await abortable(client.connectPromise, signal);
      const t0 = performance.now();
      const v = (await abortable(client.getVersion(), signal)) as { version?: string; status?: StatusLike };
      latencyMs = performance.now() - t0;
      ensureOk(v.status, ctx);
      details.version = v.version ?? null;
    } catch (e) {
      if (signal.aborted) throw e;
      return failure(toOpsError(e, ctx), details);
    }
    const findings: Finding[] = [];
    if (latencyMs > t.latencyDegradedMs) {
      findings.push({ status: 'degraded', message: `GetVersion took ${fmtMs(latencyMs)}`, threshold: `> ${fmtMs(t.latencyDegradedMs)} (${SOURCES.whatTheRepo}: vector queries < 5 s)` });
    }
    await serverHealth(client, signal, details, findings);

    const opCtx: ErrorContext = { server: addr.display, op: 'list collections', timeoutMs: timeout };
    let names: string[];
    try {
      const shown = await abortable(client.showCollections({ timeout }), signal);
      ensureOk(shown.status, opCtx);
      names = (shown.data ?? []).map((c) => c.name);
    } catch (e) {
      if (signal.aborted) throw e;
      const err = toOpsError(e, opCtx);
      if (err.code === 'unauthorized') return failure(err, details);
      findings.push({ status: 'degraded', message: `Listing collections failed: ${oneLine(err.message, 200)}` });
      names = [];
    }
    const configured = [...new Set(o.collections ?? [])];
    const described = [...new Set([...configured, ...names.slice(0, o.maxCollections ?? 20)])];
    const reports = await Promise.all(described.map((n) => describe(client, n, configured.includes(n), names.includes(n), timeout, addr.display, signal)));
    details.collectionCount = names.length;
    details.collections = reports;
    for (const r of reports) if (r.configured) findings.push(...judgeCollection(r));

    const main = reports.find((r) => r.configured && r.exists) ?? reports.find((r) => r.exists);
    const parts = [`Milvus ${details.version ?? '?'}`, `${names.length} collection${names.length === 1 ? '' : 's'}`];
    if (main) parts.push(`${main.name} ${main.entities === null ? '?' : fmtCount(main.entities)} entities${main.index?.[0]?.type ? `, ${main.index[0].type} ${main.index[0].metric ?? ''}`.trimEnd() : ''}, ${main.loadState.replace('_', ' ')}`);
    parts.push(fmtMs(latencyMs));
    return outcome({ summary: summaryWith(parts.join(' · '), findings), latencyMs: Math.round(latencyMs * 10) / 10, details, findings });
  } finally {
    stopAbort();
    close();
  }
}

/** CheckHealth: Milvus's own view (coordinators, quota states); servers without it are skipped. */
async function serverHealth(client: MilvusClient, signal: AbortSignal, details: Record<string, unknown>, findings: Finding[]): Promise<void> {
  try {
    const h = (await abortable(client.checkHealth(), signal)) as { isHealthy?: boolean; reasons?: string[]; quota_states?: string[]; status?: StatusLike };
    if (h.status && !isSuccess(h.status)) return;
    details.serverHealthy = h.isHealthy ?? null;
    details.quotaStates = h.quota_states ?? [];
    if (h.isHealthy === false) findings.push({ status: 'down', message: `Milvus reports itself unhealthy: ${(h.reasons ?? []).join('; ') || 'no reason given'}` });
    for (const q of h.quota_states ?? []) {
      if (/Deny/i.test(String(q))) findings.push({ status: 'degraded', message: `Quota state ${q}: Milvus is refusing ${/Write/i.test(String(q)) ? 'writes' : 'reads'}` });
    }
  } catch (e) {
    if (signal.aborted) throw e;
    details.serverHealthy = null; // UNIMPLEMENTED on older servers
  }
}

async function describe(client: MilvusClient, name: string, configured: boolean, listed: boolean, timeout: number, server: string, signal: AbortSignal): Promise<CollectionReport> {
  const r: CollectionReport = { name, configured, exists: listed, entities: null, loadState: listed ? 'unknown' : 'not_exist', index: null };
  if (!listed) return r;
  const ctx: ErrorContext = { server, op: `describe ${name}`, collection: name, timeoutMs: timeout };
  try {
    const [stats, index, load] = await abortable(
      Promise.all([
        client.getCollectionStatistics({ collection_name: name, timeout }),
        client.describeIndex({ collection_name: name, timeout }),
        client.getLoadState({ collection_name: name, timeout }),
      ]),
      signal,
    );
    ensureOk(stats.status, ctx);
    r.entities = Number(stats.data?.row_count ?? stats.stats?.find((s) => s.key === 'row_count')?.value ?? NaN);
    if (!Number.isFinite(r.entities)) r.entities = null;
    // "no index" comes back as a non-success status: a state to report, not an error.
    r.index = isSuccess(index.status)
      ? (index.index_descriptions ?? []).map((d) => {
          const p = (k: string): string | null => {
            const v = d.params?.find((x) => x.key === k)?.value;
            return v === undefined ? null : String(v);
          };
          return {
            field: d.field_name,
            name: d.index_name,
            type: p('index_type'),
            metric: p('metric_type'),
            params: parseParams(p('params')),
            state: String(d.state ?? ''),
            indexedRows: Number(d.indexed_rows ?? 0),
            totalRows: Number(d.total_rows ?? 0),
            pendingRows: Number(d.pending_index_rows ?? 0),
            failReason: d.index_state_fail_reason || null,
          };
        })
      : [];
    if (isSuccess(load.status)) r.loadState = LOAD_STATES[String(load.state)] ?? 'unknown';
  } catch (e) {
    if (signal.aborted) throw e;
    r.error = oneLine(toOpsError(e, ctx).message, 200);
  }
  return r;
}

function judgeCollection(r: CollectionReport): Finding[] {
  if (!r.exists) return [{ status: 'degraded', message: `Collection ${r.name} does not exist: run the embedding pipeline to create it`, threshold: 'configured collection exists' }];
  if (r.error) return [{ status: 'degraded', message: `Collection ${r.name}: ${r.error}` }];
  const out: Finding[] = [];
  if (r.loadState === 'not_loaded') out.push({ status: 'degraded', message: `Collection ${r.name} is not loaded: searches fail until it is loaded`, threshold: 'configured collection loaded' });
  if (r.loadState === 'loading') out.push({ status: 'degraded', message: `Collection ${r.name} is still loading: searches fail until it is done`, threshold: 'configured collection loaded' });
  if (r.index && r.index.length === 0) out.push({ status: 'degraded', message: `Collection ${r.name} has no index: Milvus cannot load it for search`, threshold: 'configured collection indexed' });
  for (const i of r.index ?? []) {
    if (/fail/i.test(i.state)) out.push({ status: 'degraded', message: `Index ${i.name} on ${r.name} failed to build: ${i.failReason ?? 'no reason given'}` });
  }
  return out;
}

function failure(err: OpsError, details: Record<string, unknown>): CheckOutcome {
  const kind: MilvusFailure = err.code === 'unauthorized' ? 'unauthorized' : err.code === 'unavailable' ? 'unreachable' : err.code === 'timeout' ? 'timeout' : 'error';
  const label: Record<MilvusFailure, string> = { invalid_url: 'Invalid URL', unreachable: 'Unreachable', unauthorized: 'Authentication failed', timeout: 'Not answering', error: 'Error' };
  return downOutcome(`${label[kind]}: ${oneLine(err.message, 300)}`, { ...details, failure: kind });
}
