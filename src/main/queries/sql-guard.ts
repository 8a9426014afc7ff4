// Early refusal of statements the read-only transaction would not stop (or stops with an
// unclear message). Writes themselves (INSERT, UPDATE, DELETE, DDL, writable CTEs) are
// deliberately sent: Postgres refuses them inside BEGIN READ ONLY, which is the real guard.
import { OpsError } from '../../shared/errors.ts';
import { describeWrite, functionCalls, scanStatements, type Token } from './sql-scan.ts';

/** Statements that read. */
const READ = new Set(['select', 'with', 'values', 'table', 'explain', 'show']);
/** Writes, sent on purpose: the read-only transaction refuses them with SQLSTATE 25006. */
const SERVER_GUARDED = new Set(['insert', 'update', 'delete', 'merge', 'create', 'drop', 'alter', 'truncate', 'grant', 'revoke', 'comment', 'refresh', 'call', 'import', 'security', 'reassign']);

const REFUSED: Record<string, string> = {
  begin: 'controls the transaction',
  start: 'controls the transaction',
  commit: 'controls the transaction',
  end: 'controls the transaction',
  rollback: 'controls the transaction',
  abort: 'controls the transaction',
  savepoint: 'controls the transaction',
  release: 'controls the transaction',
  set: 'changes session settings',
  reset: 'changes session settings',
  discard: 'changes session state',
  prepare: 'creates a prepared statement, which outlives the transaction',
  execute: 'runs a prepared statement this check cannot see',
  deallocate: 'drops prepared statements',
  lock: 'takes explicit table locks, which can block the pipeline while waiting',
  listen: 'uses notifications',
  unlisten: 'uses notifications',
  notify: 'uses notifications',
  declare: 'uses cursors (run the SELECT directly)',
  fetch: 'uses cursors (run the SELECT directly)',
  move: 'uses cursors (run the SELECT directly)',
  close: 'uses cursors (run the SELECT directly)',
  copy: 'uses COPY, which can read and write server files and programs even in a read-only transaction (run the SELECT and export it as CSV instead)',
  do: 'runs an anonymous code block whose dynamic SQL this check cannot see',
  vacuum: 'is a maintenance command',
  analyze: 'is a maintenance command (it rewrites planner statistics)',
  cluster: 'is a maintenance command',
  reindex: 'is a maintenance command',
  checkpoint: 'is a maintenance command',
  load: 'loads a server library',
};

/**
 * Functions whose effect escapes the transaction (ROLLBACK does not undo it) or that run SQL
 * given as text. Best effort against copied runbook lines, not a security boundary: a role
 * without these privileges is (see the report on pg_terminate_backend).
 */
const SIDE_EFFECT_FUNCTIONS: Record<string, string> = {
  pg_terminate_backend: 'ends another session',
  pg_cancel_backend: 'cancels another session’s query',
  pg_reload_conf: 'reloads the server configuration',
  pg_rotate_logfile: 'rotates the server log',
  pg_promote: 'promotes a standby',
  pg_switch_wal: 'switches the WAL file',
  pg_create_restore_point: 'writes a WAL restore point',
  pg_backup_start: 'starts a backup',
  pg_backup_stop: 'stops a backup',
  pg_start_backup: 'starts a backup',
  pg_stop_backup: 'stops a backup',
  pg_log_backend_memory_contexts: 'writes to the server log',
  pg_stat_reset: 'resets statistics',
  pg_stat_reset_shared: 'resets statistics',
  pg_stat_reset_single_table_counters: 'resets statistics',
  pg_stat_reset_single_function_counters: 'resets statistics',
  pg_stat_reset_slru: 'resets statistics',
  pg_stat_reset_replication_slot: 'resets statistics',
  pg_stat_reset_subscription_stats: 'resets statistics',
  pg_stat_statements_reset: 'resets statistics',
  pg_advisory_lock: 'takes a session lock that outlives the transaction',
  pg_advisory_lock_shared: 'takes a session lock that outlives the transaction',
  pg_try_advisory_lock: 'takes a session lock that outlives the transaction',
  pg_try_advisory_lock_shared: 'takes a session lock that outlives the transaction',
  pg_advisory_unlock: 'releases session locks',
  pg_advisory_unlock_shared: 'releases session locks',
  pg_advisory_unlock_all: 'releases session locks',
  set_config: 'changes settings',
  pg_create_physical_replication_slot: 'creates a replication slot',
  pg_create_logical_replication_slot: 'creates a replication slot',
  pg_drop_replication_slot: 'drops a replication slot',
  pg_copy_physical_replication_slot: 'creates a replication slot',
  pg_copy_logical_replication_slot: 'creates a replication slot',
  pg_replication_slot_advance: 'moves a replication slot',
  pg_logical_emit_message: 'writes to the WAL',
  pg_notify: 'sends notifications',
  pg_file_write: 'writes server files',
  pg_file_rename: 'renames server files',
  pg_file_unlink: 'deletes server files',
  lo_import: 'reads server files',
  lo_export: 'writes server files',
  dblink: 'runs SQL on another connection, outside this read-only transaction',
  dblink_exec: 'runs SQL on another connection, outside this read-only transaction',
  dblink_connect: 'opens another connection',
  dblink_connect_u: 'opens another connection',
  dblink_send_query: 'runs SQL on another connection, outside this read-only transaction',
  ts_stat: 'runs SQL given as text, which this check cannot see',
  ts_rewrite: 'runs SQL given as text (its two-argument form), which this check cannot see',
  txid_current: 'assigns a transaction id',
  pg_current_xact_id: 'assigns a transaction id',
  pg_export_snapshot: 'exports a snapshot that outlives the statement',
  pg_import_system_collations: 'creates collations',
  setseed: 'changes session state',
};

