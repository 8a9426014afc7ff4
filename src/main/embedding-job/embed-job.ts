import { randomUUID } from 'node:crypto';
import { EmbedRequest } from '../../shared/contract/embeddings.ts';
import { OpsError } from '../../shared/errors.ts';
import type { Ticket } from '../costs/guard.ts';
import { carriedCount } from '../../shared/progress.ts';
import { costUsd, packBatches } from '../embeddings/index.ts';
import { JobPausedError, type JobContext, type JobDefinition } from '../jobs/types.ts';
import { dueCandidates, emptySummary, summarizeDue, type Candidate } from './candidates.ts';
import type { EmbeddingService } from './embedding-service.ts';
import { EMBED_JOB } from './job-kinds.ts';
import type { EmbeddingOutbox, OutboxBatch } from './outbox.ts';
import { persistBatches, type PersistTarget } from './persist.ts';
import { actualAmount, batchAmount, costEntries } from './spend.ts';

/**
 * Embeds what changed, in priority order, bounded only by the provider's rate limit:
 * vectors land in a local outbox as soon as they are paid for, then go to Milvus and
 * the warehouse in batches. Resume replays the outbox and skips finished items.
 */
export function embedJob(svc: EmbeddingService, outbox: EmbeddingOutbox): JobDefinition<typeof EmbedRequest> {
  return {
    kind: EMBED_JOB,
    title: 'Embed items',
    params: EmbedRequest,
    describe: (p) => `Embed ${p.repository ?? 'all repositories'} (${p.only.join(', ')})`,
    steps: () => ['prepare', 'embed'],
    concurrencyKey: () => 'embeddings',
    async run(ctx) {
      return { result: await runEmbedding(svc, outbox, ctx) };
    },
  };
}

export type EmbeddingResult = Awaited<ReturnType<typeof runEmbedding>>;

