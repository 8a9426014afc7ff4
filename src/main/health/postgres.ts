// PostgreSQL: connect, the probe query's latency (runbooks: `psql -c "SELECT 1"`), version,
// connections vs max_connections, long-running statements and idle transactions
// (pg_stat_activity, as in the pggit guide), read-only state, database size, and the app's pool.
// Failures are named: unreachable, wrong password, missing database, TLS required, read-only.
import pg from 'pg';
import { describePgError, describeTarget } from '../warehouse/pg-errors.ts';
import { abortable, onAbort } from './abort.ts';
import { errorText, fmtBytes, fmtCount, fmtMs, fmtPct, fmtSeconds, oneLine } from './format.ts';
import { downOutcome, outcome, summaryWith } from './outcome.ts';
import { resolveThresholds, SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Check, CheckOutcome, Finding } from './types.ts';

export interface PostgresCheckOptions {
  url: string;
  id?: string;
  name?: string;
  timeoutMs?: number;
  /** The app's own pool, to report total/idle/waiting clients. */
  pool?: pg.Pool;
  /** What "can it answer" means; default SELECT 1. A canary on a real table (the What-the-Repo runbook reads one row of author_metrics_daily) also proves that table is readable. */
  probeQuery?: string;
  /** A read-only server (standby, default_transaction_read_only) is degraded. Default true. */
  expectWritable?: boolean;
  /** Default 5 s. */
  connectTimeoutMs?: number;
  /** Server-side bound on the check's statements, so an abandoned probe does not wait on a lock forever. Default 10 s. */
  statementTimeoutMs?: number;
  thresholds?: Partial<HealthThresholds['postgres']>;
}

export type PgFailure = 'unreachable' | 'wrong_password' | 'access_denied' | 'missing_database' | 'tls_required' | 'tls_unsupported' | 'tls_failed' | 'too_many_connections' | 'starting_up' | 'query_failed';

const FAILURE_LABEL: Record<PgFailure, string> = {
  unreachable: 'Unreachable',
  wrong_password: 'Wrong password',
  access_denied: 'Access denied',
  missing_database: 'Missing database',
  tls_required: 'TLS required',
  tls_unsupported: 'TLS not supported by the server',
  tls_failed: 'TLS failed',
  too_many_connections: 'No free connection slots',
  starting_up: 'Starting up or shutting down',
  query_failed: 'Query failed',
};

export function postgresCheck(options: PostgresCheckOptions): Check {
  const secrets: string[] = [];
  try {
    const u = new URL(options.url);
    if (u.password) secrets.push(decodeURIComponent(u.password));
  } catch {
    // an unparsable URL is reported by run()
  }
  return {
    id: options.id ?? 'postgres',
    kind: 'postgres',
    name: options.name ?? 'PostgreSQL',
    timeoutMs: options.timeoutMs,
    secrets,
    run: (signal) => checkPostgres(options, signal),
  };
}

/** What kind of failure a driver error is; drives the summary's first words. */
export function classifyPgError(e: unknown): PgFailure {
  const err = (e ?? {}) as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = err.code ?? err.errors?.find((x) => x.code)?.code;
  const msg = err.message ?? String(e);
  switch (code) {
    case '28P01':
      return 'wrong_password';
    case '28000':
      return /SSL|encryption/i.test(msg) ? 'tls_required' : 'access_denied';
    case '3D000':
      return 'missing_database';
    case '53300':
      return 'too_many_connections';
    case '57P01':
    case '57P02':
    case '57P03':
      return 'starting_up';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return 'unreachable';
  }
  if (/does not support SSL/i.test(msg)) return 'tls_unsupported';
  if (/self.signed|certificate|SSL|TLS/i.test(msg)) return 'tls_failed';
  if (/timeout expired|connection timeout|Connection terminated|terminating connection|connect E/i.test(msg)) return 'unreachable';
  return 'query_failed';
}

const INFO_SQL = `
SELECT current_setting('server_version') AS version,
       current_setting('server_version_num')::int AS version_num,
       current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS reserved_connections,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS connections,
       (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock')::int AS waiting_on_locks,
       current_database() AS database,
       pg_database_size(current_database())::float8 AS size_bytes,
       pg_is_in_recovery() AS in_recovery,
       current_setting('default_transaction_read_only') = 'on' AS default_read_only,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS sees_all_sessions`;

// Sessions other than ours that are running a statement, or sitting in a transaction, for longer
// than $1 seconds. Other users' sessions are only visible to superusers and pg_read_all_stats.
const ACTIVITY_SQL = `
SELECT pid, usename AS "user", datname AS database, state, wait_event_type, wait_event,
       extract(epoch FROM now() - query_start)::float8 AS query_seconds,
       extract(epoch FROM now() - state_change)::float8 AS state_seconds,
       left(query, 1000) AS query
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
  AND ((state = 'active' AND query_start < now() - make_interval(secs => $1))
    OR (state LIKE 'idle in transaction%' AND state_change < now() - make_interval(secs => $1)))
ORDER BY query_start`;

