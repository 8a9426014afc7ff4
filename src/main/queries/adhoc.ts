import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { QueryResult, SchemaTable } from '../../shared/contract/queries.ts';
import { runReadOnly } from './run-query.ts';
import { checkSavedQuerySql } from './sql-guard.ts';

/**
 * pgAdmin's query tool under the same guard as saved queries: the scan refuses writes and
 * side-effect functions up front, then it runs in a READ ONLY transaction (as the least-privilege
 * role where the server has one) that is always rolled back. EXPLAIN ANALYZE executes the
 * statement, so it is as read-only as the statement itself.
 */
export async function runAdhoc(pool: pg.Pool, req: { sql: string; explain: 'none' | 'plan' | 'analyze'; timeoutMs: number }): Promise<QueryResult> {
  const sql = req.sql.trim().replace(/;\s*$/, '');
  checkSavedQuerySql(sql);
  if (req.explain !== 'none' && /^\s*explain\b/i.test(sql)) throw new OpsError('invalid_input', 'The SQL is already an EXPLAIN: run it as it is, or remove EXPLAIN and choose Explain.');
  const text = req.explain === 'none' ? sql : `EXPLAIN (${req.explain === 'analyze' ? 'ANALYZE, BUFFERS, ' : ''}VERBOSE, FORMAT TEXT) ${sql}`;
  return runReadOnly(pool, text, [], { operator: true, timeoutMs: req.timeoutMs, label: req.explain === 'none' ? 'The query' : 'EXPLAIN' });
}

const KINDS: Record<string, SchemaTable['kind']> = { r: 'table', v: 'view', m: 'materialized view', f: 'foreign table', p: 'partitioned table' };

/** Schemas, relations and columns the connected role can see (catalogue reads only). */
export async function schemaBrowser(pool: pg.Pool): Promise<SchemaTable[]> {
  const r = await runReadOnly(
    pool,
    `SELECT n.nspname, c.relname, c.relkind::text, CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END,
       COALESCE((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'nullable', NOT a.attnotnull) ORDER BY a.attnum)
         FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]'::json)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
       AND NOT c.relispartition AND has_schema_privilege(n.oid, 'USAGE')
     ORDER BY n.nspname, c.relname LIMIT 2000`,
    [],
    { timeoutMs: 10_000, label: 'The schema browser' },
  );
  return r.rows.map(([schema, name, kind, rows, columns]) => ({
    schema: String(schema),
    name: String(name),
    kind: KINDS[String(kind)] ?? 'table',
    estimatedRows: rows === null ? null : Number(rows),
    columns: (typeof columns === 'string' ? JSON.parse(columns) : columns) as SchemaTable['columns'],
  }));
}
