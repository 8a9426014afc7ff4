// Dataset model served by the GitHub emulator. Field names follow GitHub's
// GraphQL schema so most scalar fields resolve without custom code.
// Authors are logins referencing `Dataset.users`; `null` means a deleted user
// (REST renders the `ghost` user, GraphQL returns `author: null`).

export type UserType = 'User' | 'Bot' | 'Organization';

export interface DatasetUser {
  login: string; // bots keep the REST spelling, e.g. `dependabot[bot]`
  databaseId: number;
  id: string; // global node id
  type: UserType;
  name: string | null;
  createdAt: string;
}

export interface Label {
  databaseId: number;
  id: string;
  name: string;
  color: string; // 6 hex digits, no '#'
  description: string | null;
  isDefault: boolean;
}

export interface IssueComment {
  databaseId: number;
  id: string;
  author: string | null;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewComment {
  databaseId: number;
  id: string;
  author: string | null;
  body: string;
  path: string;
  line: number | null;
  diffHunk: string;
  inReplyTo: number | null; // databaseId of the comment this replies to
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

export interface Review {
  databaseId: number;
  id: string;
  author: string | null;
  body: string;
  state: ReviewState;
  submittedAt: string;
  comments: ReviewComment[];
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'RENAMED' | 'COPIED' | 'CHANGED';

export interface PullRequestFile {
  path: string;
  previousPath: string | null;
  additions: number;
  deletions: number;
  changeType: ChangeType;
  patch: string | null;
}

interface IssueLike {
  databaseId: number;
  id: string;
  number: number;
  title: string;
  body: string; // '' = no description (REST renders null)
  author: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  locked: boolean;
  labels: string[]; // label names from Repository.labels
  comments: IssueComment[];
}

export interface PullRequest extends IssueLike {
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  mergedAt: string | null;
  baseRefName: string;
  headRefName: string;
  reviews: Review[];
  files: PullRequestFile[];
}

export interface Issue extends IssueLike {
  state: 'OPEN' | 'CLOSED';
  stateReason: 'COMPLETED' | 'NOT_PLANNED' | 'REOPENED' | null;
  /**
   * Actor of the issue's closing event (GraphQL `ClosedEvent.actor`), when closed: a login,
   * or null for a deleted user. Absent on open issues (and closed ones without an event).
   */
  closedBy?: string | null;
}

/** A commit's author as git records it; `login` links it to a dataset user (null: an email GitHub cannot link, or a deleted account). */
export interface CommitAuthor {
  name: string;
  email: string;
  login: string | null;
}

/** A commit of the default branch. GraphQL `GitActor.user` is a User: bot authors resolve to null there, as on GitHub. */
export interface Commit {
  oid: string;
  id: string;
  messageHeadline: string;
  committedDate: string;
  authoredDate: string;
  additions: number;
  deletions: number;
  author: CommitAuthor;
}

export interface Release {
  databaseId: number;
  id: string;
  tagName: string;
  name: string | null;
  author: string | null; // a User login (Release.author is a User); null = deleted user
  isDraft: boolean;
  isPrerelease: boolean;
  createdAt: string;
  publishedAt: string | null; // null while a draft
}

export interface Repository {
  databaseId: number;
  id: string;
  owner: string; // login of a User or Organization in Dataset.users
  name: string;
  previousNames: string[]; // full names ("owner/name") the repository had before
  description: string | null;
  isPrivate: boolean;
  isArchived: boolean;
  isFork: boolean;
  stargazerCount: number;
  forkCount: number;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  defaultBranch: string;
  primaryLanguage: string | null;
  labels: Label[];
  pullRequests: PullRequest[];
  issues: Issue[];
  /** Default-branch history, oldest first (GraphQL pages it newest first). */
  commits: Commit[];
  releases: Release[];
}

export interface Dataset {
  version: 1;
  users: DatasetUser[];
  repositories: Repository[];
}

/** GitHub's placeholder for deleted accounts, as REST returns it. */
export const GHOST_USER: DatasetUser = {
  login: 'ghost',
  databaseId: 10137,
  id: 'MDQ6VXNlcjEwMTM3',
  type: 'User',
  name: 'Deleted user',
  createdAt: '2008-05-13T06:14:25Z',
};

export { datasetRevision, touchDataset } from './revision.ts';
export { generateDataset } from './generate.ts';
export type { GenerateOptions, RepoSpec } from './generate.ts';
export { parseDataset, loadDatasetFile, serializeDataset, saveDatasetFile } from './dataset-file.ts';
export { editItem, addPullRequest, addIssue, addIssueComment, addCommit, addRelease, renameRepository, findItem } from './mutate.ts';
