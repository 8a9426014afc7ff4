// Read-side index over a dataset: lookups by name, number and node id, parent
// links, and cached sorted views. Rebuilt whenever the dataset revision moves.
import type { Commit, Dataset, DatasetUser, Issue, IssueComment, Label, PullRequest, Repository, Review, ReviewComment } from './dataset.ts';
import { datasetRevision } from './revision.ts';
import { fakeSha, nodeId, NODE_PREFIX } from './ids.ts';

export type Item = PullRequest | Issue;

export interface RepoEntry {
  repo: Repository;
  items: Map<number, Item>; // PRs and issues share one number sequence
  views: Map<string, Item[]>;
  /** Repository-wide comment lists by id (REST /issues/comments, /pulls/comments), built on first use. */
  issueComments?: IssueComment[];
  reviewComments?: ReviewComment[];
  /** Default-branch position of each commit (repo.commits is oldest first). */
  commitIndex: Map<string, number>;
}

/** An issue's closing event (GraphQL ClosedEvent). */
export interface ClosedEventEntry {
  id: string;
  createdAt: string;
  actorLogin: string | null;
  stateReason: string | null;
  issue: Issue;
}

export interface ReviewThread {
  id: string;
  root: ReviewComment;
  comments: ReviewComment[];
}

export interface PrExtra {
  additions: number;
  deletions: number;
  reviewComments: ReviewComment[]; // all of the PR's review comments, by id
  commentById: Map<number, ReviewComment>;
  threads: ReviewThread[];
}

export type EntityType =
  | 'Repository' | 'Label' | 'PullRequest' | 'Issue' | 'PullRequestReview' | 'PullRequestReviewComment'
  | 'PullRequestReviewThread' | 'IssueComment' | 'Commit' | 'Release' | 'ClosedEvent';

export interface Meta {
  type: EntityType;
  repo: RepoEntry;
  item?: Item;
  review?: Review;
}

export type SortField = 'CREATED_AT' | 'UPDATED_AT' | 'COMMENTS';

const lower = (s: string): string => s.toLowerCase();

export class Store {
  readonly dataset: Dataset;
  readonly revision: number;
  readonly users = new Map<string, DatasetUser>();
  readonly repos = new Map<string, RepoEntry>();
  readonly previous = new Map<string, RepoEntry>();
  readonly reposById = new Map<number, RepoEntry>();
  readonly nodes = new Map<string, object>();
  readonly meta = new Map<object, Meta>();
  readonly prExtra = new Map<PullRequest, PrExtra>();
  readonly closedEvents = new Map<Issue, ClosedEventEntry>();

  constructor(dataset: Dataset) {
    this.dataset = dataset;
    this.revision = datasetRevision(dataset);
    for (const u of dataset.users) {
      this.users.set(lower(u.login), u);
      this.nodes.set(u.id, u);
    }
    for (const repo of dataset.repositories) this.indexRepo(repo);
  }

  private add(obj: { id: string }, meta: Meta): void {
    this.nodes.set(obj.id, obj);
    this.meta.set(obj, meta);
  }

  private indexRepo(repo: Repository): void {
    const entry: RepoEntry = { repo, items: new Map(), views: new Map(), commitIndex: new Map() };
    this.repos.set(lower(`${repo.owner}/${repo.name}`), entry);
    for (const p of repo.previousNames) this.previous.set(lower(p), entry);
    this.reposById.set(repo.databaseId, entry);
    this.add(repo, { type: 'Repository', repo: entry });
    for (const l of repo.labels) this.add(l, { type: 'Label', repo: entry });
    for (const issue of repo.issues) {
      entry.items.set(issue.number, issue);
      this.add(issue, { type: 'Issue', repo: entry });
      this.indexComments(issue.comments, entry, issue);
      if (issue.state === 'CLOSED' && issue.closedBy !== undefined && issue.closedAt) {
        const ev: ClosedEventEntry = { id: nodeId(NODE_PREFIX.ClosedEvent, repo.databaseId, issue.databaseId), createdAt: issue.closedAt, actorLogin: issue.closedBy, stateReason: issue.stateReason, issue };
        this.closedEvents.set(issue, ev);
        this.add(ev, { type: 'ClosedEvent', repo: entry, item: issue });
      }
    }
    (repo.commits ?? []).forEach((c: Commit, k) => {
      entry.commitIndex.set(c.oid, k);
      this.add(c, { type: 'Commit', repo: entry });
    });
    for (const r of repo.releases ?? []) this.add(r, { type: 'Release', repo: entry });
    for (const pr of repo.pullRequests) {
      entry.items.set(pr.number, pr);
      this.add(pr, { type: 'PullRequest', repo: entry });
      this.indexComments(pr.comments, entry, pr);
      this.indexPr(pr, entry);
    }
  }

  private indexComments(comments: IssueComment[], repo: RepoEntry, item: Item): void {
    for (const c of comments) this.add(c, { type: 'IssueComment', repo, item });
  }

