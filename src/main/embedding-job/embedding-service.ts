import type { EmbedPlan, EmbedRequest } from '../../shared/contract/embeddings.ts';
import { OpsError } from '../../shared/errors.ts';
import { OpenAIEmbedder, costUsd, effectiveDimensions, modelInfo, pricePerMillionTokens, prepareEmbeddingText } from '../embeddings/index.ts';
import type { BudgetService } from '../costs/budget-service.ts';
import type { CostService } from '../costs/cost-service.ts';
import type { JobContext, JobQueue, JobRun } from '../jobs/types.ts';
import type { Logger } from '../logging/logger.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { RateBudgets } from '../rate-budgets/rate-budgets.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { SyncService, TrackedRepository } from '../sync/sync-service.ts';
import { connectMilvus, type MilvusVectorStore } from '../vectors/index.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { summarizeDue } from './candidates.ts';
import { runEmbedding } from './embed-job.ts';
import { EMBED_JOB, RECREATE_JOB, RELOAD_JOB } from './job-kinds.ts';
import type { EmbeddingOutbox } from './outbox.ts';
import { probeWrites, type WriteProbe } from './write-probe.ts';

export { ASSUMED_MILVUS } from './write-probe.ts';

export { EMBED_JOB, RECREATE_JOB, RELOAD_JOB };

export interface EmbeddingDeps {
  warehouse: WarehouseService;
  profiles: ProfileService;
  secrets: SecretService;
  settings: SettingsService;
  jobs: JobQueue;
  logger: Logger;
  budgets: BudgetService;
  costs: CostService;
  /** The key's tokens and requests per minute, shared with every process using it. */
  rateBudgets?: RateBudgets;
  /** Tracked repositories are looked up through the sync feature. */
  sync: SyncService;
  /** Vectors paid for but not yet stored (replayed on resume). */
  outbox: EmbeddingOutbox;
}

/** The active profile's embedding setup: model, dimensions, collection, and clients for them. */
export class EmbeddingService {
  readonly deps: EmbeddingDeps;
  private store: { key: string; store: MilvusVectorStore } | null = null;

  constructor(deps: EmbeddingDeps) {
    this.deps = deps;
  }

  /**
   * Embeddings as a step of another job (the backfill's "embeddings"): the host's context carries
   * the request, checkpoints and logs; spending is booked to the host's job kind.
   */
  embedWithin(host: JobContext<EmbedRequest>, jobKind: string) {
    return runEmbedding(this, this.deps.outbox, host, jobKind);
  }

  config() {
    const p = this.deps.profiles.ensureActive();
    // ada-002 has one fixed size and rejects the parameter.
    const requested = modelInfo(p.embeddingModel)?.supportsDimensions === false ? undefined : p.embeddingDimensions;
    const dimensions = effectiveDimensions(p.embeddingModel, requested) ?? p.embeddingDimensions;
    return { profile: p, model: p.embeddingModel, requestedDimensions: requested, dimensions, collection: p.milvusCollection, baseURL: p.openaiBaseUrl };
  }

  async embedder(): Promise<OpenAIEmbedder> {
    const c = this.config();
    const apiKey = await this.deps.secrets.require(c.profile.id, 'openai_key');
    // OpenAI's limits are per key and model; the limits come from its headers (learned on the first answer).
    const gate = await this.deps.rateBudgets?.gate('openai', `${c.baseURL ?? ''}\n${apiKey}\n${c.model}`, {});
    return new OpenAIEmbedder({ apiKey, baseURL: c.baseURL, model: c.model, dimensions: c.requestedDimensions, prices: this.deps.settings.get().embeddingPrices, gate });
  }

  /** A Milvus connection for the active profile, reused while the URL stays the same. */
  async vectorStore(): Promise<MilvusVectorStore> {
    const p = this.deps.profiles.ensureActive();
    const url = await this.deps.secrets.require(p.id, 'milvus_url');
    const token = (await this.deps.secrets.get(p.id, 'milvus_token')) ?? undefined;
    const key = `${url}|${token ?? ''}`;
    if (this.store?.key === key) return this.store.store;
    await this.store?.store.close().catch(() => {});
    this.store = { key, store: await connectMilvus({ url, token }) };
    return this.store.store;
  }

  async repositoryId(name: string | undefined): Promise<string | null> {
    return (await this.repository(name))?.id ?? null;
  }

  /** A tracked repository by its current or any earlier name. */
  async repository(name: string | undefined): Promise<TrackedRepository | null> {
    if (!name) return null;
    const repo = await this.deps.sync.repository(name);
    if (!repo) throw new OpsError('not_found', `${name} is not tracked: sync it first (Repositories page or \`repo-ops sync ${name}\`)`);
    return repo;
  }

