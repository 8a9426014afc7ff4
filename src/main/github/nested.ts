import type { Logger } from '../logging/logger.ts';
import type { GitHubClient } from './client.ts';
import type { GqlConnection, GqlIssue, GqlPullRequest, GqlReview } from './graphql-types.ts';
import { followUpQuery, type FollowUp, type NestedKind } from './queries.ts';
import { sizedQuery } from './resilient-query.ts';

// Continuations per query: ≤ 50 × 100 × 20 nested nodes, far under GitHub's 500,000.
export const FOLLOW_UP_BATCH = 50;

interface Pending extends FollowUp {
  target: GqlConnection<unknown>;
}

type Owner = { kind: 'pr'; node: GqlPullRequest } | { kind: 'issue'; node: GqlIssue };

function pendingFor(kind: NestedKind, nodeId: string, conn: GqlConnection<unknown>): Pending[] {
  return conn.pageInfo.hasNextPage && conn.pageInfo.endCursor ? [{ kind, nodeId, after: conn.pageInfo.endCursor, target: conn }] : [];
}

function reviewFollowUps(reviews: GqlReview[]): Pending[] {
  return reviews.flatMap((r) => pendingFor('review.comments', r.id, r.comments as GqlConnection<unknown>));
}

/**
 * Pages every nested connection of the given PRs/issues to its end (reviews, review
 * comments, comments, files, labels): no silent truncation at the first page. Many
 * continuations share one query through aliases, so heavy items cost few requests.
 */
export async function completeNested(items: Owner[], opts: { client: GitHubClient; log: Logger; signal?: AbortSignal }): Promise<void> {
  let queue: Pending[] = [];
  for (const o of items) {
    if (o.kind === 'pr') {
      const pr = o.node;
      queue.push(
        ...pendingFor('pr.reviews', pr.id, pr.reviews as GqlConnection<unknown>),
        ...pendingFor('pr.comments', pr.id, pr.comments as GqlConnection<unknown>),
        ...pendingFor('pr.files', pr.id, pr.files as GqlConnection<unknown>),
        ...pendingFor('pr.labels', pr.id, pr.labels as GqlConnection<unknown>),
        ...reviewFollowUps(pr.reviews.nodes),
      );
    } else {
      const issue = o.node;
      queue.push(...pendingFor('issue.comments', issue.id, issue.comments as GqlConnection<unknown>), ...pendingFor('issue.labels', issue.id, issue.labels as GqlConnection<unknown>));
    }
  }
  let batch = FOLLOW_UP_BATCH;
  while (queue.length) {
    const take = queue.slice(0, batch);
    const { data, size } = await sizedQuery<Record<string, { [field: string]: GqlConnection<unknown> } | null>>({
      ...opts,
      what: 'Nested follow-up',
      size: take.length,
      build: (n) => followUpQuery(take.slice(0, n)),
    });
    batch = Math.max(1, Math.min(batch, size));
    const done = take.slice(0, size);
    queue = queue.slice(size);
    done.forEach((f, i) => {
      const node = data[`n${i}`];
      const conn = node ? Object.values(node)[0] : undefined;
      if (!conn) {
        opts.log.warn('nested_vanished', `A ${f.kind} connection disappeared while paging (deleted on GitHub?)`, { nodeId: f.nodeId });
        f.target.pageInfo = { hasNextPage: false, endCursor: null };
        return;
      }
      f.target.nodes.push(...conn.nodes);
      f.target.pageInfo = conn.pageInfo;
      f.target.totalCount = conn.totalCount;
      queue.push(...pendingFor(f.kind, f.nodeId, f.target));
      if (f.kind === 'pr.reviews') queue.push(...reviewFollowUps(conn.nodes as GqlReview[]));
    });
  }
}

/** Connections whose fetched nodes differ from GitHub's totalCount (should be none). */
export function nestedGaps(prs: GqlPullRequest[], issues: GqlIssue[]): { id: string; kind: string; fetched: number; total: number }[] {
  const gaps: { id: string; kind: string; fetched: number; total: number }[] = [];
  const check = (id: string, kind: string, c: GqlConnection<unknown>) => {
    if (c.nodes.length !== c.totalCount) gaps.push({ id, kind, fetched: c.nodes.length, total: c.totalCount });
  };
  for (const pr of prs) {
    check(pr.id, 'reviews', pr.reviews as GqlConnection<unknown>);
    check(pr.id, 'comments', pr.comments as GqlConnection<unknown>);
    check(pr.id, 'files', pr.files as GqlConnection<unknown>);
    for (const r of pr.reviews.nodes) check(r.id, 'review comments', r.comments as GqlConnection<unknown>);
  }
  for (const i of issues) check(i.id, 'comments', i.comments as GqlConnection<unknown>);
  return gaps;
}
