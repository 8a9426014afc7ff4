import type pg from 'pg';
import { contentHash, prepareEmbeddingText } from '../embeddings/index.ts';

export type ItemType = 'pr' | 'issue';

export interface Candidate {
  key: string;
  itemType: ItemType;
  id: string;
  githubId: number;
  repositoryId: string;
  /** The repository's GitHub id (Milvus keys entities' repository by it: renames change nothing). */
  repositoryGithubId: number;
  repository: string;
  number: number;
  title: string;
  url: string;
  createdAt: string;
  updatedAt: string;
  text: string;
  tokens: number;
  /** Tokens of the whole text: more than `tokens` when it was cut to the model's input limit. */
  originalTokens: number;
  hash: string;
}

interface Row {
  item_type: ItemType;
  id: string;
  github_id: number;
  repository_id: string;
  repo_github_id: string;
  full_name: string;
  number: number;
  title: string;
  body: string | null;
  html_url: string | null;
  content_hash: string | null;
  generated: boolean;
  created_at: Date;
  updated_at: Date;
  priority: number;
  id_key: string;
}

// The runbook's priority order: items of workspace repositories first, then issues,
// then PRs (discussions would follow); newest first within each. Keyset-paged so a
// 100k-item warehouse is streamed, never loaded whole.
const PAGE_SQL = `
SELECT * FROM (
  SELECT 'issue'::text AS item_type, i.id, i.github_id, i.repository_id, r.github_id AS repo_github_id, r.full_name, i.number, i.title, i.body, i.html_url,
    i.content_hash, i.embedding_generated_at IS NOT NULL AS generated, i.created_at, i.updated_at,
    (CASE WHEN EXISTS (SELECT 1 FROM workspace_repositories w WHERE w.repository_id = i.repository_id) THEN 0 ELSE 10 END) + 1 AS priority,
    i.id::text AS id_key
  FROM issues i JOIN repositories r ON r.id = i.repository_id
  WHERE ($1::uuid IS NULL OR i.repository_id = $1) AND $2::boolean
  UNION ALL
  SELECT 'pr', p.id, p.github_id, p.repository_id, r.github_id, r.full_name, p.number, p.title, p.body, p.html_url,
    p.content_hash, p.embedding_generated_at IS NOT NULL, p.created_at, p.updated_at,
    (CASE WHEN EXISTS (SELECT 1 FROM workspace_repositories w WHERE w.repository_id = p.repository_id) THEN 0 ELSE 10 END) + 2,
    p.id::text
  FROM pull_requests p JOIN repositories r ON r.id = p.repository_id
  WHERE ($1::uuid IS NULL OR p.repository_id = $1) AND $3::boolean
) x
-- Keyset order is (priority ASC, created_at DESC, id ASC).
WHERE ($4::int IS NULL OR x.priority > $4::int OR (x.priority = $4::int AND (x.created_at < $5::timestamptz OR (x.created_at = $5::timestamptz AND x.id_key > $6::text))))
ORDER BY x.priority, x.created_at DESC, x.id_key
LIMIT $7`;

/** Candidates per page: the embedding step reads, sends and stores page by page. */
export const CANDIDATE_PAGE_SIZE = 2000;

export interface ScanSummary {
  total: number;
  due: number;
  tokens: number;
  /** Due items whose text is cut to the model's input limit. */
  truncated: number;
  byType: Record<ItemType, { total: number; due: number }>;
}

export interface ScanOptions {
  repositoryId: string | null;
  only: ItemType[];
  model: string;
  dimensions: number | undefined;
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Yields, page by page in priority order, the items that need an embedding: never
 * embedded, or their content hash (text + model + dimensions) changed. Unchanged
 * items are never sent again. Streams: a 100k-item warehouse is never held whole.
 */
export async function* dueCandidates(pool: pg.Pool, opts: ScanOptions, summary?: ScanSummary): AsyncGenerator<Candidate[]> {
  const pageSize = opts.pageSize ?? CANDIDATE_PAGE_SIZE;
  let after: [number, Date, string] | null = null;
  for (;;) {
    opts.signal?.throwIfAborted();
    const { rows } = (await pool.query(PAGE_SQL, [opts.repositoryId, opts.only.includes('issue'), opts.only.includes('pr'), after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, pageSize])) as { rows: Row[] };
    const due: Candidate[] = [];
    for (const r of rows) {
      if (summary) {
        summary.total++;
        summary.byType[r.item_type].total++;
      }
      const prepared = prepareEmbeddingText({ type: r.item_type, title: r.title, body: r.body ?? '' });
      const hash = contentHash(prepared.text, opts.model, opts.dimensions);
      if (r.generated && r.content_hash === hash) continue;
      if (summary) {
        summary.due++;
        summary.tokens += prepared.tokens;
        if (prepared.truncated) summary.truncated++;
        summary.byType[r.item_type].due++;
      }
      due.push({
        key: `${r.item_type}:${r.github_id}`,
        itemType: r.item_type,
        id: r.id,
        githubId: r.github_id,
        repositoryId: r.repository_id,
        repositoryGithubId: Number(r.repo_github_id),
        repository: r.full_name,
        number: r.number,
        title: r.title,
        url: r.html_url ?? '',
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
        text: prepared.text,
        tokens: prepared.tokens,
        originalTokens: prepared.originalTokens,
        hash,
      });
    }
    if (due.length) yield due;
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = [last.priority, last.created_at, last.id_key];
  }
}

export const emptySummary = (): ScanSummary => ({ total: 0, due: 0, tokens: 0, truncated: 0, byType: { pr: { total: 0, due: 0 }, issue: { total: 0, due: 0 } } });

/** The dry run's pass: counts and tokens of what is due, texts dropped as they go. */
export async function summarizeDue(pool: pg.Pool, opts: ScanOptions): Promise<ScanSummary> {
  const summary = emptySummary();
  for await (const page of dueCandidates(pool, opts, summary)) page.length = 0;
  return summary;
}