interface ActivityRow {
  pid: number;
  user: string | null;
  database: string | null;
  state: string;
  wait_event_type: string | null;
  wait_event: string | null;
  query_seconds: number;
  state_seconds: number;
  query: string | null;
}

async function checkPostgres(o: PostgresCheckOptions, signal: AbortSignal): Promise<CheckOutcome> {
  const t = resolveThresholds({ postgres: o.thresholds }).postgres;
  // An empty URL would make pg fall back to PGHOST/PGUSER or the OS user on localhost.
  if (!o.url?.trim()) return downOutcome('No Postgres URL: set postgres_url in Settings → Secrets (or DATABASE_URL)', { failure: 'missing_url' });
  const target = describeTarget(o.url);
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: o.url,
      connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
      statement_timeout: o.statementTimeoutMs ?? 10_000,
      application_name: 'repo-ops-health',
    });
  } catch (e) {
    return downOutcome(`The Postgres URL is not valid: ${oneLine(errorText(e), 120)}`, { server: target, failure: 'invalid_url' });
  }
  // A server that drops us mid-check emits 'error'; the awaited call reports it.
  client.on('error', () => undefined);
  // pg does not cancel a statement waiting on a lock; destroying the socket ends our side at once.
  const destroy = (): void => {
    void client.end().catch(() => undefined);
    (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
  };
  const stopAbort = onAbort(signal, destroy);
  try {
    const t0 = performance.now();
    try {
      await abortable(client.connect(), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      return failure(e, o.url, target, null);
    }
    const connectMs = performance.now() - t0;
    const t1 = performance.now();
    try {
      await abortable(client.query(o.probeQuery ?? 'SELECT 1'), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      return failure(e, o.url, target, round(connectMs));
    }
    const latencyMs = performance.now() - t1;
    const findings: Finding[] = [];
    const details: Record<string, unknown> = { server: target, connectMs: round(connectMs), probe: o.probeQuery ? 'custom' : 'SELECT 1' };
    if (latencyMs > t.latencyDegradedMs) {
      findings.push({ status: 'degraded', message: `The probe query took ${fmtMs(latencyMs)}`, threshold: `> ${fmtMs(t.latencyDegradedMs)} (${SOURCES.whatTheRepo}: direct queries < 2 s)` });
    }

    let base = `SELECT 1 in ${fmtMs(latencyMs)}`;
    try {
      const info = (await abortable(client.query(INFO_SQL), signal)).rows[0] as Record<string, unknown>;
      const used = Number(info.connections);
      const max = Number(info.max_connections);
      const ratio = max > 0 ? used / max : 0;
      Object.assign(details, {
        version: String(info.version),
        versionNum: Number(info.version_num),
        database: String(info.database),
        sizeBytes: Number(info.size_bytes),
        connections: { used, max, reservedForSuperusers: Number(info.reserved_connections), ratio: round(ratio, 3) },
        waitingOnLocks: Number(info.waiting_on_locks),
        inRecovery: Boolean(info.in_recovery),
        readOnly: Boolean(info.in_recovery) || Boolean(info.default_read_only),
        seesAllSessions: Boolean(info.sees_all_sessions),
      });
      base = `PostgreSQL ${String(info.version).split(' ')[0]} · ${base} · ${used}/${max} connections · ${fmtBytes(Number(info.size_bytes))}`;
      if (ratio > t.connectionsDegradedRatio) {
        findings.push({ status: 'degraded', message: `${used} of ${max} connections in use (${fmtPct(ratio, 0)})`, threshold: `> ${fmtPct(t.connectionsDegradedRatio)} of max_connections` });
      }
      if ((o.expectWritable ?? true) && details.readOnly) {
        const why = info.in_recovery ? 'a standby in recovery' : 'default_transaction_read_only is on';
        findings.push({ status: 'degraded', message: `Read-only: ${why}, so sync and ETL writes will fail`, threshold: 'writable primary expected' });
      }
    } catch (e) {
      if (signal.aborted) throw e;
      findings.push({ status: 'unknown', message: `Could not read server statistics: ${oneLine(describePgError(e, o.url).message, 160)}` });
    }

    try {
      const since = Math.min(t.slowQuerySeconds, t.longQueryDegradedSeconds, t.idleInTransactionDegradedSeconds);
      const rows = (await abortable(client.query(ACTIVITY_SQL, [since]), signal)).rows as ActivityRow[];
      findings.push(...judgeActivity(rows, t, details));
    } catch (e) {
      if (signal.aborted) throw e;
      findings.push({ status: 'unknown', message: `Could not read pg_stat_activity: ${oneLine(describePgError(e, o.url).message, 160)}` });
    }

    if (o.pool) findings.push(...judgePool(o.pool, t, details));
    return outcome({ summary: summaryWith(base, findings), latencyMs: round(latencyMs), details, findings });
  } finally {
    stopAbort();
    // A polite Terminate when we are done; the abort path has already destroyed the socket.
    if (!signal.aborted) void client.end().catch(() => undefined);
  }
}

function judgeActivity(rows: ActivityRow[], t: HealthThresholds['postgres'], details: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const active = rows.filter((r) => r.state === 'active' && r.query_seconds > t.slowQuerySeconds);
  const long = active.filter((r) => r.query_seconds > t.longQueryDegradedSeconds);
  const idleTx = rows.filter((r) => r.state.startsWith('idle in transaction') && r.state_seconds > t.idleInTransactionDegradedSeconds);
  const view = (r: ActivityRow) => ({
    pid: r.pid,
    user: r.user,
    database: r.database,
    state: r.state,
    seconds: round(r.state.startsWith('idle') ? r.state_seconds : r.query_seconds, 1),
    waitEvent: r.wait_event_type ? `${r.wait_event_type}:${r.wait_event}` : null,
    query: sanitizeSql(r.query),
  });
  details.slowQueries = active.length;
  details.longRunningQueries = long.length;
  details.longestQuery = active[0] ? view(active[0]) : null;
  details.activeOverThreshold = active.slice(0, 5).map(view);
  details.idleInTransaction = idleTx.length;
  if (long.length) {
    const l = active[0]!;
    findings.push({
      status: 'degraded',
      message: `${long.length} statement${long.length === 1 ? '' : 's'} running longer than ${fmtSeconds(t.longQueryDegradedSeconds)} (longest ${fmtSeconds(l.query_seconds)}, pid ${l.pid}${l.wait_event_type === 'Lock' ? ', waiting on a lock' : ''}: ${sanitizeSql(l.query)?.slice(0, 80) ?? 'query hidden'})`,
      threshold: `> ${t.longQueryDegradedSeconds} s (${SOURCES.pggit}: long-running queries)`,
    });
  }
  if (idleTx.length) {
    findings.push({
      status: 'degraded',
      message: `${idleTx.length} session${idleTx.length === 1 ? '' : 's'} idle in a transaction for over ${fmtSeconds(t.idleInTransactionDegradedSeconds)} (holding locks and a connection)`,
      threshold: `> ${t.idleInTransactionDegradedSeconds} s (${SOURCES.pggit}: idle sessions older than 5 minutes)`,
    });
  }
  return findings;
}

function judgePool(pool: pg.Pool, t: HealthThresholds['postgres'], details: Record<string, unknown>): Finding[] {
  const max = pool.options.max ?? 10;
  const total = pool.totalCount;
  const idle = pool.idleCount;
  const waiting = pool.waitingCount;
  const inUse = total - idle;
  const available = max - inUse;
  details.pool = { max, total, idle, inUse, waiting, available };
  const findings: Finding[] = [];
  if (max > 0 && inUse / max > t.poolUsageDegradedRatio) {
    findings.push({ status: 'degraded', message: `App pool nearly exhausted: ${inUse} of ${max} clients in use, ${fmtCount(waiting)} waiting`, threshold: `in use / max > ${t.poolUsageDegradedRatio} (${SOURCES.leaderboard}: DatabaseConnectionPoolExhausted)` });
  } else if (available < t.poolAvailableMin && waiting > 0) {
    findings.push({ status: 'degraded', message: `App pool has ${available} free client${available === 1 ? '' : 's'} and ${waiting} waiting`, threshold: `available < ${t.poolAvailableMin} (${SOURCES.pggit}: DatabasePoolExhausted)` });
  }
  return findings;
}

function failure(e: unknown, url: string, target: string, connectMs: number | null): CheckOutcome {
  const kind = classifyPgError(e);
  const message = oneLine(describePgError(e, url).message, 300);
  const summary = `${FAILURE_LABEL[kind]}: ${message}`;
  const details: Record<string, unknown> = { server: target, failure: kind, sqlState: (e as { code?: unknown })?.code ?? null };
  if (connectMs !== null) details.connectMs = connectMs;
  return downOutcome(summary, details);
}

/** Query text for the UI: string literals (passwords, personal data) blanked, whitespace folded. */
export function sanitizeSql(q: string | null): string | null {
  if (q === null || q === undefined) return null;
  if (q === '<insufficient privilege>') return q;
  return oneLine(q.replace(/'(?:[^']|'')*'/g, "'…'").replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '$$$1$$…$$$1$$'), 200);
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
