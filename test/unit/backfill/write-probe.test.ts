// The estimate's write probe against a real Milvus (Lite) and a real PostgreSQL: it times the
// embedding step's writes on scratch copies and leaves the operator's collection and tables alone.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ASSUMED_MILVUS, PROBE_COUNT_MAX_ROWS, probeWrites } from '../../../src/main/embedding-job/write-probe.ts';
import { createPool } from '../../../src/main/warehouse/pool.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { makeRows, useMilvus } from '../vectors/helpers.ts';
import type pg from 'pg';

const milvus = useMilvus();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase('probe');
  pool = createPool(db.url, { max: 2 });
  await pool.query('CREATE TABLE pull_requests (id uuid PRIMARY KEY, embedding real[])');
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('write probe', () => {
  it('times upsert, flush, counts and the warehouse marks on scratch copies, then leaves nothing behind', async () => {
    const store = milvus.store();
    const operators = milvus.name('operator');
    const coll = await store.ensureCollection(operators, 8);
    await coll.upsert(makeRows(5, 8, 11));
    const before = await store.listCollections();
    const vectors = [Array.from({ length: 8 }, (_, i) => (i + 1) / 10)];

    // The verification's warehouse reads go between the counts after the flush (here at 300 entities: six batches).
    const order: string[] = [];
    const p = await probeWrites({ store, pool, url: db.url, dimensions: 8, batchSize: 50, storeVectors: true, pgvector: false, vectors, scratchCollection: true, countAt: 300, afterFlush: async () => void order.push('after flush') });

    expect(p.rows).toBe(50);
    expect(p.sizes).toEqual([13, 300]);
    expect(order).toEqual(['after flush']);
    expect(p.collection).toMatch(/^repo_ops_estimate_probe_[0-9a-f]{8}$/);
    for (const ms of [p.createMs, p.upsertMs, p.flushMsPerRow, p.countMs, p.verifyCountMs, p.fewCountMs, p.untrackedMs, p.warehouseMs, p.roundTripMs]) expect(ms).toBeGreaterThan(0);
    // The scratch collection is gone; the operator's collection holds what it held.
    expect(await store.listCollections()).toEqual(before);
    expect(await coll.count()).toBe(5);
    // The warehouse: no probe table left, and the operator's table untouched.
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'repo_ops_write_probe'");
    expect(rows[0].n).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM pull_requests')).rows[0].n).toBe(0);
  }, 120_000);

  it('without the operator allowing a scratch collection: nothing is created in Milvus, typical Milvus figures stand in, the warehouse is still timed', async () => {
    const store = milvus.store();
    const created = vi.spyOn(store, 'ensureCollection');
    const p = await probeWrites({ store, pool, url: db.url, dimensions: 8, batchSize: 300, storeVectors: true, pgvector: false, scratchCollection: false });
    expect(created).not.toHaveBeenCalled();
    expect(p.collection).toBeNull();
    expect(p.upsertMs).toBeCloseTo((300 / ASSUMED_MILVUS.vectorsPerSecond) * 1000);
    expect([p.countMs, p.verifyCountMs, p.fewCountMs]).toEqual([ASSUMED_MILVUS.countMs, ASSUMED_MILVUS.countMs, ASSUMED_MILVUS.countMs]);
    expect(p.warehouseMs).toBeGreaterThan(0);
  }, 60_000);

  it('caps the rows per write at 1,000 whatever the batch size, and drops the scratch collection when a step fails', async () => {
    const store = milvus.store();
    const before = await store.listCollections();
    // A dimension the given vectors do not have: random ones are used instead.
    const p = await probeWrites({ store, pool, url: db.url, dimensions: 4, batchSize: 5000, storeVectors: false, pgvector: false, vectors: [[1, 2]], scratchCollection: true });
    expect(p.rows).toBe(1000);
    // No size given: two whole batches.
    expect(p.sizes).toEqual([250, 2000]);
    expect(await store.listCollections()).toEqual(before);
    // A run far larger than the cap: counted at about the cap, scaled from there by the estimate.
    const big = await probeWrites({ store, pool, url: db.url, dimensions: 4, batchSize: 1000, storeVectors: false, pgvector: false, scratchCollection: true, countAt: 50_000 });
    expect(big.sizes).toEqual([250, Math.ceil(PROBE_COUNT_MAX_ROWS / 1000) * 1000]);

    const broken = { ...pool, connect: () => Promise.reject(new Error('warehouse down')) } as unknown as pg.Pool;
    await expect(probeWrites({ store, pool: broken, url: db.url, dimensions: 4, batchSize: 10, storeVectors: false, pgvector: false, scratchCollection: true })).rejects.toThrow();
    expect(await store.listCollections()).toEqual(before);
  }, 120_000);
});
