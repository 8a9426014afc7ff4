// GraphQL documents for the sync. Validated against GitHub's published schema in a test.

const ACTOR = `__typename login avatarUrl
  ... on User { databaseId name }
  ... on Bot { databaseId }
  ... on Mannequin { databaseId }
  ... on Organization { databaseId name }`;

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

export const REVIEW_COMMENT_FIELDS = `id databaseId body path createdAt updatedAt author { ${ACTOR} }`;
export const ISSUE_COMMENT_FIELDS = `id databaseId body createdAt updatedAt author { ${ACTOR} }`;
export const FILE_FIELDS = 'path additions deletions changeType';
export const LABEL_FIELDS = 'name';

export const REVIEW_FIELDS = (reviewComments: number) =>
  `id databaseId state body submittedAt createdAt updatedAt author { ${ACTOR} }
   comments(first: ${reviewComments}) { totalCount ${PAGE_INFO} nodes { ${REVIEW_COMMENT_FIELDS} } }`;

/**
 * Nested page sizes. GitHub charges points per connection *request*, not per node:
 * first: 100 on leaf connections (comments, files) is free, while reviews multiply the
 * review-comment requests, so they stay small. Follow-ups cover the rest.
 */
export interface NestedSizes {
  reviews: number;
  reviewComments: number;
  comments: number;
  files: number;
  labels: number;
}

export const DEFAULT_NESTED: NestedSizes = { reviews: 10, reviewComments: 10, comments: 100, files: 100, labels: 20 };

const PULL_REQUEST_FIELDS = (n: NestedSizes) => `
  id databaseId number title body state isDraft merged url
  createdAt updatedAt closedAt mergedAt additions deletions changedFiles baseRefName headRefName
  author { ${ACTOR} }
  labels(first: ${n.labels}) { totalCount ${PAGE_INFO} nodes { ${LABEL_FIELDS} } }
  reviews(first: ${n.reviews}) { totalCount ${PAGE_INFO} nodes { ${REVIEW_FIELDS(n.reviewComments)} } }
  comments(first: ${n.comments}) { totalCount ${PAGE_INFO} nodes { ${ISSUE_COMMENT_FIELDS} } }
  files(first: ${n.files}) { totalCount ${PAGE_INFO} nodes { ${FILE_FIELDS} } }`;

// Who closed the issue: the actor of its latest closing event (one more connection request per issue).
const CLOSER = `timelineItems(itemTypes: [CLOSED_EVENT], last: 1) { nodes { ... on ClosedEvent { createdAt actor { ${ACTOR} } } } }`;

const ISSUE_FIELDS = (n: NestedSizes) => `
  id databaseId number title body state stateReason url createdAt updatedAt closedAt
  author { ${ACTOR} }
  ${CLOSER}
  labels(first: ${n.labels}) { totalCount ${PAGE_INFO} nodes { ${LABEL_FIELDS} } }
  comments(first: ${n.comments}) { totalCount ${PAGE_INFO} nodes { ${ISSUE_COMMENT_FIELDS} } }`;

const RATE = 'rateLimit { cost remaining resetAt limit }';

export function pullRequestPageQuery(n: NestedSizes): string {
  return `query PullRequestPage($owner: String!, $name: String!, $first: Int!, $after: String, $field: IssueOrderField!, $direction: OrderDirection!, $states: [PullRequestState!]) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, states: $states, orderBy: { field: $field, direction: $direction }) {
      totalCount ${PAGE_INFO}
      nodes { ${PULL_REQUEST_FIELDS(n)} }
    }
  }
}`;
}

export function issuePageQuery(n: NestedSizes): string {
  return `query IssuePage($owner: String!, $name: String!, $first: Int!, $after: String, $field: IssueOrderField!, $direction: OrderDirection!, $since: DateTime, $states: [IssueState!]) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    issues(first: $first, after: $after, orderBy: { field: $field, direction: $direction }, filterBy: { since: $since, states: $states }) {
      totalCount ${PAGE_INFO}
      nodes { ${ISSUE_FIELDS(n)} }
    }
  }
}`;
}

// A commit author GitHub links to an account (GitActor.user is a User: bots and unknown emails read null).
const COMMIT_FIELDS = `oid committedDate authoredDate additions deletions messageHeadline
  author { name email user { __typename login avatarUrl databaseId name } }`;

/**
 * One page of the default branch's history, newest first; `since`/`until` bound the committed
 * date. The cursor ("<oid> <n>") names the commit the history started from, so pushes between
 * pages shift nothing.
 */
export const COMMIT_PAGE_QUERY = `query CommitPage($owner: String!, $name: String!, $first: Int!, $after: String, $since: GitTimestamp, $until: GitTimestamp) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { __typename ... on Commit {
      history(first: $first, after: $after, since: $since, until: $until) { totalCount ${PAGE_INFO} nodes { ${COMMIT_FIELDS} } }
    } } }
  }
}`;

export const RELEASE_PAGE_QUERY = `query ReleasePage($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    releases(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      totalCount ${PAGE_INFO}
      nodes { id databaseId tagName name isDraft isPrerelease createdAt publishedAt author { __typename login avatarUrl databaseId name } }
    }
  }
}`;

const COMMIT_TOTAL = `defaultBranchRef { target { ... on Commit { history(first: 1, since: $since, until: $until) { totalCount } } } }`;

/** Items per state: where a whole pass splits its cursors (sync/lanes.ts). */
export const PULL_REQUEST_STATES = ['MERGED', 'CLOSED', 'OPEN'] as const;
export const ISSUE_STATES = ['CLOSED', 'OPEN'] as const;
const STATE_TOTALS = [
  ...PULL_REQUEST_STATES.map((s) => `pr_${s}: pullRequests(first: 1, states: [${s}]) { totalCount }`),
  ...ISSUE_STATES.map((s) => `issue_${s}: issues(first: 1, states: [${s}]) { totalCount }`),
].join('\n    ');

