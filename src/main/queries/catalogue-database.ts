// Database diagnostics from the runbooks: planner statistics, maintenance, statements,
// sessions, locks, cache, settings. These read the server's statistics views.
import type { CatalogueQuery } from './types.ts';

/** The warehouse tables the statistics checks cover. */
export const MAIN_TABLES = ['repositories', 'contributors', 'pull_requests', 'issues', 'reviews', 'comments', 'pr_files', 'workspaces', 'workspace_repositories', 'sync_state', 'sync_runs', 'embedding_costs'];
const MAIN_TABLES_SQL = `ARRAY[${MAIN_TABLES.map((t) => `'${t}'`).join(', ')}]`;
const PGGIT = 'pggit-operations-guide.md';

export const databaseQueries: CatalogueQuery[] = [
  {
    id: 'pg-stats',
    title: 'Planner statistics of the main tables',
    group: 'statistics',
    description: 'Per column: distinct values, physical correlation, share of NULLs and average width, as ANALYZE last measured them. Empty for a table never analyzed.',
    source: "what-the-repo-runbook.md § Monitoring & Observability › Performance Monitoring › Monitoring Commands (pg_stats; schemaname = 'public' → current_schema(), restricted to the warehouse tables, null_frac and avg_width added)",
    params: [],
    sql: `SELECT
    schemaname,
    tablename,
    attname,
    n_distinct,
    correlation,
    null_frac,
    avg_width
FROM pg_stats
WHERE schemaname = current_schema()
  AND tablename = ANY (${MAIN_TABLES_SQL})
ORDER BY tablename, attname;`,
  },
  {
    id: 'table-maintenance',
    title: 'Vacuum and analyze status',
    group: 'statistics',
    description: 'Live and dead rows, changes since the last ANALYZE, and when each table was last vacuumed and analyzed (manually or by autovacuum).',
    source: 'contributor-leaderboard-operations.md § Database Optimizations › Vacuum and Analyze Schedule; pggit-operations-guide.md § Weekly Tasks ("Run vacuum and analyze")',
    params: [],
    sql: `SELECT relname AS table_name, n_live_tup, n_dead_tup,
       round(100.0 * n_dead_tup / nullif(n_live_tup + n_dead_tup, 0), 1) AS dead_pct,
       n_mod_since_analyze, last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
FROM pg_stat_user_tables
WHERE schemaname = current_schema()
ORDER BY n_dead_tup DESC, relname;`,
  },
  {
    id: 'slow-queries',
    title: 'Slow queries',
    group: 'performance',
    description: 'Statements of this database whose mean execution time exceeds the threshold, slowest first (pg_stat_statements, since its last reset).',
    source: `${PGGIT} § Performance Optimization › Query Optimization › Identify Slow Queries (threshold bound as $1; limited to this database; times rounded)`,
    needs: 'pg_stat_statements',
    params: [{ name: 'min_mean_ms', type: 'int', label: 'Mean time above (ms)', default: 1000 }],
    sql: `SELECT
    query,
    calls,
    round(mean_exec_time::numeric, 2) AS mean_exec_time,
    round(max_exec_time::numeric, 2) AS max_exec_time
FROM pg_stat_statements
WHERE mean_exec_time > $1::int
  AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY mean_exec_time DESC
LIMIT 10;`,
  },
  {
    id: 'top-queries-total-time',
    title: 'Queries by total time',
    group: 'performance',
    description: 'Statements of this database that used the most execution time in total (pg_stat_statements).',
    source: `${PGGIT} § Weekly Tasks ("Review performance trends": pg_stat_statements by total_exec_time; limited to this database)`,
    needs: 'pg_stat_statements',
    params: [{ name: 'limit', type: 'int', label: 'Rows', default: 10 }],
    sql: `SELECT
    query,
    calls,
    round(total_exec_time::numeric, 2) AS total_exec_time,
    round(mean_exec_time::numeric, 2) AS mean_exec_time,
    rows
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY total_exec_time DESC
LIMIT $1::int;`,
  },
  {
    id: 'active-connections',
    title: 'Connections',
    group: 'performance',
    description: 'Client connections per database and state, against max_connections.',
    source: `${PGGIT} § Incident Response › Database Connection Pool Exhausted, step 1 (max_conn → current_setting('max_connections'); grouped by state too)`,
    params: [],
    sql: `SELECT
    datname,
    state,
    count(*) as connections,
    sum(count(*)) OVER () AS all_client_connections,
    current_setting('max_connections')::int AS max_conn
FROM pg_stat_activity
WHERE backend_type = 'client backend'
GROUP BY datname, state
ORDER BY count(*) DESC;`,
  },
  {
    id: 'long-running-queries',
    title: 'Long-running queries',
    group: 'performance',
    description: 'Sessions that have been running a statement (or sitting idle in a transaction) longer than the threshold, oldest first.',
    source: `${PGGIT} § Incident Response › Database Connection Pool Exhausted, step 2 ("Identify long-running queries"; query != '<idle>' → state <> 'idle', threshold added)`,
    params: [{ name: 'longer_than', type: 'interval', label: 'Running longer than', default: '30 seconds' }],
    sql: `SELECT pid, usename, datname, application_name, state, now() - query_start AS running_for,
       wait_event_type, wait_event, left(query, 500) AS query, query_start
FROM pg_stat_activity
WHERE state <> 'idle'
  AND backend_type = 'client backend'
  AND pid <> pg_backend_pid()
  AND now() - query_start > $1::interval
ORDER BY query_start;`,
  },
  {
    id: 'idle-connections',
    title: 'Idle connections',
    group: 'performance',
    description:
      'Sessions idle since before the threshold. The runbook terminates these with pg_terminate_backend; Repo Ops only lists them — ending sessions is left to psql or the database console.',
    source: `${PGGIT} § Incident Response › Database Connection Pool Exhausted, step 3 ("Kill idle connections": the WHERE clause, without pg_terminate_backend)`,
    params: [{ name: 'idle_for', type: 'interval', label: 'Idle longer than', default: '5 minutes' }],
    sql: `SELECT pid, usename, datname, application_name, client_addr, now() - state_change AS idle_for, query_start, left(query, 200) AS last_query
FROM pg_stat_activity
WHERE state = 'idle'
  AND query_start < NOW() - $1::interval
ORDER BY state_change;`,
  },
  {
    id: 'blocked-queries',
    title: 'Lock waits',
    group: 'performance',
    description: 'Sessions waiting for a lock, and the sessions holding it.',
    source: `${PGGIT} § Monitoring and Alerting › Key Metrics › Database Metrics ("Lock contention")`,
    params: [],
    sql: `SELECT blocked.pid AS blocked_pid, blocked.usename AS blocked_user, now() - blocked.query_start AS waiting_for,
       left(blocked.query, 300) AS blocked_query,
       blocking.pid AS blocking_pid, blocking.usename AS blocking_user, blocking.state AS blocking_state,
       left(blocking.query, 300) AS blocking_query
FROM pg_stat_activity blocked
CROSS JOIN LATERAL unnest(pg_blocking_pids(blocked.pid)) AS b(pid)
JOIN pg_stat_activity blocking ON blocking.pid = b.pid
ORDER BY waiting_for DESC NULLS LAST;`,
  },
  {
    id: 'cache-hit-ratio',
    title: 'Buffer cache hit ratio',
    group: 'performance',
    description: 'Share of table and index block reads served from shared buffers, per table (the runbook targets > 80 % for its cache; for Postgres buffers aim for > 99 % on hot tables).',
    source: `${PGGIT} § Monitoring and Alerting › Key Metrics › Cache Metrics ("Cache hit rate (target: >80%)", applied to Postgres shared buffers)`,
    params: [],
    sql: `SELECT relname AS table_name,
       heap_blks_read, heap_blks_hit,
       round(100.0 * heap_blks_hit / nullif(heap_blks_hit + heap_blks_read, 0), 2) AS heap_hit_pct,
       idx_blks_read, idx_blks_hit,
       round(100.0 * idx_blks_hit / nullif(idx_blks_hit + idx_blks_read, 0), 2) AS index_hit_pct
FROM pg_statio_user_tables
WHERE schemaname = current_schema()
ORDER BY heap_blks_read + coalesce(idx_blks_read, 0) DESC, relname;`,
  },
  {
    id: 'server-health',
    title: 'Server health',
    group: 'server',
    description: 'Connectivity, server version, database, user, whether this is a read replica, and uptime.',
    source: `${PGGIT} § Daily Operations › Health Checks ("SELECT 'DB connected' as status")`,
    params: [],
    sql: `SELECT 'DB connected' as status, version() AS version, current_database() AS database, current_user AS connected_as,
       pg_is_in_recovery() AS read_replica, pg_postmaster_start_time() AS started_at, now() - pg_postmaster_start_time() AS uptime;`,
  },
  {
    id: 'server-settings',
    title: 'Server settings that matter here',
    group: 'server',
    description: 'Connection limits, memory, timeouts, slow-query logging and preloaded libraries, with where each value comes from (values outside this read-only session).',
    source: `${PGGIT} § Query Optimization ("Enable slow query logging": log_min_duration_statement) and what-the-repo-runbook.md § Database Optimization › Connection Pooling`,
    params: [],
    sql: `SELECT name, reset_val AS setting, unit, source, short_desc
FROM pg_settings
WHERE name = ANY (ARRAY['max_connections', 'shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'statement_timeout',
                        'idle_in_transaction_session_timeout', 'log_min_duration_statement', 'shared_preload_libraries', 'autovacuum',
                        'track_io_timing', 'random_page_cost', 'default_transaction_read_only', 'server_version'])
ORDER BY name;`,
  },
  {
    id: 'warehouse-schema',
    title: 'Warehouse schema',
    group: 'server',
    description: 'Migration version and, per warehouse table, whether it exists and its estimated rows.',
    source: `${PGGIT} § Daily Tasks ("Database integrity check": tables present), for the warehouse tables and schema_migrations`,
    params: [],
    sql: `SELECT t.table_name, c.oid IS NOT NULL AS present,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS estimated_rows,
       (SELECT max(version) FROM schema_migrations) AS schema_version
FROM unnest(${MAIN_TABLES_SQL}) WITH ORDINALITY AS t(table_name, ord)
LEFT JOIN pg_class c ON c.oid = to_regclass(t.table_name)
ORDER BY t.ord;`,
  },
  {
    id: 'schema-tables',
    title: 'Tables per schema',
    group: 'server',
    description: 'How many tables each schema holds.',
    source: `${PGGIT} § Daily Tasks › Daily maintenance script, step 4 ("Verify database integrity", verbatim)`,
    params: [],
    sql: `SELECT schemaname, COUNT(*) as table_count FROM pg_tables GROUP BY schemaname ORDER BY schemaname;`,
  },
];
