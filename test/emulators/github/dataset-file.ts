// JSON dataset files: zod-validated, lenient on the input side (ids, node ids
// and most fields optional) and normalized to the complete `Dataset` shape.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Commit, Dataset, DatasetUser, Issue, IssueComment, Label, PullRequest, Release, Repository, Review, ReviewComment, UserType } from './dataset.ts';
import { isoSeconds, nodeId, NODE_PREFIX } from './ids.ts';

const Id = z.number().int().positive().max(2_147_483_647); // GraphQL Int
const Ts = z.iso.datetime({ offset: true });
const Login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\[bot\])?$/, 'expected a GitHub login');
const Author = Login.nullable(); // null = deleted user ("ghost")

const UserIn = z.strictObject({
  login: Login, databaseId: Id.optional(), id: z.string().optional(),
  type: z.enum(['User', 'Bot', 'Organization']).optional(), name: z.string().nullable().default(null), createdAt: Ts.optional(),
});
const LabelIn = z.strictObject({
  name: z.string().min(1), color: z.string().regex(/^[0-9a-fA-F]{6}$/).default('ededed'), description: z.string().nullable().default(null),
  databaseId: Id.optional(), id: z.string().optional(), isDefault: z.boolean().default(false),
});
const IssueCommentIn = z.strictObject({
  databaseId: Id.optional(), id: z.string().optional(), author: Author, body: z.string().default(''), createdAt: Ts, updatedAt: Ts.optional(),
});
const ReviewCommentIn = z.strictObject({
  databaseId: Id.optional(), id: z.string().optional(), author: Author.optional(), body: z.string().default(''), path: z.string().min(1),
  line: z.number().int().positive().nullable().default(null), diffHunk: z.string().default(''), inReplyTo: Id.nullable().default(null),
  createdAt: Ts.optional(), updatedAt: Ts.optional(),
});
const ReviewIn = z.strictObject({
  databaseId: Id.optional(), id: z.string().optional(), author: Author, body: z.string().default(''),
  state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED']), submittedAt: Ts, comments: z.array(ReviewCommentIn).default([]),
});
const FileIn = z.strictObject({
  path: z.string().min(1), previousPath: z.string().nullable().default(null), additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(), changeType: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'RENAMED', 'COPIED', 'CHANGED']).default('MODIFIED'),
  patch: z.string().nullable().default(null),
});
const itemFields = {
  databaseId: Id.optional(), id: z.string().optional(), number: z.number().int().positive(), title: z.string(), body: z.string().default(''),
  author: Author, createdAt: Ts, updatedAt: Ts.optional(), closedAt: Ts.nullable().default(null), locked: z.boolean().default(false),
  labels: z.array(z.string()).default([]), comments: z.array(IssueCommentIn).default([]),
};
const PullRequestIn = z.strictObject({
  ...itemFields, state: z.enum(['OPEN', 'CLOSED', 'MERGED']), isDraft: z.boolean().default(false), mergedAt: Ts.nullable().default(null),
  baseRefName: z.string().optional(), headRefName: z.string().optional(), reviews: z.array(ReviewIn).default([]), files: z.array(FileIn).default([]),
});
const IssueIn = z.strictObject({
  ...itemFields, state: z.enum(['OPEN', 'CLOSED']), stateReason: z.enum(['COMPLETED', 'NOT_PLANNED', 'REOPENED']).nullable().default(null),
  closedBy: Author.optional(),
});
const CommitIn = z.strictObject({
  oid: z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-hex commit SHA'), id: z.string().optional(), messageHeadline: z.string().default(''),
  committedDate: Ts, authoredDate: Ts.optional(), additions: z.number().int().nonnegative().default(0), deletions: z.number().int().nonnegative().default(0),
  author: z.strictObject({ name: z.string(), email: z.string().default(''), login: Login.nullable().default(null) }),
});
const ReleaseIn = z.strictObject({
  databaseId: Id.optional(), id: z.string().optional(), tagName: z.string().min(1), name: z.string().nullable().default(null), author: Author,
  isDraft: z.boolean().default(false), isPrerelease: z.boolean().default(false), createdAt: Ts, publishedAt: Ts.nullable().optional(),
});
const RepositoryIn = z.strictObject({
  databaseId: Id.optional(), id: z.string().optional(), owner: Login, name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a repository name'),
  previousNames: z.array(z.string().regex(/^(?:[A-Za-z0-9-]+\/)?[A-Za-z0-9._-]+$/)).default([]), description: z.string().nullable().default(null),
  isPrivate: z.boolean().default(false), isArchived: z.boolean().default(false), isFork: z.boolean().default(false),
  stargazerCount: z.number().int().nonnegative().default(0), forkCount: z.number().int().nonnegative().default(0),
  createdAt: Ts.optional(), updatedAt: Ts.optional(), pushedAt: Ts.optional(), defaultBranch: z.string().default('main'),
  primaryLanguage: z.string().nullable().default(null), labels: z.array(LabelIn).default([]),
  pullRequests: z.array(PullRequestIn).default([]), issues: z.array(IssueIn).default([]),
  commits: z.array(CommitIn).default([]), releases: z.array(ReleaseIn).default([]),
});

