import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../src/shared/errors.ts';
import { checkReadOnlySql, checkSavedQuerySql } from '../../../src/main/queries/sql-guard.ts';
import { describeWrite, lineAndColumn, placeholders, scanStatements } from '../../../src/main/queries/sql-scan.ts';

const refusal = (sql: string): OpsError => {
  try {
    checkReadOnlySql(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(OpsError);
    expect((e as OpsError).code).toBe('invalid_input');
    return e as OpsError;
  }
  throw new Error(`not refused: ${sql}`);
};

describe('SQL scanner', () => {
  it('splits statements only on top-level semicolons', () => {
    expect(scanStatements('SELECT 1;')).toHaveLength(1);
    expect(scanStatements('SELECT 1; SELECT 2')).toHaveLength(2);
    expect(scanStatements("SELECT ';' AS a, E'\\';' AS b, \"x;y\" FROM t -- ; comment\n")).toHaveLength(1);
    expect(scanStatements('SELECT $$ ; $$, $tag$ ; $x$ ; $tag$ /* ; /* nested ; */ ; */')).toHaveLength(1);
    expect(scanStatements('-- only a comment\n/* and another */')).toHaveLength(0);
  });

  it('finds $n placeholders outside strings and comments', () => {
    expect([...placeholders("SELECT $1, '$2', $$ $3 $$ -- $4\n, $10::uuid")].sort((a, b) => a - b)).toEqual([1, 10]);
  });

  it('turns a Postgres error position into line and column', () => {
    expect(lineAndColumn('SELECT\n  nope', 10)).toEqual({ line: 2, column: 3 });
  });

  it('names what a refused write targeted', () => {
    expect(describeWrite('DELETE FROM public.pull_requests WHERE true', 'DELETE')).toBe('DELETE from public.pull_requests');
    expect(describeWrite('insert into "Pull Requests" values (1)', 'INSERT')).toBe('INSERT into Pull Requests');
    expect(describeWrite('UPDATE ONLY issues SET x = 1', 'UPDATE')).toBe('UPDATE of issues');
    expect(describeWrite('WITH d AS (DELETE FROM reviews RETURNING id) SELECT count(*) FROM d', 'SELECT')).toBe('DELETE from reviews in a WITH clause');
    expect(describeWrite('CREATE TABLE IF NOT EXISTS scratch (x int)', 'CREATE TABLE')).toBe('CREATE TABLE scratch');
    expect(describeWrite('CREATE INDEX ON t (x)', 'CREATE INDEX')).toBe('CREATE INDEX');
    expect(describeWrite('GRANT SELECT ON issues TO PUBLIC', 'GRANT')).toBe('GRANT');
    expect(describeWrite("SELECT nextval('s')", 'nextval()')).toBe('nextval()');
    expect(describeWrite('SELECT * FROM t FOR UPDATE', 'SELECT FOR UPDATE')).toBe('SELECT FOR UPDATE');
    expect(describeWrite('CREATE TEMP TABLE t AS SELECT 1', 'CREATE TABLE AS')).toBe('CREATE TABLE t AS …');
  });
});

describe('read-only pre-check', () => {
  it('lets queries through, and writes too (the read-only transaction refuses those)', () => {
    for (const sql of ['SELECT 1', 'select 1;', 'WITH x AS (SELECT 1) SELECT * FROM x', '(SELECT 1) UNION (SELECT 2)', 'VALUES (1)', 'TABLE repositories', 'EXPLAIN SELECT 1', 'SHOW work_mem', '/* hi */ SELECT 1', 'DELETE FROM issues', 'CREATE TABLE x (y int)', 'UPDATE t SET a = 1']) {
      expect(() => checkReadOnlySql(sql), sql).not.toThrow();
    }
  });

  it('refuses several statements, whatever they are', () => {
    expect(refusal('SELECT 1; DROP TABLE pull_requests').message).toBe('This query contains 2 statements separated by ";": verification queries run exactly one read-only statement.');
    expect(refusal('SET TRANSACTION READ WRITE; DELETE FROM pull_requests').message).toMatch(/2 statements/);
    expect(refusal('COMMIT; DELETE FROM issues').message).toMatch(/2 statements/);
  });

  it('refuses transaction control and mode changes', () => {
    expect(refusal('BEGIN').message).toMatch(/starts with BEGIN, which controls the transaction/);
    expect(refusal('commit').message).toMatch(/COMMIT, which controls the transaction/);
    expect(refusal('SET TRANSACTION READ WRITE').message).toMatch(/tries to change the transaction mode/);
    expect(refusal('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE').details).toEqual({ reason: 'transaction_control' });
    expect(refusal('SET statement_timeout = 0').message).toMatch(/SET, which changes session settings/);
  });

  it('refuses what escapes the transaction: COPY, DO, locks, prepared statements, maintenance', () => {
    expect(refusal("COPY (SELECT 1) TO PROGRAM 'touch /tmp/x'").message).toMatch(/COPY, which can read and write server files/);
    expect(refusal('DO $$ BEGIN DELETE FROM issues; END $$').message).toMatch(/anonymous code block/);
    expect(refusal('LOCK TABLE pull_requests IN ACCESS EXCLUSIVE MODE').message).toMatch(/explicit table locks/);
    expect(refusal('PREPARE p AS SELECT 1').message).toMatch(/outlives the transaction/);
    expect(refusal('ANALYZE pull_requests').message).toMatch(/maintenance command/);
    expect(refusal('frobnicate the warehouse').message).toMatch(/starts with "frobnicate", which is not a query/);
    expect(refusal('constructor').message).toMatch(/starts with "constructor", which is not a query/);
  });

  it('refuses side-effect functions however they are written', () => {
    expect(refusal("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle'").message).toBe(
      'This query calls pg_terminate_backend(), which ends another session — an effect ROLLBACK cannot undo: verification queries are read-only and do not call it. Use psql or your database console for that.',
    );
    expect(refusal('select PG_CATALOG.Pg_Cancel_Backend (1)').message).toMatch(/pg_cancel_backend\(\)/);
    expect(refusal('SELECT "pg_advisory_lock"(42)').message).toMatch(/session lock that outlives the transaction/);
    expect(refusal("SELECT set_config('statement_timeout', '0', false)").message).toMatch(/set_config\(\)/);
    expect(refusal("SELECT query_to_xml('select 1', true, false, '')").message).toMatch(/runs SQL given as text/);
    // Named like a function but not called: a column alias is fine.
    expect(() => checkReadOnlySql('SELECT 1 AS pg_terminate_backend')).not.toThrow();
    expect(() => checkReadOnlySql("SELECT 'pg_terminate_backend(1)'")).not.toThrow();
  });

  it('decodes U& identifiers (with UESCAPE) before judging a name', () => {
    expect(refusal('SELECT U&"\\0070g_advisory_lock"(42)').message).toMatch(/pg_advisory_lock\(\), which takes a session lock/);
    expect(refusal(`SELECT U&"pg!005fadvisory!005flock" UESCAPE '!' (1)`).message).toMatch(/pg_advisory_lock\(\)/);
    expect(refusal('SELECT U&"\\+000070g_terminate_backend"(1)').message).toMatch(/pg_terminate_backend\(\)/);
    expect(scanStatements('SELECT U&"d\\0061t\\+000061" FROM t')[0]![1]).toMatchObject({ kind: 'ident', text: 'data' });
    expect(() => checkReadOnlySql("SELECT U&'\\0070g_advisory_lock(1)' AS just_text")).not.toThrow();
  });

  it('refuses every function that runs SQL given as text or touches server files, as a family', () => {
    for (const fn of ['ts_rewrite', 'ts_stat', 'query_to_xml', 'table_to_xml', 'schema_to_xmlschema', 'cursor_to_xml', 'database_to_xml_and_xmlschema', 'dblink', 'dblink_exec', 'dblink_open', 'lo_import', 'lo_get', 'loread', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'txid_current']) {
      expect(refusal(`SELECT ${fn}('x')`).details, fn).toEqual({ reason: 'side_effect_function' });
    }
    expect(() => checkReadOnlySql("SELECT lower('X'), log(2), xml_is_well_formed('<a/>')")).not.toThrow();
  });

  it('refuses empty input', () => {
    expect(refusal('   ').message).toBe('The query is empty.');
    expect(refusal('-- nothing').message).toMatch(/only comments/);
  });
});

describe('checkSavedQuerySql', () => {
  it('refuses plain writes at save time, naming them', () => {
    expect(() => checkSavedQuerySql('DELETE FROM pull_requests')).toThrow('This query writes (DELETE from pull_requests): saved queries run in a read-only transaction, so it would always be refused. Use psql or a runbook action for changes.');
    expect(() => checkSavedQuerySql('WITH gone AS (DELETE FROM reviews RETURNING 1) SELECT count(*) FROM gone')).toThrow(/writes \(DELETE from reviews in a WITH clause\)/);
    expect(() => checkSavedQuerySql('EXPLAIN ANALYZE UPDATE issues SET title = 1')).toThrow(/writes \(UPDATE/);
    expect(() => checkSavedQuerySql('create table scratch (id int)')).toThrow(/writes \(CREATE/);
  });
  it('lets reads through, including row locks and words inside strings', () => {
    expect(() => checkSavedQuerySql("SELECT 'delete me' AS label, title FROM issues WHERE state = 'update'")).not.toThrow();
    expect(() => checkSavedQuerySql('SELECT * FROM issues FOR UPDATE')).not.toThrow();
    expect(() => checkSavedQuerySql('SELECT * FROM issues FOR NO KEY UPDATE')).not.toThrow();
  });
});
