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
  /** One upsert of `rows` rows (mean of the whole batches, after a first write that pays the new collection's set-up). */
  upsertMs: number;
  /**
   * Rows each timed count finds: a quarter batch of another repository's, and the probe
   * repository's (the run's size: at least two batches, at most about PROBE_COUNT_MAX_ROWS), both in
   * the scratch collection, written and then flushed once as the run writes and flushes its own.
   */
  sizes: [number, number];
  /** The flush, per row flushed (sealing; the index is built in the background after it). */
  flushMsPerRow: number;
  /** Strongly consistent count(*) of the probe repository's rows right after the flush: the embedding step's count. */
  countMs: number;
  /** The same count after the verification's warehouse reads (median of three): the verification's count. */
  verifyCountMs: number;
  /** Count of the other repository's few rows (median of three): with verifyCountMs, how a count's time grows with the rows it finds. */
  fewCountMs: number;
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
  /** Entities the run leaves in its collection: the counts are timed at that size, within the bounds above. */
  countAt?: number;
  /** Work right after the flush's first count: the verification's warehouse reads, between the embedding step's count and the verification's. */
  afterFlush?: () => Promise<void>;
}

/**
 * Milvus figures when no scratch collection may be created: a typical single-node Milvus (about
 * 1,500 vectors/s written and flushed, a strongly consistent count in about 50 ms, a new collection
 * in about 2 s). The estimate widens its band when it uses them.
 */
export const ASSUMED_MILVUS = { vectorsPerSecond: 1500, countMs: 50, createMs: 2000 } as const;

export const PROBE_MAX_ROWS = 1000;
// A filtered count's time grows faster than the rows it finds (Milvus Lite builds every one), and a
// count right after a flush shares the machine with the index build: timed at the run's size up to
// this many entities, scaled from there.
export const PROBE_COUNT_MAX_ROWS = 5000;
const PROBE_REPOSITORY_ID = 1;
const OTHER_REPOSITORY_ID = 2;

const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

function probeRows(n: number, offset: number, dimensions: number, vector: (i: number) => number[], repositoryId = PROBE_REPOSITORY_ID): VectorRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `probe:${offset + i}`,
    repository: 'repo-ops/write-probe',
    repositoryId,
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
  // A quarter batch first, of another repository (it also pays the new collection's first write),
  // then whole batches: two, or as many as bring the collection to the run's size.
  const quarter = Math.max(1, Math.round(rows / 4));
  const n = Math.max(2, Math.ceil(Math.min(t.countAt ?? 0, PROBE_COUNT_MAX_ROWS) / rows));
  const first = probeRows(quarter, n * rows, t.dimensions, vector, OTHER_REPOSITORY_ID);
  const batches = Array.from({ length: n }, (_, k) => probeRows(rows, k * rows, t.dimensions, vector));
  if (!t.scratchCollection) {
    const { warehouseMs, roundTripMs } = await probeWarehouse(t, batches[0]!);
    const a = ASSUMED_MILVUS;
    return { rows, sizes: [rows, 2 * rows], collection: null, createMs: a.createMs, upsertMs: (rows / a.vectorsPerSecond) * 1000, flushMsPerRow: 0, countMs: a.countMs, verifyCountMs: a.countMs, fewCountMs: a.countMs, untrackedMs: a.countMs, warehouseMs, roundTripMs };
  }
  const collection = `repo_ops_estimate_probe_${randomBytes(4).toString('hex')}`;
  let created = false;
  try {
    const createAt = performance.now();
    const coll = await t.store.ensureCollection(collection, t.dimensions);
    created = true;
    const createMs = performance.now() - createAt;
    const count = (repositoryId: number) => timed(() => coll.count({ repositoryId }));
    const median = async (repositoryId: number) => [await count(repositoryId), await count(repositoryId), await count(repositoryId)].sort((a, b) => a - b)[1]!;
    await coll.upsert(first);
    let upsertMs = 0;
    for (const b of batches) upsertMs += await timed(() => coll.upsert(b, { batchSize: rows }));
    // One flush of it all, as the run flushes once at its end: the index build that follows (for
    // seconds, on every core of a Milvus sharing this machine) is what the counts and the
    // verification's warehouse reads after it run beside, as the run's do.
    const flushMs = await timed(() => coll.flush());
    const countMs = await count(PROBE_REPOSITORY_ID);
    await t.afterFlush?.();
    // A single count moves by a fifth from one call to the next: the median of three.
    const verifyCountMs = await median(PROBE_REPOSITORY_ID);
    const fewCountMs = await median(OTHER_REPOSITORY_ID);
    const untrackedMs = await timed(() => coll.untracked([PROBE_REPOSITORY_ID, OTHER_REPOSITORY_ID]));
    const { warehouseMs, roundTripMs } = await probeWarehouse(t, batches[0]!);
    return {
      rows,
      sizes: [quarter, n * rows],
      collection,
      createMs,
      upsertMs: upsertMs / batches.length,
      flushMsPerRow: flushMs / (quarter + n * rows),
      countMs,
      verifyCountMs,
      fewCountMs,
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