type RepoIn = z.output<typeof RepositoryIn>;

function crossCheck(repos: RepoIn[], ctx: z.RefinementCtx): void {
  const fullNames = new Set<string>();
  repos.forEach((repo, r) => {
    const full = `${repo.owner}/${repo.name}`.toLowerCase();
    if (fullNames.has(full)) ctx.addIssue({ code: 'custom', message: `duplicate repository ${repo.owner}/${repo.name}`, path: ['repositories', r, 'name'] });
    fullNames.add(full);
    const numbers = new Set<number>();
    const check = (kind: 'pullRequests' | 'issues', item: { number: number; createdAt: string; updatedAt?: string }, i: number): void => {
      if (numbers.has(item.number)) ctx.addIssue({ code: 'custom', message: `number ${item.number} is used twice (pull requests and issues share one sequence)`, path: ['repositories', r, kind, i, 'number'] });
      numbers.add(item.number);
      if (item.updatedAt && Date.parse(item.updatedAt) < Date.parse(item.createdAt)) ctx.addIssue({ code: 'custom', message: 'updatedAt is before createdAt', path: ['repositories', r, kind, i, 'updatedAt'] });
    };
    repo.pullRequests.forEach((pr, i) => {
      check('pullRequests', pr, i);
      const ids = new Set(pr.reviews.flatMap((rv) => rv.comments.map((c) => c.databaseId)));
      pr.reviews.forEach((rv, v) => rv.comments.forEach((c, k) => {
        if (c.inReplyTo !== null && !ids.has(c.inReplyTo)) {
          ctx.addIssue({ code: 'custom', message: `inReplyTo ${c.inReplyTo} is not the databaseId of a review comment on this pull request`, path: ['repositories', r, 'pullRequests', i, 'reviews', v, 'comments', k, 'inReplyTo'] });
        }
      }));
      if (pr.state !== 'MERGED' && pr.mergedAt !== null) ctx.addIssue({ code: 'custom', message: 'mergedAt is set but state is not MERGED', path: ['repositories', r, 'pullRequests', i, 'mergedAt'] });
    });
    repo.issues.forEach((it, i) => {
      check('issues', it, i);
      if (it.state === 'OPEN' && it.closedBy !== undefined) ctx.addIssue({ code: 'custom', message: 'closedBy is set but the issue is open', path: ['repositories', r, 'issues', i, 'closedBy'] });
    });
    const oids = new Set<string>();
    repo.commits.forEach((c, i) => {
      if (oids.has(c.oid)) ctx.addIssue({ code: 'custom', message: `commit ${c.oid} appears twice`, path: ['repositories', r, 'commits', i, 'oid'] });
      oids.add(c.oid);
    });
    const tags = new Set<string>();
    repo.releases.forEach((rel, i) => {
      if (tags.has(rel.tagName)) ctx.addIssue({ code: 'custom', message: `tag ${rel.tagName} has two releases`, path: ['repositories', r, 'releases', i, 'tagName'] });
      tags.add(rel.tagName);
      if (rel.isDraft && rel.publishedAt) ctx.addIssue({ code: 'custom', message: 'a draft release has no publishedAt', path: ['repositories', r, 'releases', i, 'publishedAt'] });
    });
  });
}

const DatasetIn = z.strictObject({
  version: z.literal(1),
  users: z.array(UserIn).default([]),
  repositories: z.array(RepositoryIn),
}).superRefine((ds, ctx) => crossCheck(ds.repositories, ctx));

export class DatasetError extends Error {
  readonly issues: z.core.$ZodIssue[];
  constructor(source: string, error: z.ZodError) {
    super(`Invalid GitHub emulator dataset (${source}):\n${z.prettifyError(error)}`);
    this.name = 'DatasetError';
    this.issues = error.issues;
  }
}

const norm = (t: string): string => isoSeconds(Date.parse(t));