  private indexPr(pr: PullRequest, repo: RepoEntry): void {
    let additions = 0;
    let deletions = 0;
    for (const f of pr.files) {
      additions += f.additions;
      deletions += f.deletions;
    }
    const reviewComments: ReviewComment[] = [];
    for (const review of pr.reviews) {
      this.add(review, { type: 'PullRequestReview', repo, item: pr });
      for (const c of review.comments) {
        this.add(c, { type: 'PullRequestReviewComment', repo, item: pr, review });
        reviewComments.push(c);
      }
    }
    reviewComments.sort((a, b) => a.databaseId - b.databaseId);
    const commentById = new Map(reviewComments.map((c) => [c.databaseId, c]));
    // A thread is a root comment plus every reply chaining back to it.
    const threads: ReviewThread[] = [];
    const threadOf = new Map<number, ReviewThread>();
    for (const c of reviewComments) {
      let root = c;
      for (let hops = 0; root.inReplyTo !== null && commentById.has(root.inReplyTo) && hops < 1000; hops++) root = commentById.get(root.inReplyTo)!;
      let thread = threadOf.get(root.databaseId);
      if (!thread) {
        thread = { id: nodeId(NODE_PREFIX.PullRequestReviewThread, repo.repo.databaseId, root.databaseId), root, comments: [] };
        threadOf.set(root.databaseId, thread);
        threads.push(thread);
        this.add(thread, { type: 'PullRequestReviewThread', repo, item: pr });
      }
      thread.comments.push(c);
    }
    this.prExtra.set(pr, { additions, deletions, reviewComments, commentById, threads });
  }

  /** Current or previous full name → entry; `renamed` tells whether it was an old name. */
  findRepo(fullName: string): { entry: RepoEntry; renamed: boolean } | undefined {
    const key = lower(fullName);
    const entry = this.repos.get(key);
    if (entry) return { entry, renamed: false };
    const old = this.previous.get(key);
    return old ? { entry: old, renamed: true } : undefined;
  }

  user(login: string | null): DatasetUser | undefined {
    return login === null ? undefined : this.users.get(lower(login));
  }

  extra(pr: PullRequest): PrExtra {
    return this.prExtra.get(pr)!;
  }

  labelsOf(entry: RepoEntry, item: Item): Label[] {
    const out: Label[] = [];
    for (const name of item.labels) {
      const l = entry.repo.labels.find((x) => lower(x.name) === lower(name));
      if (l) out.push(l);
    }
    return out;
  }

  /** Every issue comment of the repository (on issues and pull requests), ascending by id. */
  issueComments(entry: RepoEntry): IssueComment[] {
    if (!entry.issueComments) {
      const all: IssueComment[] = [];
      for (const it of entry.items.values()) all.push(...it.comments);
      entry.issueComments = all.sort((a, b) => a.databaseId - b.databaseId);
    }
    return entry.issueComments;
  }

  /** Every review comment of the repository, ascending by id. */
  reviewComments(entry: RepoEntry): ReviewComment[] {
    if (!entry.reviewComments) {
      const all: ReviewComment[] = [];
      for (const pr of entry.repo.pullRequests) all.push(...this.extra(pr).reviewComments);
      entry.reviewComments = all.sort((a, b) => a.databaseId - b.databaseId);
    }
    return entry.reviewComments;
  }

  /**
   * PRs, issues or both (REST issues list) sorted ascending by (field, databaseId).
   * `states` filters by state ('MERGED' counts as closed for REST 'closed').
   */
  view(entry: RepoEntry, kind: 'pr' | 'issue' | 'all', field: SortField, states: readonly string[] | null): Item[] {
    const key = `${kind}|${field}|${states ? [...states].sort().join(',') : '*'}`;
    let v = entry.views.get(key);
    if (!v) {
      const source: Item[] = kind === 'pr' ? entry.repo.pullRequests : kind === 'issue' ? entry.repo.issues : [...entry.repo.pullRequests, ...entry.repo.issues];
      v = states ? source.filter((i) => states.includes(i.state)) : source.slice();
      v.sort(comparator(field));
      entry.views.set(key, v);
    }
    return v;
  }
}

/** The dataset has no commits: each PR has 1–7 synthetic ones (REST `commits`, `/pulls/{n}/commits`, GraphQL `commits`). */
export function commitCount(pr: PullRequest): number {
  return 1 + (pr.databaseId % 7);
}

/** SHA of a PR's synthetic commit `index` (-1 = its base); the last one is the head. */
export function commitSha(pr: PullRequest, index: number): string {
  if (index < 0) return fakeSha(`base:${pr.databaseId}`);
  return index === commitCount(pr) - 1 ? fakeSha(`head:${pr.databaseId}`) : fakeSha(`commit:${pr.databaseId}:${index}`);
}

export function sortKey(item: Item, field: SortField): number {
  if (field === 'COMMENTS') return item.comments.length;
  return Date.parse(field === 'UPDATED_AT' ? item.updatedAt : item.createdAt) / 1000;
}

function comparator(field: SortField): (a: Item, b: Item) => number {
  if (field === 'COMMENTS') return (a, b) => a.comments.length - b.comments.length || a.databaseId - b.databaseId;
  const f = field === 'UPDATED_AT' ? 'updatedAt' : 'createdAt';
  // ISO timestamps of one format sort lexicographically.
  return (a, b) => (a[f] < b[f] ? -1 : a[f] > b[f] ? 1 : a.databaseId - b.databaseId);
}

const stores = new WeakMap<Dataset, Store>();

/** Cached store for a dataset, rebuilt after `touchDataset`. */
export function storeFor(ds: Dataset): Store {
  const cached = stores.get(ds);
  if (cached && cached.revision === datasetRevision(ds)) return cached;
  const store = new Store(ds);
  stores.set(ds, store);
  return store;
}
