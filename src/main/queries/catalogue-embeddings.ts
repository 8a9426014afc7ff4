// Embedding checks: what still needs embedding, per model, consistency, and volume.
import { HEAVY_TIMEOUT_MS, REPOSITORY } from './catalogue-coverage.ts';
import type { CatalogueQuery } from './types.ts';

const GUIDE = 'aggressive-backfill-guide.md';

export const embeddingQueries: CatalogueQuery[] = [
  {
    id: 'embedding-truncations',
    title: 'Texts cut to the model’s input limit',
    group: 'embeddings',
    description: 'Items whose cleaned text was longer than the embedding model accepts (8,191 tokens; cut at 8,000): how many tokens each had, how many were embedded, and the share never embedded. Written by every embedding run; an item embedded whole again leaves the list.',
    source: `${GUIDE} § Step 2: Embeddings Generation (texts over the model's input limit are cut: the embedding job records each in embedding_truncations)`,
    params: [REPOSITORY],
    sql: `SELECT t.item_type, t.number, coalesce(p.title, i.title) AS title, t.original_tokens, t.kept_tokens,
       round(100.0 * (t.original_tokens - t.kept_tokens) / t.original_tokens, 1) AS percent_not_embedded,
       t.model, t.truncated_at
FROM embedding_truncations t
LEFT JOIN pull_requests p ON t.item_type = 'pr' AND p.id = t.item_id
LEFT JOIN issues i ON t.item_type = 'issue' AND i.id = t.item_id
WHERE t.repository_id = $1::uuid
ORDER BY t.original_tokens - t.kept_tokens DESC, t.number;`,
  },
  {
    id: 'embeddings-needing',
    title: 'Items needing embeddings (priority view)',
    group: 'embeddings',
    description: 'Items of the repository in the embedding queue (no embedding yet, or updated since it was made), per type, as the embed step sees them.',
    source: `${GUIDE} § Step 2: Embeddings Generation › Monitoring ("Check items needing embeddings", verbatim; 'your-repo-id' → $1::uuid)`,
    params: [REPOSITORY],
    sql: `SELECT item_type, COUNT(*)
FROM items_needing_embeddings_priority
WHERE repository_id = $1::uuid
GROUP BY item_type;`,
  },
  {
    id: 'embeddings-pending',
    title: 'Why items need embeddings',
    group: 'embeddings',
    description:
      'Per type: items without an embedding, items updated on GitHub after they were embedded (the embed run re-embeds them only if their content hash changed), and items embedded with another model.',
    source: `${GUIDE} § Step 2 › Monitoring ("Check items needing embeddings"), broken down by reason instead of through items_needing_embeddings_priority`,
    params: [REPOSITORY, { name: 'model', type: 'text', label: 'Current embedding model', default: 'text-embedding-3-small' }],
    sql: `SELECT 'PRs' AS item_type,
       count(*) FILTER (WHERE embedding IS NULL) AS missing,
       count(*) FILTER (WHERE embedding IS NOT NULL AND embedding_generated_at < updated_at) AS updated_since_embedding,
       count(*) FILTER (WHERE embedding IS NOT NULL AND embedding_model IS DISTINCT FROM $2) AS other_model,
       count(*) AS total
FROM pull_requests
WHERE repository_id = $1::uuid
UNION ALL
SELECT 'Issues',
       count(*) FILTER (WHERE embedding IS NULL),
       count(*) FILTER (WHERE embedding IS NOT NULL AND embedding_generated_at < updated_at),
       count(*) FILTER (WHERE embedding IS NOT NULL AND embedding_model IS DISTINCT FROM $2),
       count(*)
FROM issues
WHERE repository_id = $1::uuid;`,
  },
  {
    id: 'embeddings-by-model',
    title: 'Embedding coverage per type and model',
    group: 'embeddings',
    description: 'Items per type, model and dimensions, with when they were first and last embedded. "(none)" counts items without an embedding.',
    source: `${GUIDE} § Step 2 › Monitoring ("Check embedding coverage", extended from PRs to both types and split by model)`,
    params: [REPOSITORY],
    sql: `SELECT item_type, model, dimensions, items,
       round(100.0 * items / sum(items) OVER (PARTITION BY item_type), 2) AS percent_of_type,
       first_generated, last_generated
FROM (
  SELECT 'PRs' AS item_type, CASE WHEN embedding IS NULL THEN '(none)' ELSE coalesce(embedding_model, '(unknown)') END AS model,
         CASE WHEN embedding IS NOT NULL THEN embedding_dimensions END AS dimensions, count(*) AS items,
         min(embedding_generated_at) AS first_generated, max(embedding_generated_at) AS last_generated
  FROM pull_requests WHERE repository_id = $1::uuid GROUP BY 1, 2, 3
  UNION ALL
  SELECT 'Issues', CASE WHEN embedding IS NULL THEN '(none)' ELSE coalesce(embedding_model, '(unknown)') END,
         CASE WHEN embedding IS NOT NULL THEN embedding_dimensions END, count(*),
         min(embedding_generated_at), max(embedding_generated_at)
  FROM issues WHERE repository_id = $1::uuid GROUP BY 1, 2, 3
) per_model
ORDER BY item_type DESC, items DESC, model;`,
  },
  {
    id: 'embeddings-consistency',
    title: 'Embedding metadata consistency',
    group: 'embeddings',
    description:
      'Embeddings missing their model, content hash or timestamp; vectors whose length differs from embedding_dimensions; metadata left on rows without an embedding. All should be 0. Reads every vector of the repository.',
    source: `${GUIDE} § Verification Checklist ("Embeddings are generated (check SQL query)"), checking the columns the embed step writes`,
    // Reads the repository's whole slice of the big tables: more room than the 2 s default.
    timeoutMs: HEAVY_TIMEOUT_MS,
    params: [REPOSITORY],
    sql: `WITH items AS (
  SELECT 'PRs' AS item_type, embedding IS NOT NULL AS embedded, embedding_model, content_hash, embedding_generated_at, embedding_dimensions,
         CASE WHEN embedding IS NOT NULL THEN cardinality(embedding::real[]) END AS vector_length
  FROM pull_requests WHERE repository_id = $1::uuid
  UNION ALL
  SELECT 'Issues', embedding IS NOT NULL, embedding_model, content_hash, embedding_generated_at, embedding_dimensions,
         CASE WHEN embedding IS NOT NULL THEN cardinality(embedding::real[]) END
  FROM issues WHERE repository_id = $1::uuid
)
SELECT item_type,
       count(*) FILTER (WHERE embedded AND embedding_model IS NULL) AS without_model,
       count(*) FILTER (WHERE embedded AND content_hash IS NULL) AS without_content_hash,
       count(*) FILTER (WHERE embedded AND embedding_generated_at IS NULL) AS without_generated_at,
       count(*) FILTER (WHERE embedded AND vector_length IS DISTINCT FROM embedding_dimensions) AS length_mismatch,
       count(*) FILTER (WHERE NOT embedded AND (embedding_model IS NOT NULL OR content_hash IS NOT NULL)) AS metadata_without_embedding
FROM items
GROUP BY item_type
ORDER BY item_type DESC;`,
  },
  {
    id: 'embedding-spend',
    title: 'Embedding spend',
    group: 'embeddings',
    description: 'OpenAI embedding runs in the period per repository and model: runs, items, input tokens and cost from the cost ledger, biggest first.',
    source: 'autodevops-runbook.md § Incident: Billing Spike (AI Costs) › "Check current usage" (ai_usage.tokens_used by user → embedding_costs.input_tokens by repository and model; the 24 hours bound as $1)',
    params: [{ name: 'period', type: 'interval', label: 'Period', default: '24 hours' }],
    sql: `SELECT r.full_name AS repository, c.model, count(*) AS runs, sum(c.items) AS items,
       SUM(c.input_tokens) as total_tokens, sum(c.usd) AS usd
FROM embedding_costs c
LEFT JOIN repositories r ON r.id = c.repository_id
WHERE c.started_at > NOW() - $1::interval
GROUP BY r.full_name, c.model
ORDER BY total_tokens DESC
LIMIT 10;`,
  },
  {
    id: 'embeddings-volume',
    title: 'Embeddings generated recently',
    group: 'embeddings',
    description:
      'Embeddings written per day, repository, type and model in the period, with a rough token estimate (bytes of title and body / 4) to explain an OpenAI bill.',
    source: 'autodevops-runbook.md § Incident: Billing Spike (AI Costs) › "Check current usage", from the embedded rows themselves (independent of the cost ledger)',
    params: [{ name: 'period', type: 'interval', label: 'Period', default: '7 days' }],
    sql: `SELECT date_trunc('day', x.embedding_generated_at)::date AS day, r.full_name AS repository, x.item_type, x.embedding_model AS model,
       count(*) AS items, sum(x.bytes) / 4 AS estimated_tokens
FROM (
  SELECT repository_id, 'PRs' AS item_type, embedding_generated_at, embedding_model, octet_length(title) + coalesce(octet_length(body), 0) AS bytes
  FROM pull_requests WHERE embedding_generated_at > now() - $1::interval
  UNION ALL
  SELECT repository_id, 'Issues', embedding_generated_at, embedding_model, octet_length(title) + coalesce(octet_length(body), 0)
  FROM issues WHERE embedding_generated_at > now() - $1::interval
) x
JOIN repositories r ON r.id = x.repository_id
GROUP BY 1, 2, 3, 4
ORDER BY 1 DESC, 5 DESC;`,
  },
];
