import { z } from 'zod';
import { call } from './define.ts';
import { isoTime, noInput } from './common.ts';
import { JobRun } from './jobs.ts';
import { BudgetOverride } from './costs.ts';

export const EmbedRequest = z.object({
  /** owner/name; omitted: every tracked repository (workspace repositories first). */
  repository: z.string().trim().min(1).max(200).optional(),
  only: z.array(z.enum(['issue', 'pr'])).min(1, 'choose issues, PRs or both').default(['issue', 'pr']),
  /** Vectors per Milvus upsert (default from settings). */
  batchSize: z.number().int().min(1).max(10_000).optional(),
  /** Inputs per OpenAI request (default 256): smaller requests lose less to a cancel and let a budget stop sooner. */
  requestSize: z.number().int().min(1).max(2048).optional(),
  /** Start even though the estimate is over a budget (audited); the run may spend its estimate. */
  budgetOverride: BudgetOverride.optional(),
});
export type EmbedRequest = z.infer<typeof EmbedRequest>;

export const EmbedPlan = z.object({
  repository: z.string().nullable(),
  model: z.string(),
  dimensions: z.number().int(),
  collection: z.string(),
  items: z.number().int(),
  due: z.number().int(),
  tokens: z.number().int(),
  /** Due items whose text is longer than the model's input limit: embedded cut, the rest not embedded. */
  truncated: z.number().int(),
  usd: z.number(),
  pricePerMillionTokens: z.number(),
  byType: z.record(z.string(), z.object({ total: z.number().int(), due: z.number().int() })),
});
export type EmbedPlan = z.infer<typeof EmbedPlan>;

export const SearchHit = z.object({ id: z.string(), score: z.number(), repository: z.string(), itemType: z.string(), number: z.number(), title: z.string(), url: z.string() });

export const CollectionInfo = z.object({
  name: z.string(),
  exists: z.boolean(),
  entityCount: z.number(),
  dimension: z.number().nullable(),
  metric: z.string().nullable(),
  indexType: z.string().nullable(),
  indexParams: z.record(z.string(), z.unknown()),
  loadState: z.string(),
  fields: z.array(z.object({ name: z.string(), type: z.string(), primaryKey: z.boolean(), maxLength: z.number().optional(), dimension: z.number().optional() })),
});

export const CostRow = z.object({ runId: z.string(), model: z.string(), dimensions: z.number(), requests: z.number(), inputTokens: z.number(), items: z.number(), usd: z.number(), startedAt: isoTime, updatedAt: isoTime });

export const OrphanVectors = z.object({ collection: z.string(), count: z.number().int(), repositories: z.array(z.string()), tracked: z.number().int() });
export type OrphanVectors = z.infer<typeof OrphanVectors>;

export const embeddingCalls = {
  'embed.plan': call('Dry run: what would be embedded, tokens counted locally, cost estimated — nothing spent', EmbedRequest, EmbedPlan),
  'embed.start': call('Start (or resume) an embedding job', EmbedRequest, JobRun),
  'embed.costs': call('The embedding cost ledger, newest first', z.object({ limit: z.number().int().min(1).max(500).default(50) }).default({ limit: 50 }), z.array(CostRow)),
  'vectors.search': call(
    'Semantic search: embed the text, search Milvus',
    z.object({ query: z.string().trim().min(1, 'type something to search for').max(4000), repository: z.string().max(200).optional(), itemTypes: z.array(z.enum(['pr', 'issue', 'discussion'])).optional(), limit: z.number().int().min(1).max(100).default(20) }),
    z.object({ hits: z.array(SearchHit), tookMs: z.number(), queryTokens: z.number() }),
  ),
  'vectors.collections': call('Milvus server, collections, schema, entity counts, index and load state', noInput, z.object({ server: z.string(), version: z.string(), active: z.string(), collections: z.array(CollectionInfo) })),
  'vectors.recreate': call('Drop and recreate the active collection (a job)', z.object({ confirm: z.literal(true, 'confirm the recreation') }), JobRun),
  'vectors.orphans': call('Vectors in the active collection whose repository is not tracked (left behind by a removal)', noInput, OrphanVectors),
  'vectors.deleteOrphans': call('Delete the vectors of untracked repositories from the active collection', z.object({ confirm: z.literal(true, 'confirm the deletion') }), z.object({ deleted: z.number().int(), repositories: z.array(z.string()) })),
  'vectors.reload': call('Reload the collection from the vectors stored in the warehouse (a job)', z.object({ repository: z.string().max(200).optional() }).default({}), JobRun),
};
