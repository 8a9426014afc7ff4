import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { embeddedSharedBuffersMb, startEmbeddedPostgres } from '../../src/main/warehouse/embedded.ts';

describe('embedded warehouse memory', () => {
  it('shared buffers are 1/16 of the machine, from PostgreSQL’s 128 MB default up to 1 GB', () => {
    const gib = 2 ** 30;
    expect(embeddedSharedBuffersMb(1 * gib)).toBe(128);
    expect(embeddedSharedBuffersMb(4 * gib)).toBe(256);
    expect(embeddedSharedBuffersMb(8 * gib)).toBe(512);
    expect(embeddedSharedBuffersMb(24 * gib)).toBe(1024);
    expect(embeddedSharedBuffersMb(256 * gib)).toBe(1024);
  });

  it('the embedded warehouse is started with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repo-ops-embedded-'));
    const cluster = await startEmbeddedPostgres(join(dir, 'pg'));
    const c = new pg.Client({ connectionString: cluster.url });
    try {
      await c.connect();
      const { rows } = await c.query("SELECT setting::bigint * 8 / 1024 AS mb FROM pg_settings WHERE name = 'shared_buffers'");
      expect(Number(rows[0].mb)).toBe(embeddedSharedBuffersMb());
    } finally {
      await c.end().catch(() => {});
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
