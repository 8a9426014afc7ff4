// In-place dataset edits for incremental-sync tests. Every helper bumps the
// dataset revision so a running emulator re-indexes on its next request.
import type { Commit, Dataset, Issue, IssueComment, PullRequest, Release, Repository } from './dataset.ts';
import { touchDataset } from './revision.ts';
import { fakeSha, isoSeconds, nodeId, NODE_PREFIX } from './ids.ts';

export interface FoundItem {
  repo: Repository;
  item: PullRequest | Issue;
  kind: 'pullRequest' | 'issue';
}

export function findRepo(ds: Dataset, fullName: string): Repository {
  const want = fullName.toLowerCase();
  const repo = ds.repositories.find((r) => `${r.owner}/${r.name}`.toLowerCase() === want);
  if (!repo) throw new Error(`No repository ${fullName} in dataset`);
  return repo;
}

export function findItem(ds: Dataset, repoFullName: string, number: number): FoundItem | undefined {
  const repo = findRepo(ds, repoFullName);
  const pr = repo.pullRequests.find((p) => p.number === number);
  if (pr) return { repo, item: pr, kind: 'pullRequest' };
  const issue = repo.issues.find((i) => i.number === number);
  return issue ? { repo, item: issue, kind: 'issue' } : undefined;
}

/** Latest timestamp in the dataset + 1 minute: a deterministic "now" for edits. */
function nextTimestamp(ds: Dataset): string {
  let max = '';
  for (const r of ds.repositories) {
    for (const it of r.pullRequests) if (it.updatedAt > max) max = it.updatedAt;
    for (const it of r.issues) if (it.updatedAt > max) max = it.updatedAt;
  }
  return isoSeconds((max ? Date.parse(max) : Date.UTC(2020, 0, 1)) + 60_000);
}

function maxId(values: Iterable<number>, floor: number): number {
  let m = floor;
  for (const v of values) if (v > m) m = v;
  return m + 1;
}

export interface ItemChanges {
  title?: string;
  body?: string;
  labels?: string[];
  state?: 'OPEN' | 'CLOSED';
  /** Who closes an issue (its ClosedEvent actor; null = a since-deleted user). Default: the viewer-less "closed by its author". */
  closedBy?: string | null;
}

/** Edits a PR/issue and bumps its `updatedAt` (to `at`, default: dataset's latest time + 1 min). */
export function editItem(ds: Dataset, repoFullName: string, number: number, changes: ItemChanges, at?: string): PullRequest | Issue {
  const found = findItem(ds, repoFullName, number);
  if (!found) throw new Error(`No pull request or issue #${number} in ${repoFullName}`);
  const when = at ?? nextTimestamp(ds);
  const { item } = found;
  if (changes.title !== undefined) item.title = changes.title;
  if (changes.body !== undefined) item.body = changes.body;
  if (changes.labels !== undefined) item.labels = changes.labels;
  if (changes.state !== undefined) {
    item.state = changes.state;
    item.closedAt = changes.state === 'CLOSED' ? when : null;
    if (found.kind === 'issue') {
      const issue = item as Issue;
      if (changes.state === 'CLOSED') issue.closedBy = changes.closedBy !== undefined ? changes.closedBy : issue.author;
      else delete issue.closedBy;
    }
  }
  item.updatedAt = when;
  touchDataset(ds);
  return item;
}

function nextNumber(repo: Repository): number {
  return maxId([...repo.pullRequests.map((p) => p.number), ...repo.issues.map((i) => i.number)], 0);
}

/** Appends a new open pull request (next number, new ids); `fields` override the defaults. */
export function addPullRequest(ds: Dataset, repoFullName: string, fields: Partial<PullRequest> = {}, at?: string): PullRequest {
  const repo = findRepo(ds, repoFullName);
  const when = at ?? nextTimestamp(ds);
  const databaseId = maxId(ds.repositories.flatMap((r) => r.pullRequests.map((p) => p.databaseId)), 1_000_000_000);
  const number = nextNumber(repo);
  const pr: PullRequest = {
    databaseId, id: nodeId(NODE_PREFIX.PullRequest, repo.databaseId, databaseId), number, title: `New pull request #${number}`, body: '',
    author: ds.users.find((u) => u.type === 'User')?.login ?? null, createdAt: when, updatedAt: when, closedAt: null, locked: false,
    labels: [], comments: [], state: 'OPEN', isDraft: false, mergedAt: null, baseRefName: repo.defaultBranch, headRefName: `new-${number}`,
    reviews: [], files: [{ path: 'README.md', previousPath: null, additions: 1, deletions: 0, changeType: 'MODIFIED', patch: null }],
    ...fields,
  };
  repo.pullRequests.push(pr);
  touchDataset(ds);
  return pr;
}

