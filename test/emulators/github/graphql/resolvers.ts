// Resolvers for the parts of GitHub's schema the emulator serves. Dataset
// objects use GraphQL field names, so only fields that differ are listed;
// everything else goes through `fieldResolver`.
import { GraphQLBoolean, GraphQLInt, isEnumType, isListType, isNonNullType, isObjectType } from 'graphql';
import type { GraphQLOutputType, GraphQLResolveInfo, GraphQLTypeResolver } from 'graphql';
import type { Commit, DatasetUser, Issue, IssueComment, PullRequest, Release, Repository, Review, ReviewComment } from '../dataset.ts';
import type { ClosedEventEntry, Item, RepoEntry, ReviewThread, SortField, Store } from '../store.ts';
import { commitCount, commitSha, sortKey } from '../store.ts';
import { decodeOffsetCursor, encodeOffsetCursor, fakeSha } from '../ids.ts';
import { runSearch } from '../search.ts';
import { Connection, paginate } from './connection.ts';
import type { PageArgs } from './connection.ts';
import { GitHubError, notFound } from './errors.ts';

export interface RateLimitInfo {
  limit: number;
  cost: number;
  remaining: number;
  resetAt: string;
  used: number;
  nodeCount: number;
}

export interface GqlContext {
  store: Store;
  viewer: DatasetUser;
  canSeePrivate: boolean;
  omitted: (entry: RepoEntry) => ReadonlySet<number> | undefined;
  rate: RateLimitInfo;
}

type Args = Record<string, unknown> & PageArgs;
type Resolver = (source: never, args: Args, ctx: GqlContext) => unknown;

export const HTML = 'https://github.com';
const EMPTY = new Connection<never>([], 0, () => '', false, false);

const repoOf = (ctx: GqlContext, obj: object): RepoEntry => ctx.store.meta.get(obj)!.repo;
const itemOf = (ctx: GqlContext, obj: object): Item => ctx.store.meta.get(obj)!.item!;
const fullName = (r: Repository): string => `${r.owner}/${r.name}`;
const isPr = (ctx: GqlContext, item: Item): item is PullRequest => ctx.store.meta.get(item)?.type === 'PullRequest';

function itemUrl(ctx: GqlContext, item: Item): string {
  return `${HTML}/${fullName(repoOf(ctx, item).repo)}/${isPr(ctx, item) ? 'pull' : 'issues'}/${item.number}`;
}

function actor(ctx: GqlContext, login: string | null): DatasetUser | null {
  return login === null ? null : ctx.store.user(login) ?? null;
}

function association(ctx: GqlContext, entry: RepoEntry, login: string | null): string {
  if (login === null) return 'NONE';
  if (login.toLowerCase() === entry.repo.owner.toLowerCase()) return 'OWNER';
  return login.endsWith('[bot]') ? 'CONTRIBUTOR' : 'MEMBER';
}

/** Lists keyed by databaseId must be sorted by it for cursor lookups. */
function byId<T extends { databaseId: number }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) if (list[i - 1].databaseId > list[i].databaseId) return list.slice().sort((a, b) => a.databaseId - b.databaseId);
  return list;
}

const idKey = (x: { databaseId: number }): readonly [number, number] => [x.databaseId, 0];
const indexKey = (_: unknown, i: number): readonly [number, number] => [i, 0];

function visible(ctx: GqlContext, entry: RepoEntry | undefined): entry is RepoEntry {
  return entry !== undefined && (!entry.repo.isPrivate || ctx.canSeePrivate);
}

