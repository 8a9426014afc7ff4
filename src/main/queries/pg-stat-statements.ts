// pg_stat_statements: whether the slow-query checks can run, and enabling it (a write the
// caller confirms first). Loading the library needs a server restart, which we only advise.
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { describePgError } from '../warehouse/pg-errors.ts';

export interface ExtensionStatus {
  /** The server has the extension's files (contrib). */
  available: boolean;
  installed: boolean;
  version: string | null;
  schema: string | null;
  /** Listed in shared_preload_libraries; null when this user may not read that setting. */
  preloaded: boolean | null;
  /** Its schema is on the search_path (the catalogue's queries name the view unqualified). */
  onSearchPath: boolean;
  /** The current user may CREATE EXTENSION it (it is not a trusted extension: superuser). */
  canInstall: boolean;
  /** The pg_stat_statements checks can run. */
  usable: boolean;
  /** What stands in the way, for the operator; null when usable. */
  problem: string | null;
  /** The server setting that would load it (advice only: it needs a restart). */
  preloadAdvice: string | null;
}

const STATUS_SQL = `
SELECT a.name IS NOT NULL AS available,
       e.extversion AS version,
       n.nspname AS schema,
       coalesce(n.nspname = ANY (current_schemas(false)), false) AS on_search_path,
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload,
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser
FROM (SELECT 1) one
LEFT JOIN pg_available_extensions a ON a.name = 'pg_stat_statements'
LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements'
LEFT JOIN pg_namespace n ON n.oid = e.extnamespace`;

/** shared_preload_libraries is a comma list of possibly quoted names. */
export function preloadList(setting: string): string[] {
  return setting
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function extensionStatus(pool: pg.Pool): Promise<ExtensionStatus> {
  const url = (pool as { options?: { connectionString?: string } }).options?.connectionString ?? '';
  let row: { available: boolean; version: string | null; schema: string | null; on_search_path: boolean; preload: string | null; superuser: boolean };
  try {
    row = (await pool.query(STATUS_SQL)).rows[0];
  } catch (e) {
    throw describePgError(e, url);
  }
  const installed = row.version !== null;
  let preloaded: boolean | null = row.preload === null ? null : preloadList(row.preload).includes('pg_stat_statements');
  // Without permission to read the setting, the view itself tells: it errors when not loaded.
  if (preloaded === null && installed) {
    preloaded = await pool.query(`SELECT 1 FROM ${quoteIdent(row.schema!)}.pg_stat_statements LIMIT 1`).then(
      () => true,
      (e: { message?: string }) => (/shared_preload_libraries/.test(e.message ?? '') ? false : null),
    );
  }
  const list = row.preload === null ? null : preloadList(row.preload);
  const preloadAdvice =
    preloaded === false ? `shared_preload_libraries = '${[...(list ?? []), 'pg_stat_statements'].join(',')}' in postgresql.conf (or ALTER SYSTEM SET …), then restart the server` : null;
  let problem: string | null = null;
  if (!row.available) problem = 'pg_stat_statements is not available on this server (its contrib files are not installed)';
  else if (!installed) problem = `the pg_stat_statements extension is not installed in this database${row.superuser ? '' : ' (installing it needs a superuser)'}`;
  else if (preloaded === false) problem = `pg_stat_statements is installed but the server does not load it: set ${preloadAdvice}`;
  else if (!row.on_search_path) problem = `pg_stat_statements is installed in schema "${row.schema}", which is not on the search_path`;
  return {
    available: row.available,
    installed,
    version: row.version,
    schema: row.schema,
    preloaded,
    onSearchPath: row.on_search_path,
    canInstall: row.available && row.superuser,
    usable: problem === null,
    problem,
    preloadAdvice,
  };
}

export interface EnableResult {
  /** Exactly the statements executed (empty when it was already installed). */
  ran: string[];
  status: ExtensionStatus;
}

/** Creates the extension in the current schema. A write: the caller asks the operator first. */
export async function enablePgStatStatements(pool: pg.Pool): Promise<EnableResult> {
  const before = await extensionStatus(pool);
  if (!before.available) throw new OpsError('unavailable', `${before.problem}. Install the PostgreSQL contrib package on the server, or enable the extension in your provider’s console.`);
  if (before.installed) return { ran: [], status: before };
  const sql = 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements';
  try {
    await pool.query(sql);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === '42501') {
      throw new OpsError('unauthorized', `Creating pg_stat_statements needs a superuser (${err.message}). Ask your database admin, or enable it in your provider’s extensions page.`);
    }
    throw describePgError(e, (pool as { options?: { connectionString?: string } }).options?.connectionString ?? '');
  }
  return { ran: [sql], status: await extensionStatus(pool) };
}