  /** The dry run: tokens counted locally with the real tokenizer, nothing sent. */
  async plan(req: EmbedRequest): Promise<EmbedPlan> {
    const c = this.config();
    const { pool } = await this.deps.warehouse.connection();
    const summary = await summarizeDue(pool, { repositoryId: await this.repositoryId(req.repository), only: req.only, model: c.model, dimensions: c.dimensions });
    const prices = this.deps.settings.get().embeddingPrices;
    return {
      repository: req.repository ?? null,
      model: c.model,
      dimensions: c.dimensions,
      collection: c.collection,
      items: summary.total,
      due: summary.due,
      tokens: summary.tokens,
      truncated: summary.truncated,
      usd: costUsd(c.model, summary.tokens, prices),
      pricePerMillionTokens: pricePerMillionTokens(c.model, prices),
      byType: summary.byType,
    };
  }

  /** Starts an embedding job, or resumes the latest one for the same scope if it stopped part-way. */
  async start(req: EmbedRequest): Promise<JobRun> {
    if (req.repository) await this.repositoryId(req.repository);
    const key = JSON.stringify([req.repository?.toLowerCase() ?? null, [...req.only].sort()]);
    const latest = this.deps.jobs.list({ kind: EMBED_JOB, limit: 200 }).find((r) => {
      const p = r.params as EmbedRequest;
      return JSON.stringify([p.repository?.toLowerCase() ?? null, [...p.only].sort()]) === key;
    });
    // Budgets: the estimate against what remains, refused over a cap unless overridden (audited).
    let audit = async (_runId: string) => {};
    if (await this.deps.budgets.applies('embeddings')) {
      const plan = await this.plan(req);
      const estimate = { usd: plan.usd, tokens: plan.tokens, repository: req.repository ?? null };
      const violations = await this.deps.budgets.preflight({ category: 'embeddings', runId: null, jobKind: EMBED_JOB, repository: req.repository ?? null, estimate, override: req.budgetOverride });
      const reason = req.budgetOverride?.reason;
      if (violations.length && reason) audit = (runId) => this.deps.budgets.recordOverride({ subject: `embed ${req.repository ?? 'all repositories'}`, runId, reason, estimate, violations, category: 'embeddings', repository: req.repository ?? null });
    }
    if (latest?.resumable) {
      await audit(latest.id);
      return this.deps.jobs.resume(latest.id);
    }
    const run = await this.deps.jobs.enqueue(EMBED_JOB, req, { dedupe: true });
    await audit(run.id);
    return run;
  }

  async search(q: { query: string; repository?: string; itemTypes?: ('pr' | 'issue' | 'discussion')[]; limit: number }) {
    const t0 = performance.now();
    const c = this.config();
    const prepared = prepareEmbeddingText({ type: 'issue', title: q.query, body: '' });
    const embedder = await this.embedder();
    let vector: number[] = [];
    await embedder.embedAll([{ index: 0, items: [{ id: 'query', text: q.query, tokens: prepared.tokens }], tokens: prepared.tokens }], {
      onBatch: async (r) => {
        vector = r.vectors[0]!;
      },
    });
    const store = await this.vectorStore();
    const stats = await store.stats(c.collection);
    if (!stats.exists) throw new OpsError('not_found', `Milvus has no collection "${c.collection}" yet: run an embedding job first`);
    if (stats.dimension !== null && stats.dimension !== vector.length) throw new OpsError('conflict', `Collection ${c.collection} stores ${stats.dimension}-dimensional vectors but ${c.model} produced ${vector.length}`);
    // Filtered by the repository's GitHub id: an old or new name finds the same entities.
    const repo = await this.repository(q.repository);
    const hits = await store.collection(c.collection).search(vector, { repositoryId: repo ? (repo.githubId ?? -1) : undefined, itemTypes: q.itemTypes, limit: q.limit });
    return { hits: await this.currentNames(hits), tookMs: Math.round(performance.now() - t0), queryTokens: prepared.tokens };
  }

