// Operator SQL (saved queries) is not trusted: it may be copied from a runbook, a chat or an
// attacker. Beyond the read-only transaction it gets three more walls:
//  1. an allow-list: it may call only built-in (or extension) functions that PostgreSQL marks
//     IMMUTABLE or STABLE, plus a few read-only VOLATILE ones; never a function some database
//     user created (it could do anything) and never one that runs SQL given as text;
//  2. a least-privilege role (SET LOCAL ROLE) where the server offers one: writes, server files
//     and other sessions are then out of reach by privilege, not only by the transaction mode;
//  3. a fresh connection afterwards: whatever session state it left (advisory locks, settings,
//     prepared plans) is discarded with the connection, never handed to the next caller.
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { quoteIdent as ident } from '../warehouse/identifiers.ts';
import { sideEffectOf } from './sql-guard.ts';
import { functionCalls, scanStatements } from './sql-scan.ts';

/** VOLATILE built-ins that only read or compute: PostgreSQL marks them volatile for other reasons. */
const READ_ONLY_VOLATILE = new Set([
  'random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
  'pg_relation_size', 'pg_total_relation_size', 'pg_table_size', 'pg_indexes_size', 'pg_database_size', 'pg_tablespace_size',
  'pg_current_wal_lsn', 'pg_current_wal_insert_lsn', 'pg_current_wal_flush_lsn', 'pg_last_wal_receive_lsn', 'pg_last_wal_replay_lsn', 'pg_last_xact_replay_timestamp',
  'pg_is_in_recovery', 'pg_is_wal_replay_paused', 'pg_get_wal_replay_pause_state', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids', 'pg_sequence_last_value', 'pg_xact_status',
  'pg_stat_get_activity', 'pg_stat_get_backend_idset', 'pg_jit_available',
]);

/** Roles to run operator SQL as, best first: one an administrator made for us, else PostgreSQL 14+'s read-everything role. */
const READER_ROLES = ['repo_ops_reader', 'pg_read_all_data'];
const CACHE_MS = 60_000;

interface FunctionInfo {
  schema: string;
  /** Every overload in this schema is IMMUTABLE or STABLE. */
  stable: boolean;
  /** Built into PostgreSQL or installed by an extension (not created by a database user). */
  trusted: boolean;
}

export interface OperatorSqlProtection {
  /** The role operator SQL runs as, or null when it runs as the connection's own role. */
  role: string | null;
  active: boolean;
  detail: string;
}

const functionCache = new WeakMap<pg.Pool, { at: number; byName: Map<string, FunctionInfo[]> }>();
const roleCache = new WeakMap<pg.Pool, Promise<OperatorSqlProtection>>();

const FUNCTIONS_SQL = `
SELECT p.proname AS name, n.nspname AS schema,
       bool_and(p.provolatile <> 'v') AS stable,
       bool_and(n.nspname = 'pg_catalog' OR e.objid IS NOT NULL) AS trusted
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_depend e ON e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e'
GROUP BY p.proname, n.nspname`;

async function functions(client: pg.ClientBase, pool: pg.Pool): Promise<Map<string, FunctionInfo[]>> {
  const cached = functionCache.get(pool);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.byName;
  const byName = new Map<string, FunctionInfo[]>();
  for (const r of (await client.query<{ name: string; schema: string; stable: boolean; trusted: boolean }>(FUNCTIONS_SQL)).rows) {
    const list = byName.get(r.name) ?? [];
    list.push({ schema: r.schema, stable: r.stable, trusted: r.trusted });
    byName.set(r.name, list);
  }
  functionCache.set(pool, { at: Date.now(), byName });
  return byName;
}

const refuse = (message: string) => new OpsError('invalid_input', message, { reason: 'function_not_allowed' });

/** Throws when operator SQL calls a function outside the allow-list. */
export async function checkOperatorFunctions(client: pg.ClientBase, pool: pg.Pool, sql: string): Promise<void> {
  const byName = await functions(client, pool);
  for (const statement of scanStatements(sql)) {
    for (const call of functionCalls(statement)) {
      const shown = call.schema ? `${call.schema}.${call.name}` : call.name;
      const effect = sideEffectOf(call.name);
      if (effect) throw refuse(`This query calls ${shown}(), which ${effect}: saved queries call only side-effect-free built-in functions.`);
      const candidates = (byName.get(call.name) ?? []).filter((f) => call.schema === null || f.schema === call.schema);
      // No such function: a type modifier (varchar(10)), an alias or CTE column list.
      if (!candidates.length) continue;
      const untrusted = candidates.find((f) => !f.trusted);
      if (untrusted) {
        throw refuse(
          `This query calls ${shown}(), and a function of that name was created by a database user in schema "${untrusted.schema}": saved queries call only built-in functions, which cannot be replaced.${call.schema === null ? ` If you meant the built-in, write pg_catalog.${call.name}(…).` : ''}`,
        );
      }
      if (candidates.every((f) => f.stable) || (READ_ONLY_VOLATILE.has(call.name) && candidates.every((f) => f.schema === 'pg_catalog'))) continue;
      throw refuse(`This query calls ${shown}(), which PostgreSQL marks VOLATILE (it can change state outside the query): saved queries call only side-effect-free built-in functions.`);
    }
  }
}

/**
 * Finds a least-privilege role this connection may SET ROLE to (probed once per pool):
 * `repo_ops_reader` if an administrator created and granted it, else `pg_read_all_data`.
 */
export function operatorSqlProtection(pool: pg.Pool): Promise<OperatorSqlProtection> {
  let p = roleCache.get(pool);
  if (!p) {
    p = probeRole(pool).catch((e: Error) => ({ role: null, active: false, detail: `Could not check for a least-privilege role: ${e.message}` }));
    roleCache.set(pool, p);
  }
  return p;
}

async function probeRole(pool: pg.Pool): Promise<OperatorSqlProtection> {
  const client = await pool.connect();
  try {
    const me = (await client.query<{ u: string; sup: boolean }>('SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sup')).rows[0]!;
    for (const role of READER_ROLES) {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL ROLE ${ident(role)}`);
        return { role, active: true, detail: `Saved queries run as role "${role}" (read-only privileges) inside a read-only transaction, on a connection that is discarded afterwards.` };
      } catch {
        // not a member, or the role does not exist
      } finally {
        await client.query('ROLLBACK');
      }
    }
    return {
      role: null,
      active: false,
      detail: `Saved queries run as "${me.u}"${me.sup ? ', a superuser,' : ''} inside a read-only transaction: no least-privilege role is available. Grant one to it (PostgreSQL 14+: GRANT pg_read_all_data TO ${ident(me.u)}; or create a role repo_ops_reader) to also refuse server files and other sessions by privilege.`,
    };
  } finally {
    client.release();
  }
}