function itemConnection(ctx: GqlContext, entry: RepoEntry, kind: 'pr' | 'issue', args: Args, since?: string): Connection<Item> {
  const orderBy = args.orderBy as { field: SortField; direction: 'ASC' | 'DESC' } | undefined;
  const field = orderBy?.field ?? 'CREATED_AT';
  const filterBy = (args.filterBy ?? {}) as { since?: string; states?: string[]; labels?: string[]; createdBy?: string };
  const states = (args.states as string[] | undefined) ?? filterBy.states ?? null;
  let list = ctx.store.view(entry, kind, field, states);
  const labels = ((args.labels as string[] | undefined) ?? filterBy.labels)?.map((l) => l.toLowerCase());
  const sinceTs = since ?? filterBy.since;
  if (labels || sinceTs || filterBy.createdBy || args.baseRefName || args.headRefName) {
    const sinceSec = sinceTs ? Date.parse(sinceTs) / 1000 : -Infinity;
    list = list.filter((i) => (!labels || i.labels.some((l) => labels.includes(l.toLowerCase())))
      && Date.parse(i.updatedAt) / 1000 >= sinceSec
      && (!filterBy.createdBy || (i.author ?? '').toLowerCase() === filterBy.createdBy.toLowerCase())
      && (!args.baseRefName || (i as PullRequest).baseRefName === args.baseRefName)
      && (!args.headRefName || (i as PullRequest).headRefName === args.headRefName));
  }
  const totalCount = list.length;
  const omit = ctx.omitted(entry);
  if (omit?.size) list = list.filter((i) => !omit.has(i.number));
  return paginate(list, (i) => [sortKey(i, field), i.databaseId], args, { desc: orderBy?.direction === 'DESC', totalCount });
}

