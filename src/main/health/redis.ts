// Redis: PING latency (`redis-cli ping`), INFO (memory vs maxmemory, clients, persistence,
// replication) and queue backlogs (`redis-cli LLEN bull:analysis:wait` in the AutoDevOps runbook),
// with patterns such as bull:*:wait found by SCAN — never KEYS, which blocks the server.
// One connection attempt, no reconnects: a health check must not add a reconnect storm to an
// ailing server.
import type { Redis } from 'ioredis';
import { abortable, withDeadline } from './abort.ts';
import { errorText, fmtBytes, fmtCount, fmtMs, fmtPct, oneLine } from './format.ts';
import { downOutcome, outcome, summaryWith } from './outcome.ts';
import { resolveThresholds, SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Check, CheckOutcome, Finding } from './types.ts';

export interface QueueKeyConfig {
  /** A key (bull:analysis:wait) or a glob pattern (bull:*:wait). */
  pattern: string;
  /** Overrides thresholds.redis.queueBacklogDegraded for the keys it matches. */
  degradedAbove?: number;
}

export interface RedisCheckOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  url: string;
  id?: string;
  name?: string;
  timeoutMs?: number;
  queueKeys?: readonly (string | QueueKeyConfig)[];
  /** TCP connect plus handshake. Default 2 s. */
  connectTimeoutMs?: number;
  /** Per command. Default 3 s. */
  commandTimeoutMs?: number;
  /** Redis is used as a cache (pggit's L2): judge the keyspace hit rate. Default false. */
  cache?: boolean;
  /** A replica is degraded (queues need writes). Default true. */
  expectWritable?: boolean;
  /** SCAN stops after examining about this many keys per pattern. Default 200,000. */
  maxScanKeys?: number;
  /** At most this many matching keys are measured per pattern. Default 500. */
  maxKeysPerPattern?: number;
  thresholds?: Partial<HealthThresholds['redis']>;
}

export type RedisFailure = 'unreachable' | 'wrong_password' | 'auth_required' | 'auth_error' | 'unresponsive' | 'loading' | 'tls_failed' | 'error';

const FAILURE_LABEL: Record<RedisFailure, string> = {
  unreachable: 'Unreachable',
  wrong_password: 'Wrong password',
  auth_required: 'Password required',
  auth_error: 'Authentication failed',
  unresponsive: 'Not answering',
  loading: 'Loading its dataset',
  tls_failed: 'TLS failed',
  error: 'Error',
};

const SCAN_COUNT = 1000;
const CACHE_MIN_LOOKUPS = 100;

export function redisCheck(options: RedisCheckOptions): Check {
  const secrets: string[] = [];
  try {
    const u = new URL(options.url);
    if (u.password) secrets.push(decodeURIComponent(u.password));
  } catch {
    // reported by run()
  }
  return { id: options.id ?? 'redis', kind: 'redis', name: options.name ?? 'Redis', timeoutMs: options.timeoutMs, secrets, run: (signal) => checkRedis(options, signal) };
}

/** host:port/db — never the password. */
export function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\//, '');
    return `${u.protocol === 'rediss:' ? 'rediss://' : ''}${u.hostname}:${u.port || 6379}${db && db !== '0' ? `/${db}` : ''}`;
  } catch {
    return 'the configured Redis';
  }
}

export function classifyRedisError(e: unknown): RedisFailure {
  const code = (e as { code?: unknown })?.code;
  const msg = errorText(e);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(msg)) return 'unreachable';
  if (code === 'ETIMEDOUT' || /connect ETIMEDOUT/.test(msg)) return 'unreachable';
  if (/^WRONGPASS/.test(msg)) return 'wrong_password';
  if (/^NOAUTH/.test(msg)) return 'auth_required';
  if (/AUTH|password/i.test(msg) && /^ERR/.test(msg)) return 'auth_error';
  if (/^LOADING/.test(msg)) return 'loading';
  if (/timed out|did not answer/i.test(msg)) return 'unresponsive';
  if (/certificate|SSL|TLS|wrong version number/i.test(msg)) return 'tls_failed';
  if (code === 'ECONNRESET' || /Connection is closed/.test(msg)) return 'unreachable';
  return 'error';
}