  /** Hits carry the names and URLs of when they were embedded: show today's (renames, transfers). */
  private async currentNames<H extends { id: string; repositoryId: number; repository: string; url: string }>(hits: H[]): Promise<H[]> {
    if (!hits.length) return hits;
    const { pool } = await this.deps.warehouse.connection();
    const repoIds = [...new Set(hits.map((h) => h.repositoryId))];
    const { rows: repos } = await pool.query('SELECT github_id, full_name FROM repositories WHERE github_id = ANY ($1::bigint[])', [repoIds]);
    const names = new Map(repos.map((r) => [Number(r.github_id), r.full_name as string]));
    const ids = (type: string) => hits.filter((h) => h.id.startsWith(`${type}:`)).map((h) => h.id.slice(type.length + 1));
    const { rows: items } = await pool.query(
      `SELECT 'pr:' || github_id AS key, html_url FROM pull_requests WHERE github_id = ANY ($1::bigint[])
       UNION ALL SELECT 'issue:' || github_id, html_url FROM issues WHERE github_id = ANY ($2::bigint[])`,
      [ids('pr'), ids('issue')],
    );
    const urls = new Map(items.map((r) => [r.key as string, r.html_url as string | null]));
    return hits.map((h) => ({ ...h, repository: names.get(h.repositoryId) ?? h.repository, url: urls.get(h.id) ?? h.url }));
  }

  async collections() {
    const c = this.config();
    const store = await this.vectorStore();
    const names = await store.listCollections();
    if (!names.includes(c.collection)) names.push(c.collection);
    const collections = await Promise.all(names.map((n) => store.stats(n)));
    return { server: store.server, version: await store.serverVersion(), active: c.collection, collections: collections.map((s) => ({ ...s, dimension: s.dimension ?? null, metric: s.metric ?? null, indexType: s.indexType ?? null, indexParams: s.indexParams ?? {}, fields: s.fields ?? [] })) };
  }

  /** Vectors of repositories that are not tracked any more (removed without their vectors). */
  async orphans() {
    const o = await this.untracked();
    return { collection: o.collection, count: o.count, repositories: o.repositories.map((r) => r.name), tracked: o.tracked };
  }

  private async untracked() {
    const c = this.config();
    const { pool } = await this.deps.warehouse.connection();
    const tracked = (await pool.query<{ github_id: string }>('SELECT github_id FROM repositories WHERE github_id IS NOT NULL')).rows.map((r) => Number(r.github_id));
    const store = await this.vectorStore();
    if (!(await store.stats(c.collection)).exists) return { collection: c.collection, count: 0, repositories: [], tracked: tracked.length };
    return { collection: c.collection, ...(await store.collection(c.collection).untracked(tracked)), tracked: tracked.length };
  }

  async deleteOrphans() {
    const c = this.config();
    let deleted = 0;
    const repositories: string[] = [];
    // untracked() names the repositories of a sample of rows: repeat until none is left.
    for (let round = 0; round < 100; round++) {
      const o = await this.untracked();
      if (!o.count) break;
      const coll = (await this.vectorStore()).collection(c.collection);
      for (const r of o.repositories) {
        deleted += await coll.deleteRepository({ repositoryId: r.id });
        repositories.push(r.name);
      }
    }
    this.deps.logger.info('orphan_vectors_deleted', `Deleted ${deleted} vectors of untracked repositories from ${c.collection}`, { collection: c.collection, deleted, repositories });
    return { deleted, repositories };
  }

  /**
   * The embedding step's writes timed on scratch copies (a collection of its own, dropped, only when
   * the operator allowed it; the warehouse read-only), and the target collection's state (read).
   */
  async probeWrites(vectors: readonly (readonly number[])[] | undefined, opts: { scratchCollection: boolean; items?: number; afterFlush?: () => Promise<void> }): Promise<WriteProbe & { targetExists: boolean; targetRows: number }> {
    const c = this.config();
    const s = this.deps.settings.get();
    const { pool, url, info } = await this.deps.warehouse.connection();
    const store = await this.vectorStore();
    const target = await store.stats(c.collection);
    const probe = await probeWrites({ store, pool, url, dimensions: c.dimensions, batchSize: s.milvusUpsertBatchSize, storeVectors: s.storeVectorsInPostgres, pgvector: info.pgvector, vectors, scratchCollection: opts.scratchCollection, countAt: (target.exists ? target.entityCount : 0) + (opts.items ?? 0), afterFlush: opts.afterFlush });
    return { ...probe, targetExists: target.exists, targetRows: target.exists ? target.entityCount : 0 };
  }

  async costs(limit: number) {
    const { pool } = await this.deps.warehouse.connection();
    const { rows } = await pool.query('SELECT * FROM embedding_costs ORDER BY started_at DESC LIMIT $1', [limit]);
    return rows.map((r) => ({ runId: r.run_id, model: r.model, dimensions: r.dimensions, requests: r.requests, inputTokens: Number(r.input_tokens), items: r.items, usd: Number(r.usd), startedAt: r.started_at.toISOString(), updatedAt: r.updated_at.toISOString() }));
  }

  async close(): Promise<void> {
    await this.store?.store.close().catch(() => {});
    this.store = null;
  }
}
