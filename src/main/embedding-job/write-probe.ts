import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { mulberry32 } from '../../shared/random.ts';
import type { VectorRow, VectorStore } from '../vectors/index.ts';
import { withClient } from '../warehouse/pool.ts';
import { compact } from './persist.ts';

/**
 * What storing vectors costs on this Milvus and this warehouse right now, timed on scratch copies
 * of what the embedding step does: a collection of its own (created, written, flushed, counted and
 * dropped: the operator's collections are never touched), only when the operator allowed it for this
 * estimate, and, read-only, the warehouse parsing the mark statement's items (nothing in the
 * warehouse is created or changed).
 */
export interface WriteProbe {
  /** Rows per write: the job's Milvus batch, at most PROBE_MAX_ROWS. */
  rows: number;
  /**
   * The scratch collection (dropped again); null when the operator did not allow one: the Milvus
   * figures below are then typical ones (ASSUMED_MILVUS), not measured.
   */
  collection: string | null;
  /** Creating, indexing and loading a new collection: what the step pays when the target does not exist. */
  createMs: number;
  /** One upsert of `rows` rows (mean of two, after a first write that pays the new collection's set-up). */
  upsertMs: number;
  /** Rows in the scratch collection after each write and flush: the counts are timed at both sizes. */
  sizes: [number, number];
  /** Flush of each write (sealing, index), per row flushed. */
  flushMsPerRow: number;
  /** Strongly consistent count(*) of one repository's rows at each size (the step's and the verification's count). */
  countMs: [number, number];
  /** Strongly consistent count of rows of untracked repositories (the verification's orphan check). */
  untrackedMs: number;
  /** The warehouse's work on one mark of `rows` items (JSON built, sent, parsed, vectors cast when stored), read-only; mean of two. */
  warehouseMs: number;
  /** One trivial warehouse round trip. */
  roundTripMs: number;
}

export interface WriteProbeTarget {
  store: VectorStore;
  pool: pg.Pool;
  url: string;
  dimensions: number;
  /** The job's Milvus batch size. */
  batchSize: number;
  storeVectors: boolean;
  pgvector: boolean;
  /** Vectors the provider returned for sampled texts (stored in turn); random dense ones when there are none. */
  vectors?: readonly (readonly number[])[];
  /** Create the scratch collection (the operator allowed it); else only the warehouse is timed. */
  scratchCollection: boolean;
}

/**
 * Milvus figures when no scratch collection may be created: a typical single-node Milvus (about
 * 1,500 vectors/s written and flushed, a strongly consistent count in about 50 ms, a new collection
 * in about 2 s). The estimate widens its band when it uses them.
 */
export const ASSUMED_MILVUS = { vectorsPerSecond: 1500, countMs: 50, createMs: 2000 } as const;

export const PROBE_MAX_ROWS = 1000;
const PROBE_REPOSITORY_ID = 1;

const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

function probeRows(n: number, offset: number, dimensions: number, vector: (i: number) => number[]): VectorRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `probe:${offset + i}`,
    repository: 'repo-ops/write-probe',
    repositoryId: PROBE_REPOSITORY_ID,
    itemType: 'pr' as const,
    number: offset + i + 1,
    title: `Write probe row ${offset + i} of the backfill estimate`,
    url: `https://github.com/repo-ops/write-probe/pull/${offset + i + 1}`,
    createdAt: 1_700_000_000_000 + i,
    updatedAt: 1_700_000_000_000 + i,
    embedding: vector(offset + i),
  }));
}