export const REPOSITORY_TOTALS_QUERY = `query RepositoryTotals($owner: String!, $name: String!, $since: GitTimestamp, $until: GitTimestamp) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    databaseId nameWithOwner
    pullRequests(first: 1) { totalCount }
    issues(first: 1) { totalCount }
    releases(first: 1) { totalCount }
    ${COMMIT_TOTAL}
    ${STATE_TOTALS}
  }
}`;

export const WINDOW_COUNTS_QUERY = `query WindowCounts($prs: String!, $issues: String!, $owner: String!, $name: String!, $since: GitTimestamp, $until: GitTimestamp) {
  ${RATE}
  prs: search(query: $prs, type: ISSUE, first: 1) { issueCount }
  issues: search(query: $issues, type: ISSUE, first: 1) { issueCount }
  repository(owner: $owner, name: $name) {
    releases(first: 1) { totalCount }
    ${COMMIT_TOTAL}
  }
}`;

/** The connections a follow-up can continue, by the type of the node that owns them. */
export type NestedKind = 'pr.reviews' | 'pr.comments' | 'pr.files' | 'pr.labels' | 'issue.comments' | 'issue.labels' | 'review.comments';

/** Nodes per follow-up page, and the comments a review fetched by a follow-up brings along. */
export const FOLLOW_UP_PAGE_SIZE = 100;
export const FOLLOW_UP_REVIEW_COMMENTS = 20;

const NESTED_SELECTION: Record<NestedKind, { type: string; field: string; nodes: string }> = {
  // Reviews fetched by a follow-up bring 20 of their comments; more are followed up again.
  'pr.reviews': { type: 'PullRequest', field: 'reviews', nodes: REVIEW_FIELDS(FOLLOW_UP_REVIEW_COMMENTS) },
  'pr.comments': { type: 'PullRequest', field: 'comments', nodes: ISSUE_COMMENT_FIELDS },
  'pr.files': { type: 'PullRequest', field: 'files', nodes: FILE_FIELDS },
  'pr.labels': { type: 'PullRequest', field: 'labels', nodes: LABEL_FIELDS },
  'issue.comments': { type: 'Issue', field: 'comments', nodes: ISSUE_COMMENT_FIELDS },
  'issue.labels': { type: 'Issue', field: 'labels', nodes: LABEL_FIELDS },
  'review.comments': { type: 'PullRequestReview', field: 'comments', nodes: REVIEW_COMMENT_FIELDS },
};

export interface FollowUp {
  kind: NestedKind;
  nodeId: string;
  after: string;
}

/** One query continuing many nested connections at once, one alias each. */
export function followUpQuery(items: FollowUp[]): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const defs: string[] = [];
  const parts = items.map((f, i) => {
    const s = NESTED_SELECTION[f.kind];
    defs.push(`$id${i}: ID!`, `$after${i}: String`);
    variables[`id${i}`] = f.nodeId;
    variables[`after${i}`] = f.after;
    return `n${i}: node(id: $id${i}) { ... on ${s.type} { ${s.field}(first: ${FOLLOW_UP_PAGE_SIZE}, after: $after${i}) { totalCount ${PAGE_INFO} nodes { ${s.nodes} } } } }`;
  });
  return { query: `query FollowUp(${defs.join(', ')}) {\n  ${RATE}\n  ${parts.join('\n  ')}\n}`, variables };
}

// The estimate's documents: the nested sizes of every item (totalCount only, the same pages in the
// same order as the sync), and a sample of texts by number.
const PR_SIZES = (n: NestedSizes) => `labels { totalCount } comments { totalCount } files { totalCount }
  reviews(first: ${n.reviews}) { totalCount nodes { comments { totalCount } } }`;
const ISSUE_SIZES = 'labels { totalCount } comments { totalCount }';

export function pullRequestSizesQuery(n: NestedSizes): string {
  return `query PullRequestSizes($owner: String!, $name: String!, $first: Int!, $after: String, $field: IssueOrderField!, $direction: OrderDirection!) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: { field: $field, direction: $direction }) {
      totalCount ${PAGE_INFO}
      nodes { number state createdAt updatedAt ${PR_SIZES(n)} }
    }
  }
}`;
}

export const ISSUE_SIZES_QUERY = `query IssueSizes($owner: String!, $name: String!, $first: Int!, $after: String, $field: IssueOrderField!, $direction: OrderDirection!, $since: DateTime) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    issues(first: $first, after: $after, orderBy: { field: $field, direction: $direction }, filterBy: { since: $since }) {
      totalCount ${PAGE_INFO}
      nodes { number state createdAt updatedAt ${ISSUE_SIZES} }
    }
  }
}`;

/** The highest PR and issue numbers (the range a random sample draws from). */
export const LATEST_NUMBERS_QUERY = `query LatestNumbers($owner: String!, $name: String!) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    pullRequests(first: 1, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { number } }
    issues(first: 1, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { number } }
  }
}`;

/** Title, body and nested sizes of the given numbers (PRs and issues share one sequence). */
export function sampleItemsQuery(numbers: number[], n: NestedSizes): string {
  const parts = numbers.map((num) => `i${num}: issueOrPullRequest(number: ${Math.trunc(num)}) { __typename
      ... on PullRequest { number title body createdAt ${PR_SIZES(n)} }
      ... on Issue { number title body createdAt ${ISSUE_SIZES} } }`);
  return `query SampleItems($owner: String!, $name: String!) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    ${parts.join('\n    ')}
  }
}`;
}