async function checkRedis(o: RedisCheckOptions, signal: AbortSignal): Promise<CheckOutcome> {
  const t = resolveThresholds({ redis: o.thresholds }).redis;
  // An empty URL would make ioredis try localhost:6379.
  if (!o.url?.trim()) return downOutcome('No Redis URL: set redis_url in Settings → Secrets (or REDIS_URL)', { failure: 'missing_url' });
  const target = redisTarget(o.url);
  const connectTimeoutMs = o.connectTimeoutMs ?? 2000;
  const { Redis: Client } = await import('ioredis');
  const client: Redis = new Client(o.url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: o.commandTimeoutMs ?? 3000,
    retryStrategy: () => null, // no reconnects
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false, // fail at once when not connected instead of queueing
    enableReadyCheck: false, // we read INFO ourselves, and report "loading" instead of waiting
    autoResubscribe: false,
    reconnectOnError: null,
    connectionName: 'repo-ops-health',
  });
  // ioredis rejects connect() with "Connection is closed."; the cause arrives as an 'error' event.
  let lastError: Error | undefined;
  client.on('error', (e: Error) => {
    lastError = e;
  });
  const stop = (): void => client.disconnect(false);
  signal.addEventListener('abort', stop, { once: true });
  try {
    try {
      await abortable(client.connect(), withDeadline(signal, connectTimeoutMs, `Redis at ${target}`));
    } catch (e) {
      if (signal.aborted) throw e;
      return failure(lastError ?? e, target, null);
    }
    const t0 = performance.now();
    let pong: string;
    try {
      pong = await abortable(client.ping(), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      return failure(e, target, null);
    }
    const latencyMs = performance.now() - t0;
    const findings: Finding[] = [];
    const details: Record<string, unknown> = { server: target, ping: pong };
    let base = `PING ${fmtMs(latencyMs)}`;
    try {
      const info = parseInfo(await abortable(client.info(), signal));
      base = `Redis ${info.redis_version ?? '?'} · ${base} · ${judgeInfo(info, o, t, details, findings)}`;
    } catch (e) {
      if (signal.aborted) throw e;
      findings.push({ status: 'unknown', message: `INFO failed: ${oneLine(errorText(e), 160)}` });
    }
    if (o.queueKeys?.length) {
      try {
        const q = await queueLengths(client, o, t, signal);
        details.queues = q.queues;
        details.queueTotal = q.total;
        findings.push(...q.findings);
        const top = q.queues.filter((x) => x.length !== null).sort((a, b) => (b.length ?? 0) - (a.length ?? 0))[0];
        base += ` · queued ${fmtCount(q.total)}${top?.length ? ` (largest ${top.key}: ${fmtCount(top.length)})` : ''}`;
      } catch (e) {
        if (signal.aborted) throw e;
        findings.push({ status: 'unknown', message: `Reading queue lengths failed: ${oneLine(errorText(e), 160)}` });
      }
    }
    return outcome({ summary: summaryWith(base, findings), latencyMs: Math.round(latencyMs * 100) / 100, details, findings });
  } finally {
    signal.removeEventListener('abort', stop);
    client.disconnect(false);
  }
}

