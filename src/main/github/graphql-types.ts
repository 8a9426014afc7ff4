// Shapes of the GraphQL nodes our queries select.
export interface GqlActor {
  __typename: string;
  login: string;
  avatarUrl?: string | null;
  databaseId?: number | null;
  name?: string | null;
}

export interface GqlConnection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

export interface GqlReviewComment {
  id: string;
  databaseId: number;
  body: string | null;
  path: string | null;
  createdAt: string;
  updatedAt: string;
  author: GqlActor | null;
}

export interface GqlReview {
  id: string;
  databaseId: number;
  state: string;
  body: string | null;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
  author: GqlActor | null;
  comments: GqlConnection<GqlReviewComment>;
}

export interface GqlIssueComment {
  id: string;
  databaseId: number;
  body: string | null;
  createdAt: string;
  updatedAt: string;
  author: GqlActor | null;
}

export interface GqlFile {
  path: string;
  additions: number;
  deletions: number;
  changeType: string | null;
}

export interface GqlPullRequest {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  body: string | null;
  state: string;
  isDraft: boolean;
  merged: boolean;
  url: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  additions: number | null;
  deletions: number | null;
  changedFiles: number | null;
  baseRefName: string | null;
  headRefName: string | null;
  author: GqlActor | null;
  labels: GqlConnection<{ name: string }>;
  reviews: GqlConnection<GqlReview>;
  comments: GqlConnection<GqlIssueComment>;
  files: GqlConnection<GqlFile>;
}

export interface GqlIssue {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  body: string | null;
  state: string;
  stateReason: string | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: GqlActor | null;
  /** The latest closing event (absent from queries that do not ask for it). */
  timelineItems?: { nodes: ({ createdAt?: string; actor?: GqlActor | null } | null)[] };
  labels: GqlConnection<{ name: string }>;
  comments: GqlConnection<GqlIssueComment>;
}

export interface GqlCommit {
  oid: string;
  committedDate: string;
  authoredDate: string | null;
  additions: number;
  deletions: number;
  messageHeadline: string | null;
  author: { name: string | null; email: string | null; user: GqlActor | null } | null;
}

export interface GqlRelease {
  id: string;
  databaseId: number;
  tagName: string;
  name: string | null;
  isDraft: boolean;
  isPrerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  author: GqlActor | null;
}

export interface GqlPage<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}
