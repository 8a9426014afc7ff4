// The executor: one statement inside BEGIN READ ONLY with a local statement timeout,
// always rolled back. The read-only transaction is what stops writes; sql-guard only
// refuses, early and clearly, what that transaction would let through.
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { withClient } from '../warehouse/pool.ts';
import { quoteIdent as ident } from '../warehouse/identifiers.ts';
import { checkOperatorFunctions, operatorSqlProtection } from './operator-sql.ts';
import { bindParams } from './params.ts';
import { BUILTIN_TYPES, convertValue, typeName, type TypeInfo } from './pg-values.ts';
import { describeQueryError } from './query-errors.ts';
import { ReadQuery } from './read-query.ts';
import { checkReadOnlySql } from './sql-guard.ts';
import type { QueryParam, QueryResult, RunOptions } from './types.ts';

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_ROWS = 10_000;
const MAX_TIMEOUT_MS = 600_000;
const MAX_ROWS_LIMIT = 1_000_000;

// Session settings that fix the text formats pg-values parses (UTC ISO timestamps, hex bytea).
const FORMAT_SETTINGS = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL bytea_output = 'hex'; SET LOCAL extra_float_digits = 1";

// Non-builtin type OIDs (enums, extension types, their arrays) differ per database: cache per pool.
const typeCache = new WeakMap<pg.Pool, Map<number, TypeInfo>>();

function poolUrl(pool: pg.Pool): string {
  return (pool as { options?: { connectionString?: string } }).options?.connectionString ?? '';
}

function toWire(v: unknown, i: number): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  if (typeof v === 'object') return JSON.stringify(v);
  throw new OpsError('invalid_input', `Parameter $${i + 1} has an unsupported value type (${typeof v}).`);
}

function checkLimit(name: string, v: number | undefined, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new OpsError('invalid_input', `${name} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got ${v}.`);
  return v;
}

async function resolveTypes(client: pg.PoolClient, pool: pg.Pool, oids: number[]): Promise<ReadonlyMap<number, TypeInfo>> {
  let cache = typeCache.get(pool);
  if (!cache) typeCache.set(pool, (cache = new Map()));
  const known = (oid: number) => BUILTIN_TYPES.has(oid) || cache.has(oid);
  let missing = [...new Set(oids)].filter((o) => !known(o));
  // Twice: an unknown array type can have an unknown element type.
  for (let round = 0; round < 2 && missing.length; round++) {
    const { rows } = await client.query<{ oid: number; name: string; elem: number }>(
      "SELECT oid::int AS oid, format_type(oid, NULL) AS name, CASE WHEN typcategory = 'A' THEN typelem::int ELSE 0 END AS elem FROM pg_type WHERE oid = ANY($1::oid[])",
      [missing],
    );
    for (const r of rows) cache.set(r.oid, { name: r.elem ? '' : r.name, elem: r.elem });
    for (const o of missing) if (!cache.has(o)) cache.set(o, { name: `oid ${o}`, elem: 0 });
    missing = rows.map((r) => r.elem).filter((o) => o && !known(o));
  }
  return new Map([...BUILTIN_TYPES, ...cache]);
}

/**
 * Runs one read-only statement with positional parameters and returns JSON-safe rows.
 * Writes are refused by Postgres (SQLSTATE 25006) and reported as such; the transaction
 * is always rolled back.
 */
export async function runReadOnly(pool: pg.Pool, sql: string, params: readonly unknown[] = [], opts: RunOptions = {}): Promise<QueryResult> {
  const timeoutMs = checkLimit('timeoutMs', opts.timeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const maxRows = checkLimit('maxRows', opts.maxRows, DEFAULT_MAX_ROWS, MAX_ROWS_LIMIT);
  const label = opts.label ?? 'The query';
  checkReadOnlySql(sql);
  const values = params.map(toWire);
  const url = poolUrl(pool);
  const role = opts.operator ? (await operatorSqlProtection(pool)).role : null;

  return withClient(pool, url, async (client, broken) => {
    try {
      if (opts.operator) await checkOperatorFunctions(client, pool, sql);
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}; ${FORMAT_SETTINGS}`);
      if (role) await client.query(`SET LOCAL ROLE ${ident(role)}`);
      const q = new ReadQuery(sql, values, maxRows);
      const t0 = performance.now();
      client.query(q);
      await q.done;
      const ms = Math.round((performance.now() - t0) * 10) / 10;
      const types = await resolveTypes(client, pool, q.fields.map((f) => f.oid));
      return {
        columns: q.fields.map((f) => ({ name: f.name, type: typeName(f.oid, types) })),
        rows: q.rows.map((r) => r.map((v, i) => convertValue(q.fields[i]!.oid, v, types))),
        rowCount: q.rows.length,
        truncated: q.truncated,
        ms,
      };
    } catch (e) {
      throw describeQueryError(e, { sql, label, timeoutMs, url });
    } finally {
      // Always rolled back: nothing a verification query did can stay.
      await client.query('ROLLBACK').catch(broken);
      // Session state operator SQL may have left (advisory locks, settings) leaves with the connection.
      if (opts.operator) broken(new Error('operator SQL ran on this connection'));
    }
  });
}

export interface DeclaredQuery {
  title: string;
  sql: string;
  params: QueryParam[];
  timeoutMs?: number;
}

/** Validates named values against the declared parameters, then runs read-only. */
export async function runDeclared(pool: pg.Pool, query: DeclaredQuery, values: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<QueryResult> {
  const bound = bindParams(query.params, values, query.title);
  return runReadOnly(pool, query.sql, bound, { ...opts, label: opts.label ?? query.title, timeoutMs: opts.timeoutMs ?? query.timeoutMs });
}