function failure(e: unknown, target: string, latencyMs: number | null): CheckOutcome {
  const kind = classifyRedisError(e);
  const hint: Record<RedisFailure, string> = {
    unreachable: 'is the server running, and are the host and port right?',
    wrong_password: 'update the password in the Redis URL.',
    auth_required: 'the server requires a password: add it to the Redis URL (redis://:PASSWORD@host:port).',
    auth_error: 'check the user and password in the Redis URL.',
    unresponsive: 'the server accepted the connection but did not answer (overloaded, blocked by a slow command, or not Redis).',
    loading: 'it is loading its dataset into memory; try again shortly.',
    tls_failed: 'check rediss:// vs redis:// and the certificate.',
    error: '',
  };
  const reason = oneLine(errorText(e), 160);
  const summary = `${FAILURE_LABEL[kind]}: Redis at ${target} (${reason})${hint[kind] ? ` — ${hint[kind]}` : ''}`;
  return downOutcome(summary, { server: target, failure: kind }, latencyMs);
}

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Adds findings and details from INFO; returns the summary's middle part. */
function judgeInfo(info: Record<string, string>, o: RedisCheckOptions, t: HealthThresholds['redis'], details: Record<string, unknown>, findings: Finding[]): string {
  const num = (k: string): number => Number(info[k] ?? NaN);
  const used = num('used_memory');
  const max = num('maxmemory');
  const policy = info.maxmemory_policy ?? null;
  const ratio = max > 0 ? used / max : null;
  const clients = num('connected_clients');
  const maxClients = num('maxclients');
  const hits = num('keyspace_hits');
  const misses = num('keyspace_misses');
  const keys = Object.entries(info).filter(([k]) => /^db\d+$/.test(k)).reduce((n, [, v]) => n + Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), 0);
  Object.assign(details, {
    version: info.redis_version ?? null,
    mode: info.redis_mode ?? null,
    role: info.role ?? null,
    uptimeSeconds: num('uptime_in_seconds'),
    memory: { usedBytes: used, maxBytes: max > 0 ? max : null, ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000, policy, fragmentationRatio: num('mem_fragmentation_ratio') || null, evictedKeys: num('evicted_keys') },
    clients: { connected: clients, blocked: num('blocked_clients'), max: Number.isFinite(maxClients) ? maxClients : null, rejectedConnections: num('rejected_connections') },
    keys,
    keyspaceHitRate: hits + misses > 0 ? Math.round((hits / (hits + misses)) * 1000) / 1000 : null,
    persistence: { loading: info.loading === '1', rdbLastBgsave: info.rdb_last_bgsave_status ?? null, aofLastWrite: info.aof_last_write_status ?? null },
  });
  if (ratio !== null) {
    if (ratio > t.memoryDownRatio && policy === 'noeviction') {
      findings.push({ status: 'down', message: `Memory full: ${fmtBytes(used)} of ${fmtBytes(max)} (${fmtPct(ratio, 0)}) with noeviction: writes fail with OOM`, threshold: `> ${fmtPct(t.memoryDownRatio)} of maxmemory with noeviction` });
    } else if (ratio > t.memoryDegradedRatio) {
      findings.push({ status: 'degraded', message: `Memory ${fmtBytes(used)} of ${fmtBytes(max)} (${fmtPct(ratio, 0)}, policy ${policy})`, threshold: `> ${fmtPct(t.memoryDegradedRatio)} of maxmemory` });
    }
  }
  // Job queues (BullMQ, Celery) lose jobs when Redis evicts keys.
  if (o.queueKeys?.length && max > 0 && policy && policy !== 'noeviction') {
    findings.push({ status: 'degraded', message: `maxmemory-policy is ${policy}: under memory pressure Redis evicts queue keys (job queues need noeviction)`, threshold: 'maxmemory-policy noeviction for queues' });
  }
  if (maxClients > 0 && clients / maxClients > t.clientsDegradedRatio) {
    findings.push({ status: 'degraded', message: `${fmtCount(clients)} of ${fmtCount(maxClients)} client connections in use`, threshold: `> ${fmtPct(t.clientsDegradedRatio)} of maxclients` });
  }
  if (info.loading === '1') findings.push({ status: 'degraded', message: 'Loading its dataset from disk: commands fail with LOADING until it is done' });
  if (info.rdb_last_bgsave_status === 'err') findings.push({ status: 'degraded', message: 'The last RDB snapshot failed: with stop-writes-on-bgsave-error (the default) writes are refused' });
  if (info.aof_last_write_status === 'err') findings.push({ status: 'degraded', message: 'The last AOF write failed: check the disk' });
  if ((o.expectWritable ?? true) && (info.role === 'slave' || info.role === 'replica')) {
    findings.push({ status: 'degraded', message: 'This is a replica (read-only): queue and rate-limit writes fail; point the URL at the primary', threshold: 'writable primary expected' });
  }
  if (o.cache && hits + misses >= CACHE_MIN_LOOKUPS && hits / (hits + misses) < t.cacheHitRateMin) {
    findings.push({ status: 'degraded', message: `Cache hit rate ${fmtPct(hits / (hits + misses))} (${fmtCount(hits)} hits, ${fmtCount(misses)} misses since start)`, threshold: `< ${fmtPct(t.cacheHitRateMin)} (${SOURCES.pggit}: LowCacheHitRate)` });
  }
  return `${fmtBytes(used)} used${max > 0 ? ` of ${fmtBytes(max)}` : ' (no maxmemory)'} · ${fmtCount(clients)} client${clients === 1 ? '' : 's'}`;
}

