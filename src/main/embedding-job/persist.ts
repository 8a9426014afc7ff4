import type pg from 'pg';
import type { VectorCollection } from '../vectors/index.ts';
import { inTransaction } from '../warehouse/pool.ts';
import type { OutboxBatch, OutboxItem } from './outbox.ts';

export interface PersistTarget {
  pool: pg.Pool;
  url: string;
  collection: VectorCollection;
  model: string;
  dimensions: number;
  storeVectors: boolean;
  pgvector: boolean;
  milvusBatchSize: number;
  runId: string;
  repositoryId: string | null;
  signal?: AbortSignal;
  /** Writes the batches' cost to the ledger inside the same transaction as their markers. */
  recordCost?: (client: pg.PoolClient, batches: OutboxBatch[]) => Promise<void>;
}

// float32 carries ~7 significant digits: writing more to the warehouse only costs bytes. (The
// estimate's write probe times the same JSON.)
export const compact = (v: number[]) => v.map((x) => Number(x.toPrecision(7)));

function markSql(table: 'pull_requests' | 'issues', t: PersistTarget): string {
  const vector = t.storeVectors ? `x.embedding::real[]${t.pgvector ? '::vector' : ''}` : 'NULL';
  return `UPDATE ${table} AS p SET content_hash = x.hash, embedding_generated_at = now(), embedding_model = $2, embedding_dimensions = $3, embedding = ${vector}
    FROM json_to_recordset($1::json) AS x(id uuid, hash text, embedding real[]) WHERE p.id = x.id`;
}

/** Outbox batches paid for by an earlier version carry no GitHub repository id: look it up. */
async function fillRepositoryIds(pool: pg.Pool, items: OutboxItem[]): Promise<void> {
  const missing = [...new Set(items.filter((i) => typeof i.repositoryGithubId !== 'number').map((i) => i.repositoryId))];
  if (!missing.length) return;
  const { rows } = await pool.query('SELECT id, github_id FROM repositories WHERE id = ANY ($1::uuid[])', [missing]);
  const byId = new Map(rows.map((r) => [r.id as string, Number(r.github_id)]));
  for (const i of items) i.repositoryGithubId ??= byId.get(i.repositoryId)!;
}

/**
 * Writes paid-for vectors: Milvus first (upsert by id, so a replay never duplicates),
 * then, in one warehouse transaction, the per-item markers (hash, model, dimensions,
 * time, optionally the vector), the run's cost ledger and the batches' ids (a batch
 * already stored is skipped: a replay neither counts nor pays for it again).
 */
export async function persistBatches(t: PersistTarget, all: OutboxBatch[]): Promise<{ items: number; tokens: number; usd: number; requests: number; milvusMs: number; warehouseMs: number; truncated: OutboxItem[] }> {
  // A replayed batch whose transaction committed before the kill is done: not counted or paid twice.
  const ids = all.flatMap((b) => (b.id ? [b.id] : []));
  const stored = ids.length ? new Set((await t.pool.query('SELECT batch_id FROM embedding_stored_batches WHERE batch_id = ANY ($1::uuid[])', [ids])).rows.map((r) => r.batch_id as string)) : new Set<string>();
  const batches = all.filter((b) => !b.id || !stored.has(b.id));
  const fresh = ids.filter((id) => !stored.has(id));
  const items = batches.flatMap((b) => b.items);
  if (!items.length) return { items: 0, tokens: 0, usd: 0, requests: 0, milvusMs: 0, warehouseMs: 0, truncated: [] };
  // (Outbox batches of an earlier version carry no originalTokens: counted as whole.)
  const truncated = items.filter((i) => (i.originalTokens ?? i.tokens) > i.tokens);
  await fillRepositoryIds(t.pool, items);
  const t0 = performance.now();
  await t.collection.upsert(
    items.map((i) => ({ id: i.key, repository: i.repository, repositoryId: i.repositoryGithubId, itemType: i.itemType, number: i.number, title: i.title, url: i.url, createdAt: Date.parse(i.createdAt), updatedAt: Date.parse(i.updatedAt), embedding: i.vector })),
    { batchSize: t.milvusBatchSize, signal: t.signal },
  );
  const milvusMs = performance.now() - t0;
  const tokens = batches.reduce((n, b) => n + b.tokens, 0);
  const usd = batches.reduce((n, b) => n + b.usd, 0);
  const requests = batches.reduce((n, b) => n + b.requests, 0);
  const t1 = performance.now();
  await inTransaction(t.pool, t.url, async (c) => {
    if (fresh.length) await c.query('INSERT INTO embedding_stored_batches (batch_id, run_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING', [fresh, t.runId]);
    for (const table of ['pull_requests', 'issues'] as const) {
      const rows = items.filter((i) => (table === 'issues') === (i.itemType === 'issue')).map((i) => ({ id: i.id, hash: i.hash, embedding: t.storeVectors ? compact(i.vector) : null }));
      if (rows.length) await c.query(markSql(table, t), [JSON.stringify(rows), t.model, t.dimensions]);
    }
    await c.query(
      `INSERT INTO embedding_costs (run_id, repository_id, model, dimensions, requests, input_tokens, items, usd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (run_id) DO UPDATE SET requests = embedding_costs.requests + EXCLUDED.requests, input_tokens = embedding_costs.input_tokens + EXCLUDED.input_tokens,
         items = embedding_costs.items + EXCLUDED.items, usd = embedding_costs.usd + EXCLUDED.usd, updated_at = now()`,
      [t.runId, t.repositoryId, t.model, t.dimensions, requests, tokens, items.length, usd],
    );
    // What was cut, queryable; an item embedded whole again leaves the list.
    if (truncated.length) {
      await c.query(
        `INSERT INTO embedding_truncations (item_id, item_type, repository_id, number, original_tokens, kept_tokens, model, run_id)
         SELECT x.id, x.item_type, x.repository_id, x.number, x.original_tokens, x.kept_tokens, $2, $3
         FROM json_to_recordset($1::json) AS x(id uuid, item_type text, repository_id uuid, number int, original_tokens int, kept_tokens int)
         ON CONFLICT (item_id) DO UPDATE SET original_tokens = EXCLUDED.original_tokens, kept_tokens = EXCLUDED.kept_tokens, model = EXCLUDED.model,
           run_id = EXCLUDED.run_id, truncated_at = now()`,
        [JSON.stringify(truncated.map((i) => ({ id: i.id, item_type: i.itemType, repository_id: i.repositoryId, number: i.number, original_tokens: i.originalTokens, kept_tokens: i.tokens }))), t.model, t.runId],
      );
    }
    const whole = items.filter((i) => !truncated.includes(i)).map((i) => i.id);
    if (whole.length) await c.query('DELETE FROM embedding_truncations WHERE item_id = ANY ($1::uuid[])', [whole]);
    await t.recordCost?.(c, batches);
  });
  return { items: items.length, tokens, usd, requests, milvusMs, warehouseMs: performance.now() - t1, truncated };
}