/** Whole families, however many members a server version has. */
const SIDE_EFFECT_FAMILIES: [RegExp, string][] = [
  [/^dblink/, 'runs SQL on another connection, outside this read-only transaction'],
  [/_to_xml(schema|_and_xmlschema)?$/, 'runs SQL given as text or reads whole tables through it, which this check cannot see'],
  [/^(lo_|lo(read|write)$)/, 'reads or writes large objects or server files'],
  [/^pg_(read_|ls_|stat_file$|file_)/, 'reads or writes server files and directories'],
];

/** Why a function must not run in a verification query, or null. Names as Postgres resolves them. */
export function sideEffectOf(fn: string): string | null {
  const name = fn.toLowerCase();
  if (Object.hasOwn(SIDE_EFFECT_FUNCTIONS, name)) return SIDE_EFFECT_FUNCTIONS[name]!;
  return SIDE_EFFECT_FAMILIES.find(([re]) => re.test(name))?.[1] ?? null;
}

const refuse = (message: string, reason: string) => new OpsError('invalid_input', message, { reason });

function firstKeyword(tokens: Token[]): string {
  const t = tokens[0]!;
  if (t.kind === 'punct' && t.text === '(') return '(';
  return t.kind === 'word' ? t.text : t.text.slice(0, 20);
}

/** Throws an OpsError naming the problem, or returns for SQL that may be sent. */
export function checkReadOnlySql(sql: string): void {
  if (typeof sql !== 'string' || !sql.trim()) throw refuse('The query is empty.', 'empty');
  const statements = scanStatements(sql);
  if (statements.length === 0) throw refuse('The query is empty (only comments).', 'empty');
  if (statements.length > 1) {
    throw refuse(`This query contains ${statements.length} statements separated by ";": verification queries run exactly one read-only statement.`, 'multiple_statements');
  }
  const tokens = statements[0]!;
  const head = firstKeyword(tokens);
  if (head === 'set' && tokens[1]?.kind === 'word' && ['transaction', 'session'].includes(tokens[1].text)) {
    throw refuse('This query tries to change the transaction mode (SET TRANSACTION / SET SESSION CHARACTERISTICS): verification queries run read-only.', 'transaction_control');
  }
  if (Object.hasOwn(REFUSED, head)) {
    const reason = ['begin', 'start', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release'].includes(head) ? 'transaction_control' : 'not_a_query';
    throw refuse(`This query starts with ${head.toUpperCase()}, which ${REFUSED[head]}: verification queries run one read-only statement.`, reason);
  }
  if (head !== '(' && !READ.has(head) && !SERVER_GUARDED.has(head)) {
    throw refuse(`This query starts with "${head}", which is not a query: verification queries run a single SELECT, WITH, VALUES, TABLE, EXPLAIN or SHOW.`, 'not_a_query');
  }
  for (const call of functionCalls(tokens)) {
    const fn = call.name.toLowerCase();
    const effect = sideEffectOf(fn);
    if (effect) {
      throw refuse(`This query calls ${fn}(), which ${effect} — an effect ROLLBACK cannot undo: verification queries are read-only and do not call it. Use psql or your database console for that.`, 'side_effect_function');
    }
  }
}

const DML_WORDS = new Set(['insert', 'update', 'delete', 'merge']);

/**
 * For saved queries: also refuse, at save time, SQL that plainly writes (a write statement,
 * a writable CTE, EXPLAIN ANALYZE of a write) — it could never run read-only. The read-only
 * transaction stays the real guard for anything this scan misses.
 */
export function checkSavedQuerySql(sql: string): void {
  checkReadOnlySql(sql);
  const tokens = scanStatements(sql)[0]!;
  const head = firstKeyword(tokens);
  // FOR UPDATE / FOR NO KEY UPDATE lock rows: refused by the server too, but that is not a write.
  const dml = tokens.find((t, i) => t.kind === 'word' && DML_WORDS.has(t.text) && i > 0 && !['for', 'key'].includes(tokens[i - 1]!.text));
  if (SERVER_GUARDED.has(head) || dml) {
    const what = describeWrite(sql, SERVER_GUARDED.has(head) ? head.toUpperCase() : head === 'with' ? 'SELECT' : dml!.text.toUpperCase());
    throw refuse(`This query writes (${what}): saved queries run in a read-only transaction, so it would always be refused. Use psql or a runbook action for changes.`, 'write');
  }
}