export function addIssue(ds: Dataset, repoFullName: string, fields: Partial<Issue> = {}, at?: string): Issue {
  const repo = findRepo(ds, repoFullName);
  const when = at ?? nextTimestamp(ds);
  const databaseId = maxId(ds.repositories.flatMap((r) => r.issues.map((i) => i.databaseId)), 1_100_000_000);
  const number = nextNumber(repo);
  const issue: Issue = {
    databaseId, id: nodeId(NODE_PREFIX.Issue, repo.databaseId, databaseId), number, title: `New issue #${number}`, body: '',
    author: ds.users.find((u) => u.type === 'User')?.login ?? null, createdAt: when, updatedAt: when, closedAt: null, locked: false,
    labels: [], comments: [], state: 'OPEN', stateReason: null, ...fields,
  };
  repo.issues.push(issue);
  touchDataset(ds);
  return issue;
}

/** Adds an issue comment to a PR or issue and bumps the parent's `updatedAt`, as GitHub does. */
export function addIssueComment(ds: Dataset, repoFullName: string, number: number, body: string, author: string | null, at?: string): IssueComment {
  const found = findItem(ds, repoFullName, number);
  if (!found) throw new Error(`No pull request or issue #${number} in ${repoFullName}`);
  const when = at ?? nextTimestamp(ds);
  const all = ds.repositories.flatMap((r) => [...r.pullRequests, ...r.issues]).flatMap((i) => i.comments.map((c) => c.databaseId));
  const databaseId = maxId(all, 1_400_000_000);
  const comment: IssueComment = { databaseId, id: nodeId(NODE_PREFIX.IssueComment, found.repo.databaseId, databaseId), author, body, createdAt: when, updatedAt: when };
  found.item.comments.push(comment);
  found.item.updatedAt = when;
  touchDataset(ds);
  return comment;
}

/** Renames (or transfers, with "owner/name") a repository; the old full name keeps redirecting. */
export function renameRepository(ds: Dataset, fromFullName: string, to: string): Repository {
  const repo = findRepo(ds, fromFullName);
  const [owner, name] = to.includes('/') ? to.split('/') : [repo.owner, to];
  const old = `${repo.owner}/${repo.name}`;
  if (!repo.previousNames.includes(old)) repo.previousNames.push(old);
  repo.previousNames = repo.previousNames.filter((n) => n.toLowerCase() !== `${owner}/${name}`.toLowerCase());
  if (!ds.users.some((u) => u.login.toLowerCase() === owner.toLowerCase())) {
    const databaseId = maxId(ds.users.map((u) => u.databaseId), 9_000_000);
    ds.users.push({ login: owner, databaseId, id: nodeId(NODE_PREFIX.Organization, databaseId), type: 'Organization', name: owner, createdAt: repo.createdAt });
  }
  repo.owner = owner;
  repo.name = name;
  touchDataset(ds);
  return repo;
}

/** Pushes a commit to the default branch (committed `at`, default: the dataset's latest time + 1 min). */
export function addCommit(ds: Dataset, repoFullName: string, fields: Partial<Omit<Commit, 'author'>> & { author?: Partial<Commit['author']> } = {}, at?: string): Commit {
  const repo = findRepo(ds, repoFullName);
  const when = at ?? nextTimestamp(ds);
  const login = fields.author?.login !== undefined ? fields.author.login : (ds.users.find((u) => u.type === 'User')?.login ?? null);
  const user = login ? ds.users.find((u) => u.login === login) : undefined;
  const k = repo.commits.length + 1;
  const commit: Commit = {
    oid: fields.oid ?? fakeSha(`added:${repo.databaseId}:${k}:${when}`), id: fields.id ?? nodeId(NODE_PREFIX.Commit, repo.databaseId, k), messageHeadline: fields.messageHeadline ?? `Commit ${k}`,
    committedDate: fields.committedDate ?? when, authoredDate: fields.authoredDate ?? fields.committedDate ?? when, additions: fields.additions ?? 1, deletions: fields.deletions ?? 0,
    author: { name: fields.author?.name ?? user?.name ?? login ?? 'Someone', email: fields.author?.email ?? `${login ?? 'someone'}@example.com`, login },
  };
  repo.commits.push(commit);
  repo.commits.sort((a, b) => (a.committedDate < b.committedDate ? -1 : a.committedDate > b.committedDate ? 1 : 0));
  touchDataset(ds);
  return commit;
}

/** Publishes a release (or adds a draft with `isDraft`). */
export function addRelease(ds: Dataset, repoFullName: string, fields: Partial<Release> = {}, at?: string): Release {
  const repo = findRepo(ds, repoFullName);
  const when = at ?? nextTimestamp(ds);
  const databaseId = maxId(ds.repositories.flatMap((r) => r.releases.map((x) => x.databaseId)), 1_500_000_000);
  const release: Release = {
    databaseId, id: nodeId(NODE_PREFIX.Release, repo.databaseId, databaseId), tagName: `v-added-${databaseId}`, name: null,
    author: ds.users.find((u) => u.type === 'User')?.login ?? null, isDraft: false, isPrerelease: false, createdAt: when, publishedAt: fields.isDraft ? null : when, ...fields,
  };
  repo.releases.push(release);
  touchDataset(ds);
  return release;
}