interface QueueLength {
  key: string;
  pattern: string;
  type: string;
  /** null for a key that is not a queue-like type (a string). */
  length: number | null;
  threshold: number;
}

async function queueLengths(client: Redis, o: RedisCheckOptions, t: HealthThresholds['redis'], signal: AbortSignal): Promise<{ queues: QueueLength[]; total: number; findings: Finding[] }> {
  const maxScan = o.maxScanKeys ?? 200_000;
  const maxKeys = o.maxKeysPerPattern ?? 500;
  const findings: Finding[] = [];
  const wanted = new Map<string, { pattern: string; threshold: number }>();
  for (const raw of o.queueKeys ?? []) {
    const cfg = typeof raw === 'string' ? { pattern: raw } : raw;
    const threshold = cfg.degradedAbove ?? t.queueBacklogDegraded;
    if (!/[*?[]/.test(cfg.pattern)) {
      if (!wanted.has(cfg.pattern)) wanted.set(cfg.pattern, { pattern: cfg.pattern, threshold });
      continue;
    }
    let cursor = '0';
    let examined = 0;
    let matched = 0;
    let cut = false;
    do {
      const [next, keys] = await abortable(client.scan(cursor, 'MATCH', cfg.pattern, 'COUNT', SCAN_COUNT), signal);
      cursor = next;
      examined += SCAN_COUNT;
      for (const k of keys) {
        if (wanted.has(k)) continue;
        if (matched >= maxKeys) {
          cut = true;
          break;
        }
        wanted.set(k, { pattern: cfg.pattern, threshold });
        matched++;
      }
      if (cursor !== '0' && (examined >= maxScan || matched >= maxKeys)) cut = true;
    } while (cursor !== '0' && !cut);
    if (cut) {
      findings.push({ status: 'unknown', message: `Stopped scanning for ${cfg.pattern} after ~${fmtCount(examined)} keys${matched >= maxKeys ? ` and ${maxKeys} matches` : ''}: backlogs may be incomplete (list exact queue keys instead)` });
    }
  }
  const keys = [...wanted.keys()];
  if (!keys.length) return { queues: [], total: 0, findings };
  const types = await abortable(keys.reduce((p, k) => p.type(k), client.pipeline()).exec(), signal);
  const lengthCommand: Record<string, 'llen' | 'zcard' | 'scard' | 'xlen' | 'hlen'> = { list: 'llen', zset: 'zcard', set: 'scard', stream: 'xlen', hash: 'hlen' };
  const typeOf = keys.map((_, i) => String(types?.[i]?.[1] ?? 'none'));
  const pipe = client.pipeline();
  const measured: number[] = [];
  typeOf.forEach((type, i) => {
    const cmd = lengthCommand[type];
    if (cmd) {
      pipe[cmd](keys[i]!);
      measured.push(i);
    }
  });
  const lengths = measured.length ? await abortable(pipe.exec(), signal) : [];
  const queues: QueueLength[] = keys.map((key, i) => {
    const type = typeOf[i]!;
    const j = measured.indexOf(i);
    // A missing key is an empty queue: Redis deletes a list when its last element is popped.
    const length = type === 'none' ? 0 : j >= 0 ? Number(lengths?.[j]?.[1] ?? 0) : null;
    return { key, pattern: wanted.get(key)!.pattern, type, length, threshold: wanted.get(key)!.threshold };
  });
  for (const q of queues) {
    if (q.length !== null && q.length > q.threshold) {
      findings.push({ status: 'degraded', message: `Backlog: ${q.key} has ${fmtCount(q.length)} entries`, threshold: `> ${fmtCount(q.threshold)} (${SOURCES.pggit}: QueueDepthHigh; ${SOURCES.autodevops}: worker backlog)` });
    }
  }
  return { queues, total: queues.reduce((n, q) => n + (q.length ?? 0), 0), findings };
}
