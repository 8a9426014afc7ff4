// A kill between a batch's warehouse commit and its removal from the local outbox leaves the batch
// to be replayed on resume. The replay stores its vectors again (upserts: harmless) but must not
// count or pay for it again: the run's ledger and the cost ledger stay as they were.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordCosts } from '../../src/main/costs/ledger.ts';
import { dueCandidates, type Candidate } from '../../src/main/embedding-job/candidates.ts';
import type { OutboxBatch } from '../../src/main/embedding-job/outbox.ts';
import { persistBatches, type PersistTarget } from '../../src/main/embedding-job/persist.ts';
import { costEntries } from '../../src/main/embedding-job/spend.ts';
import { connectMilvus } from '../../src/main/vectors/index.ts';
import { embedEnvPerTest } from '../helpers/embed-env-per-test.ts';

const envs = embedEnvPerTest();
const DIM = 8;

const batchOf = (items: Candidate[], batchNo: number, id: string | undefined): OutboxBatch => ({
  ...(id ? { id } : {}),
  batchNo,
  items: items.map(({ text: _text, ...c }) => ({ ...c, vector: Array.from({ length: DIM }, (_, k) => (k + 1) / DIM) })),
  tokens: items.reduce((n, i) => n + i.tokens, 0),
  requests: 1,
  usd: 0.001 * items.length,
});

describe('replaying the outbox after a kill', () => {
  it('a batch already stored is neither counted nor paid for again; a new batch with the same number is', async () => {
    const env = await envs.start({ dimensions: DIM });
    const { rows: [repo] } = await env.pool.query("SELECT id FROM repositories WHERE full_name = 'octo/widgets'");
    const pages = dueCandidates(env.pool, { repositoryId: repo.id, only: ['issue', 'pr'], model: 'text-embedding-3-small', dimensions: DIM });
    const due = (await pages.next()).value as Candidate[];
    expect(due.length).toBeGreaterThanOrEqual(9);
    const store = await connectMilvus({ url: env.milvus.url });
    const runId = randomUUID();
    const target: PersistTarget = {
      pool: env.pool, url: env.db.url, collection: await store.ensureCollection(env.collection, DIM), model: 'text-embedding-3-small', dimensions: DIM,
      storeVectors: true, pgvector: false, milvusBatchSize: 100, runId, repositoryId: repo.id,
      recordCost: (c, b) => recordCosts(c, costEntries(b, { model: 'text-embedding-3-small', runId, jobKind: 'embed' })),
    };
    const ledger = async () => {
      const { rows: [r] } = await env.pool.query(`SELECT
        (SELECT items FROM embedding_costs WHERE run_id = $1)::int AS run_items, (SELECT usd FROM embedding_costs WHERE run_id = $1)::float8 AS run_usd,
        (SELECT COALESCE(sum(items), 0) FROM cost_entries WHERE run_id = $1)::int AS cost_items, (SELECT COALESCE(sum(usd), 0) FROM cost_entries WHERE run_id = $1)::float8 AS cost_usd`, [runId]);
      return r;
    };
    try {
      const first = batchOf(due.slice(0, 3), 0, randomUUID());
      expect((await persistBatches(target, [first])).items).toBe(3);
      expect(await ledger()).toMatchObject({ run_items: 3, cost_items: 3 });
      const once = await ledger();

      // The resume replays it (its outbox row outlived the commit): nothing is added.
      const replay = await persistBatches(target, [first]);
      expect(replay).toMatchObject({ items: 0, tokens: 0, usd: 0, requests: 0 });
      expect(await ledger()).toEqual(once);

      // Batch numbers start again on a resume: a new batch numbered 0 is stored and paid for, and
      // one replayed beside a stored one counts alone.
      const next = batchOf(due.slice(3, 6), 0, randomUUID());
      expect((await persistBatches(target, [first, next])).items).toBe(3);
      expect(await ledger()).toMatchObject({ run_items: 6, cost_items: 6 });
      expect((await ledger()).run_usd).toBeCloseTo(0.006, 9);
      expect((await ledger()).cost_usd).toBeCloseTo(0.006, 9);

      // A batch paid for by an earlier version carries no id: stored and counted as before.
      expect((await persistBatches(target, [batchOf(due.slice(6, 9), 1, undefined)])).items).toBe(3);
      expect(await ledger()).toMatchObject({ run_items: 9, cost_items: 9 });
      const { rows: [m] } = await env.pool.query('SELECT count(*)::int AS n FROM pull_requests WHERE embedding_generated_at IS NOT NULL');
      const { rows: [i] } = await env.pool.query('SELECT count(*)::int AS n FROM issues WHERE embedding_generated_at IS NOT NULL');
      expect(m.n + i.n).toBe(9);
    } finally {
      await store.close();
    }
  });
});