function searchConnection(ctx: GqlContext, args: Args): Connection<Item> & { issueCount: number } {
  const { total, items } = runSearch(ctx.store, String(args.query), (e) => visible(ctx, e), ctx.omitted);
  const offset = (c: string): number => {
    const n = decodeOffsetCursor(c);
    if (n === null) throw new GitHubError(`\`${c}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
    return n;
  };
  let start = args.after ? offset(args.after) : 0;
  let end = args.before ? offset(args.before) - 1 : items.length;
  end = Math.max(start, Math.min(end, items.length));
  start = Math.min(start, end);
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const conn = new Connection(items.slice(start, end), total, (i) => encodeOffsetCursor(start + i + 1), end < items.length, start > 0);
  return Object.assign(conn, { issueCount: total });
}

function repository(ctx: GqlContext, owner: string, name: string): Repository {
  const found = ctx.store.findRepo(`${owner}/${name}`);
  if (!visible(ctx, found?.entry)) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
  return found!.entry.repo;
}

function node(ctx: GqlContext, id: string): object | null {
  const n = ctx.store.nodes.get(id);
  const meta = n ? ctx.store.meta.get(n) : undefined;
  if (!n || (meta && !visible(ctx, meta.repo))) return null;
  return n;
}

const userFields: Record<string, Resolver> = {
  url: (u: DatasetUser) => `${HTML}/${u.login}`,
  resourcePath: (u: DatasetUser) => `/${u.login}`,
  avatarUrl: (u: DatasetUser) => `https://avatars.githubusercontent.com/u/${u.databaseId}?v=4`,
};

export const resolvers: Record<string, Record<string, Resolver>> = {
  Query: {
    repository: (_: unknown, a, ctx) => repository(ctx, String(a.owner), String(a.name)),
    viewer: (_: unknown, _a, ctx) => ctx.viewer,
    rateLimit: (_: unknown, _a, ctx) => ctx.rate,
    node: (_: unknown, a, ctx) => {
      const n = node(ctx, String(a.id));
      if (!n) throw notFound(`Could not resolve to a node with the global id of '${String(a.id)}'`);
      return n;
    },
    nodes: (_: unknown, a, ctx) => (a.ids as string[]).map((id) => node(ctx, id) ?? notFound(`Could not resolve to a node with the global id of '${id}'`)),
    search: (_: unknown, a, ctx) => (a.type === 'ISSUE' || a.type === 'ISSUE_ADVANCED' ? searchConnection(ctx, a) : Object.assign(new Connection<never>([], 0, () => '', false, false), { issueCount: 0 })),
    user: (_: unknown, a, ctx) => {
      const u = ctx.store.user(String(a.login));
      if (!u || u.type !== 'User') throw notFound(`Could not resolve to a User with the login of '${String(a.login)}'.`);
      return u;
    },
  },
  Repository: {
    owner: (r: Repository, _a, ctx) => ctx.store.user(r.owner),
    nameWithOwner: (r: Repository) => fullName(r),
    url: (r: Repository) => `${HTML}/${fullName(r)}`,
    resourcePath: (r: Repository) => `/${fullName(r)}`,
    visibility: (r: Repository) => (r.isPrivate ? 'PRIVATE' : 'PUBLIC'),
    defaultBranchRef: (r: Repository) => ({ id: `REF_${r.databaseId}`, name: r.defaultBranch, prefix: 'refs/heads/', target: r.commits.at(-1) ?? null }),
    releases: (r: Repository, a, ctx) => releaseConnection(ctx, repoOf(ctx, r), a),
    primaryLanguage: (r: Repository) => (r.primaryLanguage ? { id: `LANG_${r.primaryLanguage}`, name: r.primaryLanguage, color: '#3178c6' } : null),
    pullRequests: (r: Repository, a, ctx) => itemConnection(ctx, repoOf(ctx, r), 'pr', a),
    issues: (r: Repository, a, ctx) => itemConnection(ctx, repoOf(ctx, r), 'issue', a),
    pullRequest: (r: Repository, a, ctx) => {
      const it = repoOf(ctx, r).items.get(Number(a.number));
      if (!it || !isPr(ctx, it)) throw notFound(`Could not resolve to a PullRequest with the number of ${String(a.number)}.`);
      return it;
    },
    issue: (r: Repository, a, ctx) => {
      const it = repoOf(ctx, r).items.get(Number(a.number));
      if (!it || isPr(ctx, it)) throw notFound(`Could not resolve to an Issue with the number of ${String(a.number)}.`);
      return it;
    },
    issueOrPullRequest: (r: Repository, a, ctx) => {
      const it = repoOf(ctx, r).items.get(Number(a.number));
      if (!it) throw notFound(`Could not resolve to an issue or pull request with the number of ${String(a.number)}.`);
      return it;
    },
    labels: (r: Repository, a) => paginate(r.labels, indexKey, a),
    label: (r: Repository, a) => r.labels.find((l) => l.name.toLowerCase() === String(a.name).toLowerCase()) ?? null,
  },
  PullRequest: {
    author: (p: PullRequest, _a, ctx) => actor(ctx, p.author),
    authorAssociation: (p: PullRequest, _a, ctx) => association(ctx, repoOf(ctx, p), p.author),
    url: (p: PullRequest, _a, ctx) => itemUrl(ctx, p),
    resourcePath: (p: PullRequest, _a, ctx) => new URL(itemUrl(ctx, p)).pathname,
    permalink: (p: PullRequest, _a, ctx) => itemUrl(ctx, p),
    repository: (p: PullRequest, _a, ctx) => repoOf(ctx, p).repo,
    baseRepository: (p: PullRequest, _a, ctx) => repoOf(ctx, p).repo,
    headRepository: (p: PullRequest, _a, ctx) => repoOf(ctx, p).repo,
    headRefOid: (p: PullRequest) => fakeSha(`head:${p.databaseId}`),
    baseRefOid: (p: PullRequest) => fakeSha(`base:${p.databaseId}`),
    merged: (p: PullRequest) => p.state === 'MERGED',
    // GitHub computes mergeability only for open pull requests; closed ones stay UNKNOWN.
    mergeable: (p: PullRequest) => (p.state === 'OPEN' ? 'MERGEABLE' : 'UNKNOWN'),
    mergeStateStatus: (p: PullRequest) => (p.state === 'OPEN' ? 'CLEAN' : 'UNKNOWN'),
    closed: (p: PullRequest) => p.state !== 'OPEN',
    bodyText: (p: PullRequest) => p.body,
    additions: (p: PullRequest, _a, ctx) => ctx.store.extra(p).additions,
    deletions: (p: PullRequest, _a, ctx) => ctx.store.extra(p).deletions,
    changedFiles: (p: PullRequest) => p.files.length,
    totalCommentsCount: (p: PullRequest, _a, ctx) => p.comments.length + ctx.store.extra(p).reviewComments.length,
    labels: (p: PullRequest, a, ctx) => paginate(ctx.store.labelsOf(repoOf(ctx, p), p), indexKey, a),
    comments: (p: PullRequest, a) => comments(p.comments, a),
    reviews: (p: PullRequest, a) => {
      const states = a.states as string[] | undefined;
      const author = (a.author as string | undefined)?.toLowerCase();
      const list = byId(p.reviews).filter((r) => (!states || states.includes(r.state)) && (!author || (r.author ?? '').toLowerCase() === author));
      return paginate(list, idKey, a);
    },
    files: (p: PullRequest, a) => paginate(p.files, indexKey, a),
    commits: (p: PullRequest, a, ctx) => paginate(prCommits(ctx, p), indexKey, a),
    reviewThreads: (p: PullRequest, a, ctx) => paginate(ctx.store.extra(p).threads, (t) => [t.root.databaseId, 0], a),
  },
  Issue: {
    author: (i: Issue, _a, ctx) => actor(ctx, i.author),
    authorAssociation: (i: Issue, _a, ctx) => association(ctx, repoOf(ctx, i), i.author),
    url: (i: Issue, _a, ctx) => itemUrl(ctx, i),
    resourcePath: (i: Issue, _a, ctx) => new URL(itemUrl(ctx, i)).pathname,
    repository: (i: Issue, _a, ctx) => repoOf(ctx, i).repo,
    closed: (i: Issue) => i.state !== 'OPEN',
    bodyText: (i: Issue) => i.body,
    labels: (i: Issue, a, ctx) => paginate(ctx.store.labelsOf(repoOf(ctx, i), i), indexKey, a),
    comments: (i: Issue, a) => comments(i.comments, a),
    timelineItems: (i: Issue, a, ctx) => timeline(ctx, i, a),
  },
  ClosedEvent: {
    actor: (e: ClosedEventEntry, _a, ctx) => actor(ctx, e.actorLogin),
    closable: (e: ClosedEventEntry) => e.issue,
    url: (e: ClosedEventEntry, _a, ctx) => `${itemUrl(ctx, e.issue)}#event-${e.issue.databaseId}`,
    resourcePath: (e: ClosedEventEntry, _a, ctx) => `${new URL(itemUrl(ctx, e.issue)).pathname}#event-${e.issue.databaseId}`,
  },
  Commit: {
    abbreviatedOid: (c: Commit) => c.oid.slice(0, 7),
    message: (c: Commit) => c.messageHeadline,
    messageBody: () => '',
    author: (c: Commit) => (c.author ? { ...c.author, date: c.authoredDate } : null),
    committer: (c: Commit) => (c.author ? { ...c.author, date: c.committedDate } : null),
    url: (c: Commit, _a, ctx) => (ctx.store.meta.has(c) ? `${HTML}/${fullName(repoOf(ctx, c).repo)}/commit/${c.oid}` : (c as unknown as { url: string }).url),
    resourcePath: (c: Commit) => `/commit/${c.oid}`,
    repository: (c: Commit, _a, ctx) => (ctx.store.meta.has(c) ? repoOf(ctx, c).repo : null),
    history: (c: Commit, a, ctx) => commitHistory(ctx, c, a),
  },
  GitActor: {
    // GitActor.user is a User: bots and emails GitHub cannot link read null.
    user: (g: { login: string | null }, _a, ctx) => {
      const u = g.login === null ? undefined : ctx.store.user(g.login);
      return u && u.type === 'User' ? u : null;
    },
    avatarUrl: (g: { login: string | null; email: string }, _a, ctx) => {
      const u = g.login === null ? undefined : ctx.store.user(g.login);
      return u ? `https://avatars.githubusercontent.com/u/${u.databaseId}?v=4` : `https://avatars.githubusercontent.com/u/e?email=${encodeURIComponent(g.email)}`;
    },
  },
  Release: {
    author: (r: Release, _a, ctx) => {
      const u = actor(ctx, r.author);
      return u && u.type === 'User' ? u : null;
    },
    url: (r: Release, _a, ctx) => `${HTML}/${fullName(repoOf(ctx, r).repo)}/releases/tag/${encodeURIComponent(r.tagName)}`,
    resourcePath: (r: Release, _a, ctx) => `/${fullName(repoOf(ctx, r).repo)}/releases/tag/${encodeURIComponent(r.tagName)}`,
    repository: (r: Release, _a, ctx) => repoOf(ctx, r).repo,
    updatedAt: (r: Release) => r.publishedAt ?? r.createdAt,
    isLatest: (r: Release, _a, ctx) => latestRelease(repoOf(ctx, r).repo) === r,
  },
  IssueComment: {
    author: (c: IssueComment, _a, ctx) => actor(ctx, c.author),
    authorAssociation: (c: IssueComment, _a, ctx) => association(ctx, repoOf(ctx, c), c.author),
    url: (c: IssueComment, _a, ctx) => `${itemUrl(ctx, itemOf(ctx, c))}#issuecomment-${c.databaseId}`,
    issue: (c: IssueComment, _a, ctx) => itemOf(ctx, c),
    pullRequest: (c: IssueComment, _a, ctx) => (isPr(ctx, itemOf(ctx, c)) ? itemOf(ctx, c) : null),
    repository: (c: IssueComment, _a, ctx) => repoOf(ctx, c).repo,
    bodyText: (c: IssueComment) => c.body,
  },
  PullRequestReview: {
    author: (r: Review, _a, ctx) => actor(ctx, r.author),
    authorAssociation: (r: Review, _a, ctx) => association(ctx, repoOf(ctx, r), r.author),
    url: (r: Review, _a, ctx) => `${itemUrl(ctx, itemOf(ctx, r))}#pullrequestreview-${r.databaseId}`,
    createdAt: (r: Review) => r.submittedAt,
    updatedAt: (r: Review) => r.submittedAt,
    publishedAt: (r: Review) => r.submittedAt,
    pullRequest: (r: Review, _a, ctx) => itemOf(ctx, r),
    repository: (r: Review, _a, ctx) => repoOf(ctx, r).repo,
    bodyText: (r: Review) => r.body,
    comments: (r: Review, a) => paginate(byId(r.comments), idKey, a),
  },
  PullRequestReviewComment: {
    author: (c: ReviewComment, _a, ctx) => actor(ctx, c.author),
    authorAssociation: (c: ReviewComment, _a, ctx) => association(ctx, repoOf(ctx, c), c.author),
    url: (c: ReviewComment, _a, ctx) => `${itemUrl(ctx, itemOf(ctx, c))}#discussion_r${c.databaseId}`,
    originalLine: (c: ReviewComment) => c.line,
    replyTo: (c: ReviewComment, _a, ctx) => (c.inReplyTo === null ? null : ctx.store.extra(itemOf(ctx, c) as PullRequest).commentById.get(c.inReplyTo) ?? null),
    pullRequest: (c: ReviewComment, _a, ctx) => itemOf(ctx, c),
    pullRequestReview: (c: ReviewComment, _a, ctx) => ctx.store.meta.get(c)!.review,
    repository: (c: ReviewComment, _a, ctx) => repoOf(ctx, c).repo,
    state: () => 'SUBMITTED',
    subjectType: (c: ReviewComment) => (c.line === null ? 'FILE' : 'LINE'),
    bodyText: (c: ReviewComment) => c.body,
  },
  PullRequestReviewThread: {
    path: (t: ReviewThread) => t.root.path,
    line: (t: ReviewThread) => t.root.line,
    isResolved: (t: ReviewThread) => t.root.databaseId % 3 === 0,
    isOutdated: () => false,
    diffSide: () => 'RIGHT',
    subjectType: (t: ReviewThread) => (t.root.line === null ? 'FILE' : 'LINE'),
    pullRequest: (t: ReviewThread, _a, ctx) => itemOf(ctx, t),
    repository: (t: ReviewThread, _a, ctx) => repoOf(ctx, t).repo,
    comments: (t: ReviewThread, a) => paginate(t.comments, idKey, a),
  },
  Label: {
    url: (l: { name: string }, _a, ctx) => `${HTML}/${fullName(repoOf(ctx, l).repo)}/labels/${encodeURIComponent(l.name)}`,
    repository: (l: object, _a, ctx) => repoOf(ctx, l).repo,
  },
  User: userFields,
  Organization: userFields,
  Bot: {
    ...userFields,
    login: (u: DatasetUser) => u.login.replace(/\[bot\]$/, ''), // GraphQL drops the suffix REST shows
    url: (u: DatasetUser) => `${HTML}/apps/${u.login.replace(/\[bot\]$/, '')}`,
  },
};

/** A PR's synthetic commits as PullRequestCommit objects (the same ones REST lists). */
function prCommits(ctx: GqlContext, p: PullRequest): object[] {
  const repoUrl = `${HTML}/${fullName(repoOf(ctx, p).repo)}`;
  return Array.from({ length: commitCount(p) }, (_, i) => {
    const oid = commitSha(p, i);
    const date = new Date(Date.parse(p.createdAt) - (commitCount(p) - 1 - i) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const message = i === commitCount(p) - 1 ? p.title : `Work on #${p.number} (${i + 1}/${commitCount(p)})`;
    return {
      id: `PURC_${Buffer.from(`${p.databaseId}:${oid}`).toString('base64url')}`, url: `${itemUrl(ctx, p)}/commits/${oid}`, resourcePath: `/commit/${oid}`,
      pullRequest: p,
      commit: { id: `C_${oid}`, oid, abbreviatedOid: oid.slice(0, 7), message, messageHeadline: message, messageBody: '', committedDate: date, authoredDate: date,
        pushedDate: date, url: `${repoUrl}/commit/${oid}`, commitUrl: `${repoUrl}/commit/${oid}`, resourcePath: `/commit/${oid}`, additions: 0, deletions: 0, changedFilesIfAvailable: 0 },
    };
  });
}

function latestRelease(repo: Repository): Release | undefined {
  let best: Release | undefined;
  for (const r of repo.releases) if (!r.isDraft && !r.isPrerelease && r.publishedAt && (!best || r.publishedAt > best.publishedAt!)) best = r;
  return best;
}

function releaseConnection(ctx: GqlContext, entry: RepoEntry, a: Args): Connection<Release> {
  const orderBy = a.orderBy as { field: 'CREATED_AT' | 'NAME'; direction: 'ASC' | 'DESC' } | undefined;
  const desc = orderBy?.direction === 'DESC';
  if (orderBy?.field === 'NAME') {
    const sorted = entry.repo.releases.slice().sort((x, y) => (x.tagName < y.tagName ? -1 : x.tagName > y.tagName ? 1 : 0));
    return paginate(sorted, indexKey, a, { desc });
  }
  const sorted = entry.repo.releases.slice().sort((x, y) => (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : x.databaseId - y.databaseId));
  return paginate(sorted, (r) => [Date.parse(r.createdAt) / 1000, r.databaseId], a, { desc });
}

/** GitHub's history cursors name the commit the history started from and a position in it ("<oid> <n>"), so pushes between pages shift nothing. */
function historyCursor(entry: RepoEntry, cursor: string): { head: number; n: number } {
  const m = /^([0-9a-f]{40}) (\d+)$/.exec(cursor);
  const head = m ? entry.commitIndex.get(m[1]) : undefined;
  if (!m || head === undefined) throw new GitHubError(`\`${cursor}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
  return { head, n: Number(m[2]) };
}

/** Commit.history: newest first from this commit, `since`/`until` on the committed date. */
function commitHistory(ctx: GqlContext, from: Commit, a: Args): Connection<Commit> {
  const meta = ctx.store.meta.get(from);
  if (!meta) return EMPTY; // a pull request's synthetic commits have no history
  if (a.path != null || a.author != null) throw new GitHubError('The emulator does not filter history by path or author.', 'UNSUPPORTED');
  const entry = meta.repo;
  const commits = entry.repo.commits;
  const after = a.after ? historyCursor(entry, a.after) : null;
  const before = a.before ? historyCursor(entry, a.before) : null;
  const headIdx = after?.head ?? before?.head ?? entry.commitIndex.get(from.oid)!;
  const since = a.since ? Date.parse(String(a.since)) : -Infinity;
  const until = a.until ? Date.parse(String(a.until)) : Infinity;
  const list: Commit[] = [];
  for (let i = headIdx; i >= 0; i--) {
    const t = Date.parse(commits[i].committedDate);
    if (t >= since && t <= until) list.push(commits[i]);
  }
  const head = commits[headIdx];
  let start = after ? after.n + 1 : 0;
  let end = before ? before.n : list.length;
  end = Math.max(start, Math.min(end, list.length));
  start = Math.min(start, end);
  if (a.first != null) end = Math.min(end, start + a.first);
  if (a.last != null) start = Math.max(start, end - a.last);
  return new Connection(list.slice(start, end), list.length, (i) => `${head.oid} ${start + i}`, end < list.length, start > 0);
}

/** Issue.timelineItems over what the dataset knows: comments and the closing event, oldest first. */
function timeline(ctx: GqlContext, issue: Issue, a: Args): Connection<object> {
  const types = a.itemTypes as string[] | undefined;
  const want = (t: string) => !types || types.includes(t);
  const all: Array<{ createdAt: string }> = [];
  if (want('ISSUE_COMMENT')) all.push(...byId(issue.comments));
  const closed = ctx.store.closedEvents.get(issue);
  if (closed && want('CLOSED_EVENT')) all.push(closed);
  all.sort((x, y) => (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : 0));
  const since = a.since ? Date.parse(String(a.since)) : -Infinity;
  const filtered = all.filter((x) => Date.parse(x.createdAt) >= since).slice(Number(a.skip ?? 0));
  const conn = paginate(filtered, indexKey, a, { totalCount: all.length });
  return Object.assign(conn, { filteredCount: filtered.length, pageCount: conn.nodes.length, updatedAt: issue.updatedAt });
}

function comments(list: IssueComment[], a: Args): Connection<IssueComment> {
  const orderBy = a.orderBy as { field: 'UPDATED_AT'; direction: 'ASC' | 'DESC' } | undefined;
  if (!orderBy) return paginate(byId(list), idKey, a);
  const sorted = list.slice().sort((x, y) => (x.updatedAt < y.updatedAt ? -1 : x.updatedAt > y.updatedAt ? 1 : x.databaseId - y.databaseId));
  return paginate(sorted, (c) => [Date.parse(c.updatedAt) / 1000, c.databaseId], a, { desc: orderBy.direction === 'DESC' });
}

/** Fields without data: empty connections/lists, false/0 for non-null scalars, UNKNOWN (or the first value) for non-null enums, else null. */
function fallback(type: GraphQLOutputType): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isObjectType(inner) && inner.name.endsWith('Connection')) return EMPTY;
  if (isListType(inner)) return [];
  if (!isNonNullType(type)) return null;
  if (inner === GraphQLBoolean) return false;
  if (inner === GraphQLInt) return 0;
  // Non-null enums GitHub computes lazily (mergeable, mergeStateStatus, …) read UNKNOWN
  // until computed; other enums without data take their first value.
  if (isEnumType(inner)) return inner.getValue('UNKNOWN')?.value ?? inner.getValues()[0]?.value;
  return undefined; // surfaces as "Cannot return null for non-nullable field"
}

export function fieldResolver(source: unknown, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo): unknown {
  const v = (source as Record<string, unknown>)[info.fieldName];
  return v === undefined ? fallback(info.returnType) : v;
}

export const typeResolver: GraphQLTypeResolver<unknown, GqlContext> = (value, ctx) => {
  const meta = ctx.store.meta.get(value as object);
  if (meta) return meta.type;
  const t = (value as { type?: string }).type;
  return t === 'Bot' || t === 'Organization' ? t : 'User';
};
