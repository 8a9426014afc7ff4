// Storage and index checks: sizes, bloat, unused/missing/duplicate/invalid indexes.
import type { CatalogueQuery } from './types.ts';

const PGGIT = 'pggit-operations-guide.md';
const LEADERBOARD = 'contributor-leaderboard-operations.md';

export const storageQueries: CatalogueQuery[] = [
  {
    id: 'table-sizes',
    title: 'Table sizes',
    group: 'storage',
    description: 'Estimated rows and on-disk size of each table: heap, indexes and TOAST (where embeddings and long bodies live), largest first.',
    source: `${PGGIT} § Troubleshooting › Issue: "High disk usage"; ${LEADERBOARD} § Database Optimizations › Table Partitioning for Large Tables`,
    params: [],
    sql: `SELECT c.relname AS table_name,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS estimated_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       pg_size_pretty(pg_relation_size(c.oid)) AS table_size,
       pg_size_pretty(pg_indexes_size(c.oid)) AS indexes_size,
       pg_size_pretty(CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END) AS toast_size,
       pg_total_relation_size(c.oid) AS total_bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')
ORDER BY pg_total_relation_size(c.oid) DESC;`,
  },
  {
    id: 'database-sizes',
    title: 'Database sizes',
    group: 'storage',
    description: 'Size of every database on the server (those this user may connect to).',
    source: `${PGGIT} § Troubleshooting › Issue: "High disk usage" (verbatim, ordered, guarded by has_database_privilege)`,
    params: [],
    sql: `SELECT pg_database.datname,
       pg_size_pretty(pg_database_size(pg_database.datname)) AS size,
       pg_database_size(pg_database.datname) AS bytes
FROM pg_database
WHERE has_database_privilege(pg_database.datname, 'CONNECT')
ORDER BY bytes DESC;`,
  },
  {
    id: 'table-bloat',
    title: 'Table bloat estimate',
    group: 'storage',
    description:
      'Pages a table uses against the pages its live rows need (from ANALYZE statistics: row width, tuple header, fill factor), plus dead rows. An estimate within roughly ±20 %; tables never analyzed are left out.',
    source: `${PGGIT} § Weekly Tasks › "Check table bloat" (its SQL mixes pgstattuple_approx with a width estimate and does not run; replaced by a statistics-based estimate that needs no extension)`,
    params: [],
    sql: `WITH widths AS (
  SELECT tablename, sum((1 - null_frac) * avg_width) AS row_width
  FROM pg_stats
  WHERE schemaname = current_schema()
  GROUP BY tablename
), tables AS (
  SELECT c.oid, c.relname, c.relpages, c.reltuples, current_setting('block_size')::int AS block_size,
         coalesce((SELECT substring(o FROM 'fillfactor=(\\d+)')::int FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%'), 100) AS fillfactor
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples > 0
), estimate AS (
  SELECT t.*, ceil(t.reltuples * (24 + 4 + w.row_width) / ((t.block_size - 24) * t.fillfactor / 100.0)) AS expected_pages
  FROM tables t JOIN widths w ON w.tablename = t.relname
)
SELECT e.relname AS table_name,
       pg_size_pretty(e.relpages::bigint * e.block_size) AS table_size,
       e.relpages AS pages,
       e.expected_pages::bigint AS expected_pages,
       pg_size_pretty(greatest(e.relpages - e.expected_pages, 0)::bigint * e.block_size) AS estimated_bloat,
       round((100.0 * greatest(e.relpages - e.expected_pages, 0) / nullif(e.relpages, 0))::numeric, 1) AS bloat_pct,
       s.n_dead_tup AS dead_rows
FROM estimate e
LEFT JOIN pg_stat_user_tables s ON s.relid = e.oid
ORDER BY greatest(e.relpages - e.expected_pages, 0) DESC, e.relname;`,
  },
  {
    id: 'unused-indexes',
    title: 'Unused indexes',
    group: 'indexes',
    description:
      'Indexes never scanned since statistics were last reset. Unique and primary-key indexes enforce constraints and stay even if unused; on a replica, check the primary too.',
    source: `${PGGIT} § Query Optimization › Add Missing Indexes ("Check missing indexes": pg_stat_user_indexes with idx_scan = 0; tablename/indexname → relname/indexrelname, size and constraint flags added)`,
    params: [],
    sql: `SELECT s.schemaname, s.relname AS tablename, s.indexrelname AS indexname, s.idx_scan,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS index_size,
       i.indisunique AS is_unique, i.indisprimary AS is_primary,
       (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) AS stats_since
FROM pg_stat_user_indexes s
JOIN pg_index i ON i.indexrelid = s.indexrelid
WHERE s.idx_scan = 0
ORDER BY pg_relation_size(s.indexrelid) DESC, s.relname, s.indexrelname;`,
  },
  {
    id: 'seq-scan-heavy-tables',
    title: 'Sequential scans on big tables',
    group: 'indexes',
    description: 'Tables of at least the given size that are read mostly by sequential scans: a query on them probably lacks an index.',
    source: `${PGGIT} § Query Optimization ("Add Missing Indexes", "Analyze Query Plans"); ${LEADERBOARD} § Database Optimizations › Missing Indexes for Common Queries`,
    params: [{ name: 'min_rows', type: 'int', label: 'Tables with at least (rows)', default: 10000 }],
    sql: `SELECT relname AS table_name, n_live_tup, seq_scan, seq_tup_read, idx_scan,
       round(seq_tup_read::numeric / nullif(seq_scan, 0)) AS avg_rows_per_seq_scan,
       round(100.0 * seq_scan / nullif(seq_scan + coalesce(idx_scan, 0), 0), 1) AS seq_scan_pct
FROM pg_stat_user_tables
WHERE schemaname = current_schema() AND n_live_tup >= $1::int AND seq_scan > 0
ORDER BY seq_tup_read DESC;`,
  },
  {
    id: 'fk-without-index',
    title: 'Foreign keys without an index',
    group: 'indexes',
    description:
      'Foreign keys whose columns do not lead any index: joins and lookups by them scan the table, and deleting a referenced row (ON DELETE CASCADE) scans it too. Each row suggests the index.',
    source: `${LEADERBOARD} § Database Optimizations › Missing Indexes for Common Queries; what-the-repo-runbook.md § Database Optimization › Query Optimization ("Add indexes for common queries")`,
    params: [],
    sql: `WITH fks AS (
  SELECT c.conrelid, c.conname, c.conkey, c.confrelid,
         (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
            FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns
  FROM pg_constraint c
  WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
)
SELECT f.conrelid::regclass::text AS table_name, f.conname AS constraint_name, f.columns,
       f.confrelid::regclass::text AS references_table,
       pg_size_pretty(pg_relation_size(f.conrelid)) AS table_size,
       format('CREATE INDEX CONCURRENTLY ON %s (%s);', f.conrelid::regclass, f.columns) AS suggested_index
FROM fks f
WHERE NOT EXISTS (
  SELECT 1 FROM pg_index i
  WHERE i.indrelid = f.conrelid AND i.indpred IS NULL
    AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(f.conkey)] @> f.conkey
    AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(f.conkey)] <@ f.conkey
)
ORDER BY pg_relation_size(f.conrelid) DESC, table_name, constraint_name;`,
  },
  {
    id: 'duplicate-indexes',
    title: 'Duplicate indexes',
    group: 'indexes',
    description: 'Indexes on the same table with the same columns, operator classes, expressions and predicate: all but one only slow writes.',
    source: `${LEADERBOARD} § Database Optimizations › Missing Indexes for Common Queries (reviewing indexes before adding more)`,
    params: [],
    sql: `SELECT i.indrelid::regclass::text AS table_name,
       array_agg(i.indexrelid::regclass::text ORDER BY i.indexrelid) AS indexes,
       pg_size_pretty(sum(pg_relation_size(i.indexrelid))::bigint) AS total_size
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
GROUP BY i.indrelid, i.indkey::text, i.indclass::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
HAVING count(*) > 1
ORDER BY table_name;`,
  },
  {
    id: 'invalid-indexes',
    title: 'Invalid indexes',
    group: 'indexes',
    description: 'Indexes left invalid by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY: maintained on every write but never used.',
    source: `${LEADERBOARD} § Database Optimizations (CREATE INDEX CONCURRENTLY); ${PGGIT} § Weekly Tasks ("REINDEX INDEX CONCURRENTLY")`,
    params: [],
    sql: `SELECT c.relname AS index_name, t.relname AS table_name, i.indisvalid AS valid, i.indisready AS ready,
       pg_size_pretty(pg_relation_size(c.oid)) AS index_size,
       format('REINDEX INDEX CONCURRENTLY %s;', c.oid::regclass) AS fix
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND (NOT i.indisvalid OR NOT i.indisready)
ORDER BY t.relname, c.relname;`,
  },
];
