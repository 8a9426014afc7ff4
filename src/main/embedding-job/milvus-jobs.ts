import { z } from 'zod';
import type { JobDefinition } from '../jobs/types.ts';
import { RECREATE_JOB, RELOAD_JOB, type EmbeddingService } from './embedding-service.ts';

const ReloadParams = z.object({ repository: z.string().optional() });
const RecreateParams = z.object({ collection: z.string() });

interface VectorRowSql {
  item_type: 'pr' | 'issue';
  github_id: number;
  repo_github_id: string;
  full_name: string;
  number: number;
  title: string;
  html_url: string | null;
  created_at: Date;
  updated_at: Date;
  embedding: number[] | string;
}

// pgvector returns '[1,2,3]' text; real[] comes back as numbers.
const toArray = (v: number[] | string): number[] => (typeof v === 'string' ? (JSON.parse(v) as number[]) : v);

/** Milvus from the warehouse's stored vectors: no re-embedding, no cost. */
export function reloadJob(svc: EmbeddingService): JobDefinition<typeof ReloadParams> {
  return {
    kind: RELOAD_JOB,
    title: 'Reload Milvus from the warehouse',
    params: ReloadParams,
    describe: (p) => `Reload Milvus from the warehouse (${p.repository ?? 'all repositories'})`,
    concurrencyKey: () => 'embeddings',
    async run(ctx) {
      const c = svc.config();
      const { pool } = await svc.deps.warehouse.connection();
      const repositoryId = await svc.repositoryId(ctx.params.repository);
      const store = await svc.vectorStore();
      const collection = await store.ensureCollection(c.collection, c.dimensions, { model: c.model });
      const batch = svc.deps.settings.get().milvusUpsertBatchSize;
      const { rows: [{ n }] } = await pool.query(
        `SELECT ((SELECT count(*) FROM pull_requests WHERE embedding IS NOT NULL AND ($1::uuid IS NULL OR repository_id = $1)) +
                 (SELECT count(*) FROM issues WHERE embedding IS NOT NULL AND ($1::uuid IS NULL OR repository_id = $1)))::int AS n`,
        [repositoryId],
      );
      ctx.progress({ done: 0, total: n, unit: 'vectors' });
      let done = 0;
      for (const [table, type] of [['issues', 'issue'], ['pull_requests', 'pr']] as const) {
        let after = '00000000-0000-0000-0000-000000000000';
        for (;;) {
          ctx.throwIfCancelled();
          const { rows } = (await pool.query(
            `SELECT '${type}' AS item_type, t.id, t.github_id, r.github_id AS repo_github_id, r.full_name, t.number, t.title, t.html_url, t.created_at, t.updated_at, t.embedding::real[] AS embedding
             FROM ${table} t JOIN repositories r ON r.id = t.repository_id
             WHERE t.embedding IS NOT NULL AND ($1::uuid IS NULL OR t.repository_id = $1) AND t.id > $2 ORDER BY t.id LIMIT $3`,
            [repositoryId, after, batch],
          )) as { rows: (VectorRowSql & { id: string })[] };
          if (!rows.length) break;
          await collection.upsert(
            rows.map((r) => ({ id: `${r.item_type}:${r.github_id}`, repository: r.full_name, repositoryId: Number(r.repo_github_id), itemType: r.item_type, number: r.number, title: r.title, url: r.html_url ?? '', createdAt: r.created_at.getTime(), updatedAt: r.updated_at.getTime(), embedding: toArray(r.embedding) })),
            { batchSize: batch, signal: ctx.signal },
          );
          done += rows.length;
          after = rows.at(-1)!.id;
          ctx.progress({ done });
        }
      }
      if (n === 0) ctx.log.warn('milvus_reload_empty', 'The warehouse stores no vectors (is "also store vectors in Postgres" off?): run an embedding job instead');
      await collection.flush();
      const count = await collection.count();
      ctx.log.info('milvus_reloaded', `Reloaded ${done} vectors into ${c.collection}; it now holds ${count}`, { done, count });
      return { result: { reloaded: done, entityCount: count, collection: c.collection } };
    },
  };
}

/** Drop and recreate the collection empty (confirmed in the UI/CLI before it is queued). */
export function recreateJob(svc: EmbeddingService): JobDefinition<typeof RecreateParams> {
  return {
    kind: RECREATE_JOB,
    title: 'Recreate Milvus collection',
    params: RecreateParams,
    describe: (p) => `Recreate Milvus collection ${p.collection}`,
    concurrencyKey: () => 'embeddings',
    async run(ctx) {
      const c = svc.config();
      const store = await svc.vectorStore();
      await store.recreateCollection(ctx.params.collection, c.dimensions, { model: c.model });
      const { pool } = await svc.deps.warehouse.connection();
      if (!svc.deps.settings.get().storeVectorsInPostgres) {
        // Without stored vectors the only way back is re-embedding: mark everything due.
        await pool.query('UPDATE pull_requests SET content_hash = NULL, embedding_generated_at = NULL');
        await pool.query('UPDATE issues SET content_hash = NULL, embedding_generated_at = NULL');
        ctx.log.warn('milvus_recreated_reembed', 'Vectors are not stored in Postgres: every item is due for embedding again');
      }
      ctx.log.info('milvus_recreated', `Collection ${ctx.params.collection} recreated empty (${c.dimensions} dimensions, COSINE)`);
      return { result: { collection: ctx.params.collection, dimensions: c.dimensions } };
    },
  };
}