/** Assigns missing ids in a per-kind sequence above the largest id present. */
function idSource(existing: Iterable<number | undefined>, floor: number): (given: number | undefined) => number {
  let next = floor;
  for (const id of existing) if (id !== undefined && id >= next) next = id + 1;
  return (given) => given ?? next++;
}

function normalize(input: z.output<typeof DatasetIn>): Dataset {
  const repos = input.repositories;
  const prs = repos.flatMap((r) => r.pullRequests);
  const items = [...prs, ...repos.flatMap((r) => r.issues)];
  const reviewsIn = prs.flatMap((p) => p.reviews);
  const ids = {
    user: idSource(input.users.map((u) => u.databaseId), 5_000_000), repo: idSource(repos.map((r) => r.databaseId), 10_000_000),
    label: idSource(repos.flatMap((r) => r.labels.map((l) => l.databaseId)), 20_000_000), pr: idSource(prs.map((p) => p.databaseId), 1_000_000_000),
    issue: idSource(repos.flatMap((r) => r.issues.map((i) => i.databaseId)), 1_100_000_000), review: idSource(reviewsIn.map((r) => r.databaseId), 1_200_000_000),
    reviewComment: idSource(reviewsIn.flatMap((r) => r.comments.map((c) => c.databaseId)), 1_300_000_000),
    issueComment: idSource(items.flatMap((i) => i.comments.map((c) => c.databaseId)), 1_400_000_000),
    release: idSource(repos.flatMap((r) => r.releases.map((x) => x.databaseId)), 1_500_000_000),
  };
  const users = new Map<string, DatasetUser>();
  const addUser = (login: string, type?: UserType, given?: Partial<DatasetUser>): void => {
    if (users.has(login.toLowerCase())) return;
    const t = type ?? (login.endsWith('[bot]') ? 'Bot' : 'User');
    const databaseId = ids.user(given?.databaseId);
    users.set(login.toLowerCase(), {
      login, databaseId, id: given?.id ?? nodeId(NODE_PREFIX[t], databaseId), type: t, name: given?.name ?? null,
      createdAt: given?.createdAt ? norm(given.createdAt) : '2010-01-01T00:00:00Z',
    });
  };
  for (const u of input.users) addUser(u.login, u.type, u);
  const author = (login: string | null | undefined): string | null => {
    if (login === null || login === undefined) return null;
    addUser(login);
    return login;
  };
  const repositories = repos.map((r): Repository => {
    addUser(r.owner, 'Organization');
    const repoId = ids.repo(r.databaseId);
    const labels: Label[] = r.labels.map((l) => {
      const id = ids.label(l.databaseId);
      return { databaseId: id, id: l.id ?? nodeId(NODE_PREFIX.Label, repoId, id), name: l.name, color: l.color.toLowerCase(), description: l.description, isDefault: l.isDefault };
    });
    const labelNames = (names: string[]): string[] => names.map((name) => {
      const found = labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
      if (found) return found.name;
      const id = ids.label(undefined);
      labels.push({ databaseId: id, id: nodeId(NODE_PREFIX.Label, repoId, id), name, color: 'ededed', description: null, isDefault: false });
      return name;
    });
    const comments = (list: z.output<typeof IssueCommentIn>[]): IssueComment[] => list.map((c) => {
      const id = ids.issueComment(c.databaseId);
      return { databaseId: id, id: c.id ?? nodeId(NODE_PREFIX.IssueComment, repoId, id), author: author(c.author), body: c.body, createdAt: norm(c.createdAt), updatedAt: norm(c.updatedAt ?? c.createdAt) };
    });
    const reviews = (list: z.output<typeof ReviewIn>[]): Review[] => list.map((rv) => {
      const id = ids.review(rv.databaseId);
      const submittedAt = norm(rv.submittedAt);
      const reviewComments = rv.comments.map((c): ReviewComment => {
        const cid = ids.reviewComment(c.databaseId);
        const createdAt = c.createdAt ? norm(c.createdAt) : submittedAt;
        return {
          databaseId: cid, id: c.id ?? nodeId(NODE_PREFIX.PullRequestReviewComment, repoId, cid), author: author(c.author === undefined ? rv.author : c.author),
          body: c.body, path: c.path, line: c.line, diffHunk: c.diffHunk, inReplyTo: c.inReplyTo, createdAt, updatedAt: c.updatedAt ? norm(c.updatedAt) : createdAt,
        };
      });
      return { databaseId: id, id: rv.id ?? nodeId(NODE_PREFIX.PullRequestReview, repoId, id), author: author(rv.author), body: rv.body, state: rv.state, submittedAt, comments: reviewComments };
    });
    const common = (it: z.output<typeof IssueIn> | z.output<typeof PullRequestIn>, databaseId: number, prefix: string) => {
      const createdAt = norm(it.createdAt);
      const updatedAt = norm(it.updatedAt ?? it.createdAt);
      const closedAt = it.closedAt ? norm(it.closedAt) : it.state === 'OPEN' ? null : updatedAt;
      return {
        databaseId, id: it.id ?? nodeId(prefix, repoId, databaseId), number: it.number, title: it.title, body: it.body, author: author(it.author),
        createdAt, updatedAt, closedAt, locked: it.locked, labels: labelNames(it.labels), comments: comments(it.comments),
      };
    };
    const pullRequests = r.pullRequests.map((p): PullRequest => {
      const base = common(p, ids.pr(p.databaseId), NODE_PREFIX.PullRequest);
      return {
        ...base, state: p.state, isDraft: p.isDraft, mergedAt: p.mergedAt ? norm(p.mergedAt) : p.state === 'MERGED' ? base.closedAt : null,
        baseRefName: p.baseRefName ?? r.defaultBranch, headRefName: p.headRefName ?? `branch-${p.number}`, reviews: reviews(p.reviews), files: p.files,
      };
    });
    const issues = r.issues.map((i): Issue => ({
      ...common(i, ids.issue(i.databaseId), NODE_PREFIX.Issue), state: i.state, stateReason: i.stateReason,
      ...(i.closedBy === undefined ? {} : { closedBy: author(i.closedBy) }),
    }));
    const commits = r.commits
      .map((c) => ({ ...c, committedDate: norm(c.committedDate) }))
      .sort((a, b) => (a.committedDate < b.committedDate ? -1 : a.committedDate > b.committedDate ? 1 : 0))
      .map((c, k): Commit => ({
        oid: c.oid, id: c.id ?? nodeId(NODE_PREFIX.Commit, repoId, k + 1), messageHeadline: c.messageHeadline, committedDate: c.committedDate,
        authoredDate: c.authoredDate ? norm(c.authoredDate) : c.committedDate, additions: c.additions, deletions: c.deletions,
        author: { name: c.author.name, email: c.author.email, login: author(c.author.login) },
      }));
    const releases = r.releases.map((x): Release => {
      const id = ids.release(x.databaseId);
      const createdAt = norm(x.createdAt);
      return {
        databaseId: id, id: x.id ?? nodeId(NODE_PREFIX.Release, repoId, id), tagName: x.tagName, name: x.name, author: author(x.author), isDraft: x.isDraft,
        isPrerelease: x.isPrerelease, createdAt, publishedAt: x.isDraft ? null : x.publishedAt ? norm(x.publishedAt) : createdAt,
      };
    });
    const firstTs = [...pullRequests, ...issues].map((i) => i.createdAt).sort()[0] ?? '2020-01-01T00:00:00Z';
    const lastTs = [...pullRequests, ...issues].map((i) => i.updatedAt).sort().at(-1) ?? firstTs;
    return {
      databaseId: repoId, id: r.id ?? nodeId(NODE_PREFIX.Repository, repoId), owner: r.owner, name: r.name,
      previousNames: r.previousNames.map((n) => (n.includes('/') ? n : `${r.owner}/${n}`)), description: r.description,
      isPrivate: r.isPrivate, isArchived: r.isArchived, isFork: r.isFork, stargazerCount: r.stargazerCount, forkCount: r.forkCount,
      createdAt: r.createdAt ? norm(r.createdAt) : firstTs, updatedAt: r.updatedAt ? norm(r.updatedAt) : lastTs,
      pushedAt: r.pushedAt ? norm(r.pushedAt) : lastTs, defaultBranch: r.defaultBranch, primaryLanguage: r.primaryLanguage,
      labels, pullRequests, issues, commits, releases,
    };
  });
  return { version: 1, users: [...users.values()], repositories };
}

/** Validates and normalizes parsed JSON; throws `DatasetError` with a readable report. */
export function parseDataset(json: unknown, source = 'dataset'): Dataset {
  const result = DatasetIn.safeParse(json);
  if (!result.success) throw new DatasetError(source, result.error);
  return normalize(result.data);
}

export function loadDatasetFile(path: string): Dataset {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read GitHub emulator dataset ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseDataset(json, path);
}

export function serializeDataset(ds: Dataset): string {
  return JSON.stringify(ds);
}

export function saveDatasetFile(path: string, ds: Dataset): void {
  writeFileSync(path, serializeDataset(ds));
}
