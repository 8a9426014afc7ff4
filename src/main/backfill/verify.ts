import type pg from 'pg';
import type { BackfillRequest, Verification, VerificationItem } from '../../shared/contract/backfill.ts';
import type { Reconciliation } from '../../shared/contract/repos.ts';
import type { LogStore } from '../logging/log-store.ts';
import type { VectorCollection } from '../vectors/index.ts';

export interface VerifyInput {
  pool: pg.Pool;
  logs: LogStore;
  runId: string;
  request: BackfillRequest;
  repositoryId: string;
  /** The repository's GitHub id: Milvus entities are counted by it, whatever the repository is called now. */
  repositoryGithubId: number;
  repository: string;
  reconciliation: Reconciliation;
  /** Milvus collection of the active profile, or null when embeddings were skipped. */
  collection: VectorCollection | null;
  /** When workspace aggregation of this run started. */
  aggregatedSince: Date | null;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—');

/**
 * The backfill guide's checklist, run for real: each item is green or red with the
 * evidence and the verification query behind it. Any red item makes the run incomplete.
 */
export async function verifyBackfill(v: VerifyInput): Promise<Verification> {
  const items: VerificationItem[] = [];
  const q = async <T = Record<string, number>>(sql: string, params: unknown[] = [v.repositoryId]) => (await v.pool.query(sql, params)).rows as T[];

  const rec = v.reconciliation;
  items.push({
    id: 'pr-count',
    label: 'PR count matches GitHub',
    state: rec.pullRequests.match ? 'pass' : 'fail',
    evidence: `warehouse ${rec.pullRequests.stored}, GitHub ${rec.pullRequests.github}${rec.window.since ? ` (created since ${rec.window.since.slice(0, 10)})` : ''}`,
    queryId: 'backfill-1-coverage',
    details: [],
  });
  items.push({
    id: 'issue-count',
    label: 'Issue count matches GitHub',
    state: rec.issues.match ? 'pass' : 'fail',
    evidence: `warehouse ${rec.issues.stored}, GitHub ${rec.issues.github}`,
    queryId: 'backfill-1-coverage',
    details: [],
  });
  items.push({
    id: 'nested-complete',
    label: 'Reviews, comments and files complete',
    state: rec.nestedGaps === 0 ? 'pass' : 'fail',
    evidence: rec.nestedGaps === 0 ? 'every nested connection paged to its totalCount' : `${rec.nestedGaps} nested connections short of GitHub's totalCount`,
    queryId: null,
    details: [],
  });

  const [people] = await q(`SELECT
    (SELECT count(*) FROM pull_requests WHERE repository_id = $1 AND author_id IS NULL)::int AS prs,
    (SELECT count(*) FROM issues WHERE repository_id = $1 AND author_id IS NULL)::int AS issues,
    (SELECT count(*) FROM reviews WHERE repository_id = $1 AND reviewer_id IS NULL)::int AS reviews,
    (SELECT count(*) FROM comments WHERE repository_id = $1 AND commenter_id IS NULL)::int AS comments,
    (SELECT count(DISTINCT c) FROM (SELECT author_id c FROM pull_requests WHERE repository_id = $1 UNION SELECT reviewer_id FROM reviews WHERE repository_id = $1
       UNION SELECT author_id FROM issues WHERE repository_id = $1 UNION SELECT commenter_id FROM comments WHERE repository_id = $1) x WHERE c IS NOT NULL)::int AS people`);
  const missing = people!.prs + people!.issues + people!.reviews + people!.comments;
  items.push({
    id: 'contributors',
    label: 'Contributors list is complete (every author and reviewer present)',
    state: missing === 0 ? 'pass' : 'fail',
    evidence: missing === 0 ? `${people!.people} contributors (distinct authors, reviewers and commenters, bots included: the contributors_in_repo of query "Most active contributors"); no PR, issue, review or comment without its author` : `without an author: ${people!.prs} PRs, ${people!.issues} issues, ${people!.reviews} reviews, ${people!.comments} comments`,
    queryId: 'backfill-4-data-quality',
    details: [],
  });

  if (v.request.skipEmbeddings || !v.collection) {
    items.push({ id: 'embedding-coverage', label: 'Embeddings generated for every PR and issue', state: 'skipped', evidence: 'embeddings were skipped for this run', queryId: 'backfill-2-embedding-coverage', details: [] });
    items.push({ id: 'milvus-count', label: 'Milvus holds every embedded item', state: 'skipped', evidence: 'embeddings were skipped for this run', queryId: null, details: [] });
  } else {
    const [cov] = await q(`SELECT
      (SELECT count(*) FROM pull_requests WHERE repository_id = $1)::int AS prs,
      (SELECT count(*) FROM pull_requests WHERE repository_id = $1 AND embedding_generated_at IS NOT NULL)::int AS prs_done,
      (SELECT count(*) FROM issues WHERE repository_id = $1)::int AS issues,
      (SELECT count(*) FROM issues WHERE repository_id = $1 AND embedding_generated_at IS NOT NULL)::int AS issues_done`);
    const gaps = await q<{ t: string; number: number }>(
      `(SELECT 'PR' AS t, number FROM pull_requests WHERE repository_id = $1 AND embedding_generated_at IS NULL ORDER BY number LIMIT 20)
       UNION ALL (SELECT 'issue', number FROM issues WHERE repository_id = $1 AND embedding_generated_at IS NULL ORDER BY number LIMIT 20)`,
    );
    const complete = cov!.prs === cov!.prs_done && cov!.issues === cov!.issues_done;
    items.push({
      id: 'embedding-coverage',
      label: 'Embeddings generated for every PR and issue',
      state: complete ? 'pass' : 'fail',
      evidence: `PRs ${cov!.prs_done}/${cov!.prs} (${pct(cov!.prs_done, cov!.prs)}), issues ${cov!.issues_done}/${cov!.issues} (${pct(cov!.issues_done, cov!.issues)})`,
      queryId: 'backfill-2-embedding-coverage',
      details: gaps.map((g) => `${g.t} #${g.number} has no embedding`),
    });
    const cut = await q<{ item_type: string; number: number; original_tokens: number; kept_tokens: number }>(
      'SELECT item_type, number, original_tokens, kept_tokens FROM embedding_truncations WHERE repository_id = $1 ORDER BY original_tokens - kept_tokens DESC, number',
    );
    const lost = cut.reduce((n, c) => n + c.original_tokens - c.kept_tokens, 0);
    const total = cut.reduce((n, c) => n + c.original_tokens, 0);
    items.push({
      id: 'embedding-truncation',
      label: 'Texts embedded whole (none cut to the model’s input limit)',
      // A warning, not a failure: the item is embedded, only the end of its text is not.
      state: cut.length ? 'warn' : 'pass',
      evidence: cut.length
        ? `${cut.length} item${cut.length === 1 ? '' : 's'} cut to the input limit: ${lost.toLocaleString('en')} of their ${total.toLocaleString('en')} tokens (${pct(lost, total)}) not embedded`
        : 'every embedded text fit the model’s input limit',
      queryId: 'embedding-truncations',
      details: cut.slice(0, 20).map((c) => `${c.item_type === 'pr' ? 'PR' : 'issue'} #${c.number}: ${c.kept_tokens.toLocaleString('en')} of ${c.original_tokens.toLocaleString('en')} tokens embedded`),
    });
    const embedded = cov!.prs_done + cov!.issues_done;
    const inMilvus = await v.collection.count({ repositoryId: v.repositoryGithubId });
    items.push({
      id: 'milvus-count',
      label: 'Milvus holds every embedded item',
      state: inMilvus === embedded ? 'pass' : 'fail',
      evidence: `Milvus ${inMilvus} entities for ${v.repository}, warehouse ${embedded} embedded items`,
      queryId: 'backfill-2-embedding-coverage',
      details: [],
    });
    // Vectors of repositories no longer tracked stay searchable: flagged (a warning, not this run's failure).
    const tracked = (await q<{ github_id: string }>('SELECT github_id FROM repositories WHERE github_id IS NOT NULL', [])).map((r) => Number(r.github_id));
    const orphans = await v.collection.untracked(tracked);
    const names = orphans.repositories.map((r) => r.name);
    items.push({
      id: 'orphan-vectors',
      label: 'No vectors of untracked repositories in Milvus',
      state: orphans.count ? 'warn' : 'pass',
      evidence: orphans.count
        ? `${orphans.count} vectors belong to repositories that are not tracked (${names.join(', ')}): search still returns them. Delete them with \`repo-ops milvus delete-orphans\`.`
        : `every vector in the collection belongs to a tracked repository (${tracked.length})`,
      queryId: null,
      details: orphans.repositories.map((r) => `${r.name} (GitHub id ${r.id}): not tracked`),
    });
  }

  const ws = await q<{ name: string; last_aggregated_at: Date | null; total_pull_requests: number; total_issues: number }>(
    `SELECT w.name, w.last_aggregated_at, w.total_pull_requests, w.total_issues FROM workspaces w JOIN workspace_repositories wr ON wr.workspace_id = w.id WHERE wr.repository_id = $1 ORDER BY w.name`,
  );
  if (!ws.length) items.push({ id: 'workspace-metrics', label: 'Workspace metrics are updated', state: 'skipped', evidence: `${v.repository} is in no workspace`, queryId: 'workspace-metrics', details: [] });
  else {
    const stale = ws.filter((w) => !w.last_aggregated_at || (v.aggregatedSince && w.last_aggregated_at < v.aggregatedSince));
    items.push({
      id: 'workspace-metrics',
      label: 'Workspace metrics are updated',
      state: stale.length ? 'fail' : 'pass',
      evidence: stale.length ? `not aggregated by this run: ${stale.map((w) => w.name).join(', ')}` : ws.map((w) => `${w.name}: ${w.total_pull_requests} PRs, ${w.total_issues} issues`).join('; '),
      queryId: 'workspace-metrics',
      details: [],
    });
  }

  const errors = v.logs.query({ runId: v.runId, levels: ['error', 'fatal'] }, 20).entries;
  items.push({
    id: 'no-errors',
    label: 'No errors in the run’s logs',
    state: errors.length ? 'fail' : 'pass',
    evidence: errors.length ? `${errors.length}${errors.length === 20 ? '+' : ''} error lines` : 'no error-level log lines',
    queryId: null,
    details: errors.map((e) => `${e.ts} ${e.event}: ${e.msg}`),
  });
  return { items, ok: items.every((i) => i.state !== 'fail'), checkedAt: new Date().toISOString() };
}
