import pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { SCHEMA_NAME } from './identifiers.ts';
import { describePgError } from './pg-errors.ts';

export interface PoolOptions {
  max?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
  /** The console's own schema, first on every connection's search_path (then public, for extensions). */
  schema?: string;
  /**
   * false: commits return before their WAL reaches disk (`synchronous_commit = off`). Only for
   * coordination writes that may be lost in a server crash — a crash loses at most the last
   * fraction of a second of them and never corrupts anything — not for data or job state.
   */
  synchronousCommit?: boolean;
}

// int8 and int8[] → numbers: ids and counts stay far below 2^53 here.
pg.types.setTypeParser(20, (v) => Number(v));
const INT8_ARRAY = 1016 as unknown as Parameters<typeof pg.types.setTypeParser>[0];
pg.types.setTypeParser(INT8_ARRAY, (v: string) => (v === '{}' ? [] : v.slice(1, -1).split(',').map((x) => (x === 'NULL' ? null : Number(x)))));

/** A pg pool with sane limits, a name in pg_stat_activity and statement timeouts. */
export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new OpsError('invalid_input', `warehouseSchema: "${opts.schema}" is not a plain schema name (lower-case letters, digits and _, at most 63)`);
  const pool = new pg.Pool({
    // A startup option, so every connection (also ones a pooler hands out in session mode) sees it.
    ...(opts.schema || opts.synchronousCommit === false ? { options: [opts.schema ? `-c search_path=${opts.schema},public` : '', opts.synchronousCommit === false ? '-c synchronous_commit=off' : ''].filter(Boolean).join(' ') } : {}),
    connectionString: url,
    max: opts.max ?? 8,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    application_name: opts.applicationName ?? 'repo-ops',
    statement_timeout: opts.statementTimeoutMs ?? 120_000,
    idle_in_transaction_session_timeout: 300_000,
    keepAlive: true,
  });
  // A client losing its server (a restart, a terminated backend) must not crash the process: idle
  // ones emit on the pool, checked-out ones (a loop holding its connection between statements) on
  // themselves. Absorbed here; the query in flight or the next one reports it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * A checked-out client for `fn`. A server going away emits 'error' on checked-out clients
 * too: absorbed here, the failing query reports it. `fn` marks the client broken (e.g. its
 * ROLLBACK failed) so the pool discards it instead of reusing it.
 */
export async function withClient<T>(pool: pg.Pool, url: string, fn: (client: pg.PoolClient, broken: (e: Error) => void) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw describePgError(e, url);
  }
  const ignore = () => {};
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    return await fn(client, (e) => (broken = e));
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}

/** Runs fn in a transaction; rolls back on any error and maps driver errors to clear ones. */
export function inTransaction<T>(pool: pg.Pool, url: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, url, async (client, broken) => {
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(broken);
      throw describePgError(e, url);
    }
  });
}
