import type { GqlActor, GqlIssue, GqlPullRequest } from '../github/graphql-types.ts';

// GitHub's placeholder for deleted accounts: REST shows it as "ghost" (id 10137),
// GraphQL as a null author. Both land on this one contributor.
export const GHOST = { github_id: 10137, username: 'ghost', display_name: 'Deleted user', avatar_url: null, is_bot: false, is_ghost: true };

export interface ContributorRow {
  github_id: number;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
  is_bot: boolean;
  is_ghost: boolean;
  seen_first: string;
  seen_last: string;
}

/** Rows of one page, ready for the set-based upserts. */
export interface PageRows {
  contributors: ContributorRow[];
  pullRequests: Record<string, unknown>[];
  issues: Record<string, unknown>[];
  reviews: Record<string, unknown>[];
  comments: Record<string, unknown>[];
  files: Record<string, unknown>[];
  /** Children to keep per parent (anything else of that parent was deleted on GitHub). */
  keep: { reviews: { pr: number; keep: number[] }[]; prComments: { pr: number; keep: number[] }[]; reviewComments: { pr: number; keep: number[] }[]; files: { pr: number; keep: string[] }[]; issueComments: { issue: number; keep: number[] }[] };
}

/**
 * The login GitHub shows everywhere else (REST, commits, the web): GraphQL's Bot.login drops the
 * "[bot]" suffix, so without it bots match neither REST data nor a `LIKE '%[bot]'` filter.
 */
export function login(actor: GqlActor): string {
  return actor.__typename === 'Bot' && !actor.login.endsWith('[bot]') ? `${actor.login}[bot]` : actor.login;
}

export class Contributors {
  private readonly byId = new Map<number, ContributorRow>();

  /** Returns the contributor's GitHub id (ghost for deleted or id-less accounts). */
  add(actor: GqlActor | null, at: string): number {
    const base = actor && typeof actor.databaseId === 'number' ? { github_id: actor.databaseId, username: login(actor), display_name: actor.name ?? null, avatar_url: actor.avatarUrl ?? null, is_bot: actor.__typename === 'Bot', is_ghost: actor.login === 'ghost' } : GHOST;
    const prev = this.byId.get(base.github_id);
    if (prev) {
      if (at < prev.seen_first) prev.seen_first = at;
      if (at > prev.seen_last) prev.seen_last = at;
    } else this.byId.set(base.github_id, { ...base, seen_first: at, seen_last: at });
    return base.github_id;
  }

  rows(): ContributorRow[] {
    // Sorted: concurrent syncs lock contributor rows in the same order (no deadlocks).
    return [...this.byId.values()].sort((a, b) => a.github_id - b.github_id);
  }
}

const complete = (c: { nodes: unknown[]; totalCount: number }) => c.nodes.length >= c.totalCount;

/** The actor of a closed issue's latest closing event (ghost when the account is gone); null while open or without an event. */
function closer(people: Contributors, issue: GqlIssue): number | null {
  const event = issue.timelineItems?.nodes.at(-1);
  if (issue.state !== 'CLOSED' || !event || event.actor === undefined) return null;
  return people.add(event.actor, event.createdAt ?? issue.closedAt ?? issue.updatedAt);
}

export function pageRows(prs: GqlPullRequest[], issues: GqlIssue[]): PageRows {
  const people = new Contributors();
  const rows: PageRows = { contributors: [], pullRequests: [], issues: [], reviews: [], comments: [], files: [], keep: { reviews: [], prComments: [], reviewComments: [], files: [], issueComments: [] } };
  for (const pr of prs) {
    rows.pullRequests.push({
      github_id: pr.databaseId,
      node_id: pr.id,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      state: pr.state.toLowerCase(),
      draft: pr.isDraft,
      merged: pr.merged,
      author: people.add(pr.author, pr.createdAt),
      base_ref: pr.baseRefName,
      head_ref: pr.headRefName,
      additions: pr.additions,
      deletions: pr.deletions,
      changed_files: pr.changedFiles,
      labels: pr.labels.nodes.map((l) => l.name),
      html_url: pr.url,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.closedAt,
      merged_at: pr.mergedAt,
    });
    const reviewCommentIds: number[] = [];
    for (const r of pr.reviews.nodes) {
      rows.reviews.push({ github_id: r.databaseId, node_id: r.id, pr: pr.databaseId, reviewer: people.add(r.author, r.createdAt), state: r.state.toLowerCase(), body: r.body, submitted_at: r.submittedAt, created_at: r.createdAt, updated_at: r.updatedAt });
      for (const c of r.comments.nodes) {
        reviewCommentIds.push(c.databaseId);
        rows.comments.push({ github_id: c.databaseId, node_id: c.id, comment_type: 'review_comment', pr: pr.databaseId, issue: null, review: r.databaseId, commenter: people.add(c.author, c.createdAt), body: c.body, path: c.path, created_at: c.createdAt, updated_at: c.updatedAt });
      }
    }
    for (const c of pr.comments.nodes) {
      rows.comments.push({ github_id: c.databaseId, node_id: c.id, comment_type: 'issue_comment', pr: pr.databaseId, issue: null, review: null, commenter: people.add(c.author, c.createdAt), body: c.body, path: null, created_at: c.createdAt, updated_at: c.updatedAt });
    }
    for (const f of pr.files.nodes) rows.files.push({ pr: pr.databaseId, path: f.path, additions: f.additions, deletions: f.deletions, change_type: f.changeType?.toLowerCase() ?? null });
    if (complete(pr.reviews)) {
      rows.keep.reviews.push({ pr: pr.databaseId, keep: pr.reviews.nodes.map((r) => r.databaseId) });
      if (pr.reviews.nodes.every((r) => complete(r.comments))) rows.keep.reviewComments.push({ pr: pr.databaseId, keep: reviewCommentIds });
    }
    if (complete(pr.comments)) rows.keep.prComments.push({ pr: pr.databaseId, keep: pr.comments.nodes.map((c) => c.databaseId) });
    if (complete(pr.files)) rows.keep.files.push({ pr: pr.databaseId, keep: pr.files.nodes.map((f) => f.path) });
  }
  for (const issue of issues) {
    rows.issues.push({
      github_id: issue.databaseId,
      node_id: issue.id,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state.toLowerCase(),
      state_reason: issue.stateReason?.toLowerCase() ?? null,
      author: people.add(issue.author, issue.createdAt),
      labels: issue.labels.nodes.map((l) => l.name),
      comments_count: issue.comments.totalCount,
      closed_by: closer(people, issue),
      html_url: issue.url,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
    });
    for (const c of issue.comments.nodes) {
      rows.comments.push({ github_id: c.databaseId, node_id: c.id, comment_type: 'issue_comment', pr: null, issue: issue.databaseId, review: null, commenter: people.add(c.author, c.createdAt), body: c.body, path: null, created_at: c.createdAt, updated_at: c.updatedAt });
    }
    if (complete(issue.comments)) rows.keep.issueComments.push({ issue: issue.databaseId, keep: issue.comments.nodes.map((c) => c.databaseId) });
  }
  rows.contributors = people.rows();
  return rows;
}

export function rowCount(r: PageRows): number {
  return r.contributors.length + r.pullRequests.length + r.issues.length + r.reviews.length + r.comments.length + r.files.length;
}