/** Times the embedding step's writes on scratch copies (see WriteProbe); Milvus only when `scratchCollection`. */
export async function probeWrites(t: WriteProbeTarget): Promise<WriteProbe> {
  const rows = Math.max(1, Math.min(t.batchSize, PROBE_MAX_ROWS));
  const random = mulberry32(rows * 7919 + t.dimensions);
  const given = (t.vectors ?? []).filter((v) => v.length === t.dimensions);
  // number[] as the provider hands vectors over: its own, else dense ones in (-1, 1).
  const vector = (i: number) => (given.length ? [...given[i % given.length]!] : Array.from({ length: t.dimensions }, () => random() * 2 - 1));
  // A quarter batch first (it also pays the new collection's first write), then two whole batches.
  const quarter = Math.max(1, Math.round(rows / 4));
  const first = probeRows(quarter, 2 * rows, t.dimensions, vector);
  const batches = [probeRows(rows, 0, t.dimensions, vector), probeRows(rows, rows, t.dimensions, vector)];
  if (!t.scratchCollection) {
    const { warehouseMs, roundTripMs } = await probeWarehouse(t, batches[0]!);
    const a = ASSUMED_MILVUS;
    return { rows, sizes: [rows, 2 * rows], collection: null, createMs: a.createMs, upsertMs: (rows / a.vectorsPerSecond) * 1000, flushMsPerRow: 0, countMs: [a.countMs, a.countMs], untrackedMs: a.countMs, warehouseMs, roundTripMs };
  }
  const collection = `repo_ops_estimate_probe_${randomBytes(4).toString('hex')}`;
  let created = false;
  try {
    const createAt = performance.now();
    const coll = await t.store.ensureCollection(collection, t.dimensions);
    created = true;
    const createMs = performance.now() - createAt;
    // The median of three: the growth between the two sizes is extrapolated several-fold to the
    // repository's size, so one count's passing stall (a strongly consistent read waits for
    // Milvus's next time tick) moved the verification's estimate by a third.
    const count = async () => {
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) ms.push(await timed(() => coll.count({ repositoryId: PROBE_REPOSITORY_ID })));
      return ms.sort((a, b) => a - b)[1]!;
    };
    // Counted after each flush at two sizes far apart (1 : 9): how the count's time grows with the collection.
    await coll.upsert(first);
    let flushMs = await timed(() => coll.flush());
    const countMs = [await count()];
    let upsertMs = 0;
    for (const b of batches) upsertMs += await timed(() => coll.upsert(b, { batchSize: rows }));
    flushMs += await timed(() => coll.flush());
    countMs.push(await count());
    const untrackedMs = await timed(() => coll.untracked([PROBE_REPOSITORY_ID]));
    const { warehouseMs, roundTripMs } = await probeWarehouse(t, batches[0]!);
    return {
      rows,
      sizes: [quarter, quarter + 2 * rows],
      collection,
      createMs,
      upsertMs: upsertMs / batches.length,
      flushMsPerRow: flushMs / (quarter + 2 * rows),
      countMs: [countMs[0]!, countMs[1]!],
      untrackedMs,
      warehouseMs,
      roundTripMs,
    };
  } finally {
    if (created) await t.store.dropCollection(collection).catch(() => undefined);
  }
}

/**
 * The mark statement's work without its write, read-only: the items' JSON built as the step builds
 * it, sent, and parsed by the warehouse into the columns (vectors cast as they are stored); twice, the mean.
 */
async function probeWarehouse(t: WriteProbeTarget, rows: VectorRow[]): Promise<{ warehouseMs: number; roundTripMs: number }> {
  return withClient(t.pool, t.url, async (c) => {
    const roundTripMs = await timed(() => c.query('SELECT 1'));
    const vector = t.storeVectors ? `x.embedding::real[]${t.pgvector ? '::vector' : ''}` : 'NULL';
    const sql = `SELECT count(*) FILTER (WHERE ${vector} IS NOT NULL OR x.hash IS NOT NULL) AS n FROM json_to_recordset($1::json) AS x(id uuid, hash text, embedding real[])`;
    let warehouseMs = 0;
    for (let k = 0; k < 2; k++) {
      warehouseMs += (await timed(async () => {
        const json = JSON.stringify(rows.map((r) => ({ id: randomUUID(), hash: 'probe', embedding: t.storeVectors ? compact(r.embedding as number[]) : null })));
        await c.query(sql, [json]);
      })) / 2;
    }
    return { warehouseMs, roundTripMs };
  });
}
