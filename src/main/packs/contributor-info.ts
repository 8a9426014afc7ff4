// contributor.info's backfill guide, against its own database, read-only: embedding coverage per
// item table and the items still waiting for embeddings (items_needing_embeddings_priority).
import type { Status } from '../../shared/status.ts';
import { outcome, pct } from './outcome.ts';
import type { Pack } from './types.ts';

const ITEM_TABLES = ['issues', 'pull_requests', 'discussions'];

export const contributorInfoPack: Pack = {
  kind: 'contributor-info',
  signature: ['repositories', 'contributors', 'pull_requests', 'issues', 'items_needing_embeddings_priority'],
  checks: [
    {
      id: 'embedding-coverage',
      title: 'Embedding coverage',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const cat = await db.catalog(ctx.signal);
        const tables = ITEM_TABLES.filter((t) => cat.tables.get(t)?.has('embedding'));
        if (!tables.length) return outcome('unknown', 'No item table with an embedding column', 'catalog');
        const sql = tables.map((t) => `SELECT '${t}' AS item_type, count(*) FILTER (WHERE embedding IS NOT NULL)::int AS with_embeddings, count(*)::int AS total FROM ${db.t(t)}`).join(' UNION ALL ');
        const rows = (await db.query<{ item_type: string; with_embeddings: number; total: number }>(sql, [], ctx.signal)).map((r) => ({ ...r, coverage: r.total ? pct(r.with_embeddings / r.total) : '—' }));
        const withE = rows.reduce((a, r) => a + r.with_embeddings, 0);
        const total = rows.reduce((a, r) => a + r.total, 0);
        const cov = total ? withE / total : 1;
        const status: Status = cov < 0.5 ? 'degraded' : 'healthy';
        return outcome(status, `${pct(cov)} of ${total} items embedded`, sql, rows);
      },
    },
    {
      id: 'items-needing-embeddings',
      title: 'Items needing embeddings',
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        await db.table('items_needing_embeddings_priority', ctx.signal);
        const sql = `SELECT item_type, count(*)::int AS items FROM ${db.t('items_needing_embeddings_priority')} GROUP BY item_type ORDER BY 2 DESC`;
        const rows = await db.query<{ items: number }>(sql, [], ctx.signal);
        return outcome('healthy', `${rows.reduce((a, r) => a + r.items, 0)} items waiting`, sql, rows);
      },
    },
  ],
  actions: [],
};