/** The embedding work itself; also run as a step of a backfill (`jobKind` names the run's kind in the ledger). */
export async function runEmbedding(svc: EmbeddingService, outbox: EmbeddingOutbox, ctx: JobContext<EmbedRequest>, jobKind = EMBED_JOB) {
  const c = svc.config();
  const settings = svc.deps.settings.get();
  const { pool, url, info } = await svc.deps.warehouse.connection();
  const repo = await svc.repository(ctx.params.repository);
  const repositoryId = repo?.id ?? null;
  const embedder = await svc.embedder();
  const store = await svc.vectorStore();
  // Refuses a dimension mismatch before a single token is bought.
  const setupAt = performance.now();
  const collection = await store.ensureCollection(c.collection, c.dimensions, { model: c.model });
  const setupSeconds = (performance.now() - setupAt) / 1000;
  const target: PersistTarget = {
    pool,
    url,
    collection,
    model: c.model,
    dimensions: c.dimensions,
    storeVectors: settings.storeVectorsInPostgres,
    pgvector: info.pgvector,
    milvusBatchSize: ctx.params.batchSize ?? settings.milvusUpsertBatchSize,
    runId: ctx.runId,
    repositoryId,
    signal: ctx.signal,
    recordCost: (client, batches) => svc.deps.costs.record(costEntries(batches, { model: c.model, runId: ctx.runId, jobKind }), client),
  };
  // Budget reservations of batches paid for but not yet in the ledger, settled when stored.
  const tickets = new Map<number, Ticket>();
  let guard: Awaited<ReturnType<typeof svc.deps.budgets.guard>> | null = null;
  // truncated: items cut to the model's input limit; truncatedTokens: their tokens never embedded.
  // The seconds of each part (this attempt's): where the step's time went, and what the next estimate measures rates from.
  const totals = { items: 0, tokens: 0, usd: 0, requests: 0, rateLimited: 0, milvusSeconds: 0, warehouseSeconds: 0, textSeconds: 0, planSeconds: 0, setupSeconds, finishSeconds: 0, truncated: 0, truncatedTokens: 0 };
  let earlier = 0; // embedded by earlier attempts of this run
  const report = (message: string) =>
    ctx.progress({ done: carriedCount(earlier, totals.items), unit: 'items', message, extra: { tokens: totals.tokens, usd: Number(totals.usd.toFixed(6)), requests: totals.requests, rateLimited: totals.rateLimited, truncated: totals.truncated, model: c.model } });

  const flush = async (batches: OutboxBatch[]) => {
    if (!batches.length) return;
    const done = await persistBatches(target, batches);
    outbox.remove(ctx.runId, batches.map((b) => b.batchNo));
    for (const b of batches) {
      const t = tickets.get(b.batchNo);
      tickets.delete(b.batchNo);
      if (t) guard?.settle(t, actualAmount([b]));
    }
    totals.items += done.items;
    totals.milvusSeconds += done.milvusMs / 1000;
    totals.warehouseSeconds += done.warehouseMs / 1000;
    for (const i of done.truncated) {
      totals.truncated++;
      totals.truncatedTokens += i.originalTokens - i.tokens;
      const pct = ((100 * (i.originalTokens - i.tokens)) / i.originalTokens).toFixed(1);
      ctx.log.warn('embedding_truncated', `${i.repository} ${i.itemType === 'pr' ? 'PR' : 'issue'} #${i.number}: cut to ${i.tokens.toLocaleString('en')} of ${i.originalTokens.toLocaleString('en')} tokens (${pct}% not embedded)`, {
        item: i.key, repository: i.repository, number: i.number, originalTokens: i.originalTokens, keptTokens: i.tokens,
      });
    }
    report('Vectors stored');
  };

  // Paid-for vectors of an interrupted attempt go in first, on every attempt: never buy them twice.
  const replay = outbox.pending(ctx.runId);
  if (replay.length) ctx.log.info('embedding_outbox_replayed', `Storing ${replay.reduce((n, b) => n + b.items.length, 0)} vectors paid for before the interruption`);
  await flush(replay);

  let planned = false; // false: the plan is an earlier execution's (a resume)
  const plan = await ctx.step('prepare', async () => {
    planned = true;
    const planAt = performance.now();
    const summary = await summarizeDue(pool, { repositoryId, only: ctx.params.only, model: c.model, dimensions: c.dimensions, signal: ctx.signal });
    totals.planSeconds = (performance.now() - planAt) / 1000;
    ctx.log.info('embedding_plan', `${summary.due} of ${summary.total} items need embeddings (${summary.tokens} tokens, about $${costUsd(c.model, summary.tokens, settings.embeddingPrices).toFixed(4)})${summary.truncated ? `; ${summary.truncated} will be cut to the model's input limit` : ''}`, { ...summary });
    return summary;
  });
  if (!planned) {
    // Counts across resumes: the plan is the first execution's, so what is no longer due was done before (replayed vectors are in totals).
    const now = await summarizeDue(pool, { repositoryId, only: ctx.params.only, model: c.model, dimensions: c.dimensions, signal: ctx.signal });
    earlier = Math.max(0, plan.due - now.due - totals.items);
  }
  ctx.progress({ done: carriedCount(earlier, totals.items), total: plan.due, unit: 'items' });

  // Budgets: the estimate of what is left against what remains, then a check before every batch.
  const usdPerToken = costUsd(c.model, 1_000_000, settings.embeddingPrices) / 1_000_000;
  const spent = await svc.deps.costs.runTotals(ctx.runId);
  const estimate = { usd: Math.max(0, plan.tokens * usdPerToken - spent.usd), tokens: Math.max(0, plan.tokens - spent.tokens), repository: ctx.params.repository ?? null };
  const overridden = Boolean(ctx.params.budgetOverride) || (await svc.deps.budgets.overriddenFor(ctx.runId));
  guard = await svc.deps.budgets.guard({ category: 'embeddings', runId: ctx.runId, jobKind, repository: ctx.params.repository ?? null, override: overridden ? { estimate } : null });
  try {
    if (!overridden && plan.due > 0) {
      const over = guard.violations(estimate);
      if (over.length) throw new JobPausedError(`Refused before the first paid batch: ${over.map((v) => v.message).join(' ')} Raise the cap (Settings → Budgets) and resume, or start it with an override.`);
    }
    return await embedSteps();
  } finally {
    guard.close();
  }

  async function embedSteps() {
  const result = await ctx.step('embed', async () => {
    let batchNo = outbox.nextBatchNo(ctx.runId);
    let pending: OutboxBatch[] = [];
    const pendingItems = () => pending.reduce((n, b) => n + b.items.length, 0);
    const summary = emptySummary();
    // Reading and tokenizing the texts: the time from one page's end to the next page's arrival.
    let readFrom = performance.now();
    for await (const page of dueCandidates(pool, { repositoryId, only: ctx.params.only, model: c.model, dimensions: c.dimensions, signal: ctx.signal }, summary)) {
      totals.textSeconds += (performance.now() - readFrom) / 1000;
      const batches = packBatches(page, { maxInputs: ctx.params.requestSize });
      const run = await embedder.embedAll(batches, {
        signal: ctx.signal,
        admit: (batch) => guard!.admit(batchAmount(batch.items, usdPerToken)),
        onBatch: async (r) => {
          const items = (r.batch.items as Candidate[]).map(({ text: _t, ...rest }, i) => ({ ...rest, vector: r.vectors[i]! }));
          const b: OutboxBatch = { id: randomUUID(), batchNo: batchNo++, items, tokens: r.tokens, requests: r.attempts, usd: costUsd(c.model, r.tokens, settings.embeddingPrices) };
          outbox.add(ctx.runId, b);
          if (r.admission) tickets.set(b.batchNo, r.admission as Ticket);
          totals.tokens += b.tokens;
          totals.usd += b.usd;
          totals.requests += b.requests;
          pending.push(b);
          report('Embedding');
          if (pendingItems() >= target.milvusBatchSize) {
            const take = pending;
            pending = [];
            await flush(take);
          }
        },
      }).catch(async (e: unknown) => {
        // A budget pause: what was paid for is stored (and in the ledger) before the run stops.
        if (e instanceof JobPausedError) {
          await flush(pending);
          pending = [];
        }
        throw e instanceof OpsError ? e : new OpsError('unavailable', `Embedding failed: ${(e as Error).message}`);
      });
      totals.rateLimited += run.rateLimited;
      readFrom = performance.now();
    }
    await flush(pending);
    // Every batch of the run is stored and out of the outbox: nothing left to replay.
    await target.pool.query('DELETE FROM embedding_stored_batches WHERE run_id = $1', [ctx.runId]);
    const finishAt = performance.now();
    await collection.flush();
    // The scope's own entities (one repository's, by its stable GitHub id), and the collection's total.
    const milvusCount = repo ? await collection.count({ repositoryId: repo.githubId ?? -1 }) : await collection.count();
    const collectionCount = repo ? await collection.count() : milvusCount;
    totals.finishSeconds = (performance.now() - finishAt) / 1000;
    return { ...totals, milvusCount, collectionCount, repository: repo?.fullName ?? null, model: c.model, dimensions: c.dimensions, collection: c.collection, due: summary.due };
  });
  ctx.log.info('embedding_completed', `Embedded ${result.items} items: ${result.tokens} tokens, $${result.usd.toFixed(6)}, ${result.requests} requests${result.truncated ? `; ${result.truncated} cut to the input limit (${result.truncatedTokens.toLocaleString('en')} tokens not embedded)` : ''}`, result);
  return result;
  }
}
