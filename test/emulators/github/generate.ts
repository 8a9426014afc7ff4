// Seeded, deterministic dataset generator: same options → identical dataset.
import type {
  Commit, Dataset, DatasetUser, Issue, IssueComment, Label, PullRequest, PullRequestFile, Release, Repository, Review,
  ReviewComment, ReviewState, ChangeType,
} from './dataset.ts';
import { createRng, fakeSha, isoSeconds, nodeId, NODE_PREFIX } from './ids.ts';
import { body, dependabotTitle, filePath, hugeBody, personName, pick, sizedBody, title } from './text.ts';

export interface RepoSpec {
  owner: string;
  name: string;
  pullRequests: number;
  issues: number;
  avgReviews?: number; // default 2
  avgReviewComments?: number; // per PR, default 3
  avgIssueComments?: number; // per PR/issue, default 3
  avgFiles?: number; // default 5
  /** PRs with > 100 reviews, > 100 review comments (one review alone has > 100), > 100 issue comments and > 100 files. */
  heavyPullRequests?: number;
  labels?: number; // default 12
  isPrivate?: boolean;
  previousNames?: string[];
  /** Commits pushed straight to the default branch, besides one squash commit per merged PR (default: PRs / 10). */
  directCommits?: number;
  /** Releases (default: PRs / 25, at least 1 when there are PRs). */
  releases?: number;
}

export interface GenerateOptions {
  seed: number;
  repos: RepoSpec[];
  users?: number; // human pool size, default 150
  start?: string; // first item creation, default 2019-01-01T00:00:00Z
  end?: string; // last activity, default 2025-06-01T00:00:00Z
  botShare?: number; // share of PRs/comments by bots, default 0.08
  ghostShare?: number; // share of items by deleted users, default 0.02
  hugeBodyEvery?: number; // every Nth PR/issue gets a ≥ 60 KB body (0 = never), default 400
  /**
   * 'uniform' (default): counts uniform around the averages. 'heavy-tailed', as real histories are:
   * log-normal body sizes (a few of hundreds of KB) and nested counts, `heavyShare` of the PRs
   * with more than 100 files, reviews or comments (one kind each, at random places), and many
   * bot authors (a dozen bots; botShare defaults to 0.25).
   */
  shape?: 'uniform' | 'heavy-tailed';
  /** heavy-tailed: share of PRs with > 100 of one nested kind; default 0.015. */
  heavyShare?: number;
}

const BOTS: Array<[string, number]> = [['dependabot[bot]', 49699333], ['github-actions[bot]', 41898282], ['renovate[bot]', 29139614]];
// heavy-tailed mode: the bots a busy public repository sees.
const MORE_BOTS: Array<[string, number]> = [
  ['codecov[bot]', 22429695], ['netlify[bot]', 40209326], ['vercel[bot]', 35613825], ['pre-commit-ci[bot]', 66853113],
  ['mergify[bot]', 37929162], ['allcontributors[bot]', 46447321], ['coderabbitai[bot]', 136622811], ['changeset-bot[bot]', 46011259],
  ['stale[bot]', 26384082], ['snyk-io[bot]', 19733683], ['greenkeeper[bot]', 23040076], ['imgbot[bot]', 31427850],
];
const LABELS: Array<[string, string, string | null]> = [
  ['bug', 'd73a4a', "Something isn't working"], ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['duplicate', 'cfd3d7', 'This issue or pull request already exists'], ['enhancement', 'a2eeef', 'New feature or request'],
  ['good first issue', '7057ff', 'Good for newcomers'], ['help wanted', '008672', 'Extra attention is needed'],
  ['invalid', 'e4e669', "This doesn't seem right"], ['question', 'd876e3', 'Further information is requested'],
  ['wontfix', 'ffffff', 'This will not be worked on'], ['dependencies', '0366d6', 'Pull requests that update a dependency file'],
  ['🚀 release', 'ededed', null], ['área: sincronización', 'c5def5', 'Sync job — ünïcödé label'],
];
const REVIEW_STATES: ReviewState[] = ['APPROVED', 'APPROVED', 'COMMENTED', 'COMMENTED', 'CHANGES_REQUESTED', 'DISMISSED'];
const CHANGE_TYPES: ChangeType[] = ['MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'ADDED', 'ADDED', 'DELETED', 'RENAMED'];
const LANGUAGES = ['TypeScript', 'Python', 'Go', 'Rust', null];
const DAY = 86_400_000;

interface Ctx {
  rng: () => number;
  humans: DatasetUser[];
  ids: { label: number; pr: number; issue: number; review: number; reviewComment: number; issueComment: number };
  opts: Required<Omit<GenerateOptions, 'repos' | 'seed'>>;
  bots: Array<[string, number]>;
  itemIndex: number;
  // Comment bodies and diff hunks come from seeded pools: realistic enough, far less allocation.
  commentBodies: string[];
  hunks: string[];
}

function count(rng: () => number, avg: number): number {
  return Math.floor(rng() * (2 * avg + 1));
}

/** A log-normal count: median `median`, spread `sigma` (of the log), at most `cap`. */
function logNormal(rng: () => number, median: number, sigma: number, cap: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.min(cap, Math.floor(median * Math.exp(sigma * z)));
}

/** Over 100: a Pareto tail from 101 (α 1.5), as GitHub caps files at 3,000. */
function over100(rng: () => number, cap: number): number {
  return Math.min(cap, Math.floor(101 * (1 - rng()) ** (-1 / 1.5)));
}

const heavyTailed = (ctx: Ctx) => ctx.opts.shape === 'heavy-tailed';

function author(ctx: Ctx, allowBots: boolean): string | null {
  const r = ctx.rng();
  if (r < ctx.opts.ghostShare) return null;
  if (allowBots && r < ctx.opts.ghostShare + ctx.opts.botShare) return pick(ctx.rng, ctx.bots)[0];
  return pick(ctx.rng, ctx.humans).login;
}

/** Sorted activity timestamps within [from, to]. */
function times(rng: () => number, n: number, from: number, to: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from + Math.floor(rng() * (to - from));
  return out.sort((a, b) => a - b);
}

function issueComments(ctx: Ctx, repoId: number, n: number, from: number, to: number): IssueComment[] {
  return times(ctx.rng, n, from, to).map((t) => {
    const databaseId = ctx.ids.issueComment++;
    const edited = ctx.rng() < 0.1 ? Math.min(to, t + Math.floor(ctx.rng() * DAY)) : t;
    const createdAt = isoSeconds(t);
    return {
      databaseId, id: nodeId(NODE_PREFIX.IssueComment, repoId, databaseId), author: author(ctx, true),
      body: pick(ctx.rng, ctx.commentBodies), createdAt, updatedAt: edited === t ? createdAt : isoSeconds(edited),
    };
  });
}

function files(ctx: Ctx, n: number): PullRequestFile[] {
  const out: PullRequestFile[] = [];
  for (let i = 0; i < n; i++) {
    const changeType = pick(ctx.rng, CHANGE_TYPES);
    const path = filePath(ctx.rng, i);
    out.push({
      path,
      previousPath: changeType === 'RENAMED' ? `old/${path}` : null,
      additions: changeType === 'DELETED' ? 0 : Math.floor(ctx.rng() * 200),
      deletions: changeType === 'ADDED' ? 0 : Math.floor(ctx.rng() * 80),
      changeType,
      patch: null,
    });
  }
  return out;
}

function reviews(ctx: Ctx, repoId: number, nReviews: number, nComments: number, bigFirst: boolean, prFiles: PullRequestFile[], from: number, to: number): Review[] {
  if (nReviews === 0 && nComments > 0) nReviews = 1;
  const at = times(ctx.rng, nReviews, from, to);
  const out: Review[] = at.map((t, i) => {
    const databaseId = ctx.ids.review++;
    return {
      databaseId, id: nodeId(NODE_PREFIX.PullRequestReview, repoId, databaseId), author: author(ctx, false),
      body: ctx.rng() < 0.5 ? '' : body(ctx.rng, 1, 12), state: i === 0 && nComments > 0 ? 'COMMENTED' : pick(ctx.rng, REVIEW_STATES),
      submittedAt: isoSeconds(t), comments: [],
    };
  });
  // Assign comments to reviews in chronological order so a reply never predates its root.
  const owner = new Array<number>(nComments);
  for (let c = 0; c < nComments; c++) owner[c] = bigFirst && c <= 100 ? 0 : Math.floor(ctx.rng() * out.length);
  owner.sort((a, b) => a - b);
  const roots: ReviewComment[] = [];
  for (let c = 0; c < nComments; c++) {
    const review = out[owner[c]];
    const databaseId = ctx.ids.reviewComment++;
    const replyTo = roots.length > 0 && ctx.rng() < 0.3 ? pick(ctx.rng, roots) : null;
    const path = replyTo ? replyTo.path : prFiles.length > 0 ? pick(ctx.rng, prFiles).path : 'README.md';
    const comment: ReviewComment = {
      databaseId, id: nodeId(NODE_PREFIX.PullRequestReviewComment, repoId, databaseId), author: review.author,
      body: pick(ctx.rng, ctx.commentBodies), path, line: replyTo ? replyTo.line : ctx.rng() < 0.1 ? null : 1 + Math.floor(ctx.rng() * 300),
      diffHunk: pick(ctx.rng, ctx.hunks), inReplyTo: replyTo ? replyTo.databaseId : null,
      createdAt: review.submittedAt, updatedAt: review.submittedAt,
    };
    if (!replyTo) roots.push(comment);
    review.comments.push(comment);
  }
  return out;
}

function itemBody(ctx: Ctx): string {
  const every = ctx.opts.hugeBodyEvery;
  if (every > 0 && ++ctx.itemIndex % every === 0) return hugeBody(ctx.rng);
  if (!heavyTailed(ctx)) return body(ctx.rng);
  // Log-normal word counts: median 60 words, a long tail up to 80,000 (hundreds of KB).
  const r = ctx.rng();
  if (r < 0.06) return '';
  // Now and then a pasted log or trace: 100–500 KB.
  if (r > 0.998) return sizedBody(ctx.rng, 15_000 + Math.floor(ctx.rng() * 55_000));
  return sizedBody(ctx.rng, Math.max(3, logNormal(ctx.rng, 60, 1.6, 80_000)));
}

function maxIso(a: string, b: string): string {
  return a > b ? a : b;
}

function latest(created: string, children: Array<{ updatedAt: string }>, extra: string[]): string {
  let u = created;
  for (const c of children) u = maxIso(u, c.updatedAt);
  for (const e of extra) u = maxIso(u, e);
  return u;
}

function pullRequest(ctx: Ctx, spec: RepoSpec, repo: Repository, number: number, created: number, end: number, heavy: boolean): PullRequest {
  const rng = ctx.rng;
  const repoId = repo.databaseId;
  const databaseId = ctx.ids.pr++;
  const who = author(ctx, true);
  const isBot = who !== null && who.endsWith('[bot]');
  const span = Math.min(end - created, Math.floor(rng() * 20 * DAY) + 60_000);
  const to = created + span;
  const r = rng();
  const state: PullRequest['state'] = r < 0.6 ? 'MERGED' : r < 0.8 ? 'CLOSED' : 'OPEN';
  let prFiles: PullRequestFile[];
  let prReviews: Review[];
  let comments: IssueComment[];
  if (heavyTailed(ctx)) {
    // Medians a little under the averages (log-normal means sit above their medians).
    let nFiles = Math.max(1, logNormal(rng, (spec.avgFiles ?? 5) * 0.6, 1, 100));
    let nReviews = logNormal(rng, (spec.avgReviews ?? 2) * 0.7, 0.8, 60);
    let nReviewComments = logNormal(rng, (spec.avgReviewComments ?? 3) * 0.5, 1.2, 80);
    let nComments = logNormal(rng, (spec.avgIssueComments ?? 3) * 0.5, 1.2, 90);
    if (heavy || rng() < ctx.opts.heavyShare) {
      const kind = heavy ? 4 : Math.floor(rng() * 4);
      if (kind === 0 || kind === 4) nFiles = over100(rng, 3000);
      if (kind === 1 || kind === 4) nReviews = over100(rng, 400);
      if (kind === 2 || kind === 4) nComments = over100(rng, 1500);
      if (kind === 3 || kind === 4) nReviewComments = over100(rng, 600);
    }
    prFiles = files(ctx, nFiles);
    // Over 100 review comments: in one review (the first), as a long review thread has them.
    prReviews = reviews(ctx, repoId, nReviews, nReviewComments, nReviewComments > 100, prFiles, created + 1000, to);
    comments = issueComments(ctx, repoId, nComments, created + 1000, to);
  } else {
    prFiles = files(ctx, heavy ? 101 + Math.floor(rng() * 200) : Math.max(1, count(rng, spec.avgFiles ?? 5)));
    const nReviews = heavy ? 101 + Math.floor(rng() * 30) : count(rng, spec.avgReviews ?? 2);
    const nReviewComments = heavy ? 101 + Math.floor(rng() * 50) : count(rng, spec.avgReviewComments ?? 3);
    prReviews = reviews(ctx, repoId, nReviews, nReviewComments, heavy, prFiles, created + 1000, to);
    comments = issueComments(ctx, repoId, heavy ? 101 + Math.floor(rng() * 50) : count(rng, spec.avgIssueComments ?? 3), created + 1000, to);
  }
  const closedAt = state === 'OPEN' ? null : isoSeconds(to);
  const createdAt = isoSeconds(created);
  const reviewTimes = prReviews.map((x) => x.submittedAt);
  const labels = repo.labels.filter(() => rng() < 0.15).slice(0, 3).map((l) => l.name);
  if (isBot && !labels.includes('dependencies') && repo.labels.some((l) => l.name === 'dependencies')) labels.push('dependencies');
  return {
    databaseId, id: nodeId(NODE_PREFIX.PullRequest, repoId, databaseId), number,
    title: isBot ? dependabotTitle(rng) : title(rng), body: itemBody(ctx), author: who,
    createdAt, updatedAt: latest(createdAt, comments, closedAt ? [closedAt, ...reviewTimes] : reviewTimes),
    closedAt, locked: rng() < 0.01, labels, comments,
    state, isDraft: state === 'OPEN' && rng() < 0.1, mergedAt: state === 'MERGED' ? closedAt : null,
    baseRefName: repo.defaultBranch, headRefName: isBot ? `dependabot/npm_and_yarn/pkg-${number}` : `feature/${number}-branch`,
    reviews: prReviews, files: prFiles,
  };
}

function issue(ctx: Ctx, spec: RepoSpec, repoId: number, labelsOf: Label[], number: number, created: number, end: number): Issue {
  const rng = ctx.rng;
  const databaseId = ctx.ids.issue++;
  const span = Math.min(end - created, Math.floor(rng() * 40 * DAY) + 60_000);
  const nComments = heavyTailed(ctx) ? logNormal(rng, (spec.avgIssueComments ?? 3) * 0.5, 1.2, 90) : count(rng, spec.avgIssueComments ?? 3);
  const comments = issueComments(ctx, repoId, nComments, created + 1000, created + span);
  const closed = rng() < 0.55;
  const createdAt = isoSeconds(created);
  const closedAt = closed ? isoSeconds(created + span) : null;
  return {
    databaseId, id: nodeId(NODE_PREFIX.Issue, repoId, databaseId), number, title: title(rng), body: itemBody(ctx),
    author: author(ctx, false), createdAt, updatedAt: latest(createdAt, comments, closedAt ? [closedAt] : []), closedAt,
    locked: rng() < 0.01, labels: labelsOf.filter(() => rng() < 0.2).slice(0, 3).map((l) => l.name), comments,
    state: closed ? 'CLOSED' : 'OPEN', stateReason: closed ? (rng() < 0.8 ? 'COMPLETED' : 'NOT_PLANNED') : null,
  };
}

function repository(ctx: Ctx, spec: RepoSpec, index: number, start: number, end: number): Repository {
  const rng = ctx.rng;
  const databaseId = 10_000_000 + index * 7919 + 1;
  const labels: Label[] = [];
  const nLabels = spec.labels ?? 12;
  for (let i = 0; i < nLabels; i++) {
    const [name, color, description] = LABELS[i] ?? [`area/${i}`, 'bfd4f2', null];
    const id = ctx.ids.label++;
    labels.push({ databaseId: id, id: nodeId(NODE_PREFIX.Label, databaseId, id), name, color, description, isDefault: i < 9 });
  }
  const repo: Repository = {
    databaseId, id: nodeId(NODE_PREFIX.Repository, databaseId), owner: spec.owner, name: spec.name,
    previousNames: (spec.previousNames ?? []).map((n) => (n.includes('/') ? n : `${spec.owner}/${n}`)), description: rng() < 0.1 ? null : title(rng), isPrivate: spec.isPrivate ?? false,
    isArchived: false, isFork: false, stargazerCount: Math.floor(rng() * 5000), forkCount: Math.floor(rng() * 500),
    createdAt: isoSeconds(start - 30 * DAY), updatedAt: isoSeconds(end), pushedAt: isoSeconds(end), defaultBranch: 'main',
    primaryLanguage: pick(rng, LANGUAGES), labels, pullRequests: [], issues: [], commits: [], releases: [],
  };
  const total = spec.pullRequests + spec.issues;
  const heavyEvery = spec.heavyPullRequests ? Math.max(1, Math.floor(spec.pullRequests / spec.heavyPullRequests)) : 0;
  let prsLeft = spec.pullRequests;
  let issuesLeft = spec.issues;
  const step = (end - start) / Math.max(1, total);
  for (let n = 1; n <= total; n++) {
    const created = Math.floor(start + (n - 1) * step + rng() * step * 0.5);
    const isPr = rng() * (prsLeft + issuesLeft) < prsLeft;
    if (isPr) {
      const ordinal = spec.pullRequests - prsLeft;
      const heavy = heavyEvery > 0 && ordinal % heavyEvery === Math.floor(heavyEvery / 2) && ordinal / heavyEvery < (spec.heavyPullRequests ?? 0);
      repo.pullRequests.push(pullRequest(ctx, spec, repo, n, created, end, heavy));
      prsLeft--;
    } else {
      repo.issues.push(issue(ctx, spec, databaseId, labels, n, created, end));
      issuesLeft--;
    }
  }
  return repo;
}

export function generateDataset(options: GenerateOptions): Dataset {
  const opts = {
    users: options.users ?? 150,
    start: options.start ?? '2019-01-01T00:00:00Z',
    end: options.end ?? '2025-06-01T00:00:00Z',
    botShare: options.botShare ?? 0.08,
    ghostShare: options.ghostShare ?? 0.02,
    hugeBodyEvery: options.hugeBodyEvery ?? 400,
    shape: options.shape ?? 'uniform',
    heavyShare: options.heavyShare ?? 0.015,
  };
  if (options.shape === 'heavy-tailed' && options.botShare === undefined) opts.botShare = 0.25;
  const bots = opts.shape === 'heavy-tailed' ? [...BOTS, ...MORE_BOTS] : BOTS;
  const rng = createRng(options.seed);
  const start = Date.parse(opts.start);
  const end = Date.parse(opts.end);
  const users: DatasetUser[] = [];
  for (let i = 0; i < opts.users; i++) {
    const databaseId = 100_000 + i * 37;
    users.push({
      login: `dev-${i.toString(36)}${i % 7 === 0 ? '-x' : ''}`, databaseId, id: nodeId(NODE_PREFIX.User, databaseId),
      type: 'User', name: personName(rng), createdAt: isoSeconds(start - (1 + (i % 900)) * DAY),
    });
  }
  const humans = users.slice();
  for (const [login, databaseId] of bots) {
    users.push({ login, databaseId, id: nodeId(NODE_PREFIX.Bot, databaseId), type: 'Bot', name: null, createdAt: '2016-02-01T00:00:00Z' });
  }
  const ctx: Ctx = {
    rng, humans, opts, bots, itemIndex: 0,
    commentBodies: Array.from({ length: 2048 }, () => body(rng, 1, 16)),
    hunks: Array.from({ length: 64 }, (_, i) => `@@ -${i + 1},3 +${i + 1},4 @@\n context\n+${title(rng)}`),
    ids: { label: 20_000_000, pr: 1_000_000_000, issue: 1_100_000_000, review: 1_200_000_000, reviewComment: 1_300_000_000, issueComment: 1_400_000_000 },
  };
  const owners = new Set(users.map((u) => u.login));
  const repositories = options.repos.map((spec, i) => {
    if (!owners.has(spec.owner)) {
      const databaseId = 9_000_000 + i;
      users.push({ login: spec.owner, databaseId, id: nodeId(NODE_PREFIX.Organization, databaseId), type: 'Organization', name: spec.owner, createdAt: isoSeconds(start - 400 * DAY) });
      owners.add(spec.owner);
    }
    return repository(ctx, spec, i, start, end);
  });
  // A second stream of randomness: commits, releases and closers leave every other generated value as it was.
  const more = createRng(options.seed * 7919 + 104_729);
  const releaseIds = { next: 1_500_000_000 };
  repositories.forEach((repo, i) => history(more, humans, users, repo, options.repos[i], end, releaseIds));
  return { version: 1, users, repositories };
}

const STALE_BOT = 'github-actions[bot]';

function gitAuthor(login: string | null, users: Map<string, DatasetUser>, rng: () => number): Commit['author'] {
  if (login === null) return { name: 'Former Contributor', email: `former-${Math.floor(rng() * 1e6)}@example.com`, login: null };
  const u = users.get(login);
  const id = u?.databaseId ?? 0;
  return { name: u?.name ?? login, email: `${id}+${login}@users.noreply.github.com`, login };
}

/**
 * The default branch (a squash commit per merged PR by its author, with its lines, plus direct
 * pushes, some from emails GitHub cannot link), releases, and who closed each closed issue:
 * mostly its author or another person, sometimes a bot, sometimes a since-deleted account.
 */
function history(rng: () => number, humans: DatasetUser[], users: DatasetUser[], repo: Repository, spec: RepoSpec, end: number, releaseIds: { next: number }): void {
  const byLogin = new Map(users.map((u) => [u.login, u]));
  const commits: Array<Omit<Commit, 'id'>> = [];
  for (const pr of repo.pullRequests) {
    if (pr.state !== 'MERGED' || !pr.mergedAt) continue;
    const lines = pr.files.reduce((a, f) => [a[0] + f.additions, a[1] + f.deletions], [0, 0]);
    commits.push({
      oid: fakeSha(`squash:${pr.databaseId}`), messageHeadline: `${pr.title} (#${pr.number})`, committedDate: pr.mergedAt, authoredDate: pr.createdAt,
      additions: lines[0], deletions: lines[1], author: gitAuthor(pr.author, byLogin, rng),
    });
  }
  const direct = spec.directCommits ?? Math.floor(spec.pullRequests / 10);
  const from = Date.parse(repo.createdAt);
  for (let k = 0; k < direct; k++) {
    const at = isoSeconds(from + Math.floor(rng() * (end - from)));
    const r = rng();
    // Unlinked emails and deleted accounts: no GitHub user; bots: a Bot, which GraphQL's GitActor.user (a User) cannot show.
    const author = r < 0.08 ? { name: 'Build Machine', email: 'ci@build.invalid', login: null } : gitAuthor(r < 0.12 ? null : r < 0.2 ? pick(rng, BOTS)[0] : pick(rng, humans).login, byLogin, rng);
    commits.push({ oid: fakeSha(`direct:${repo.databaseId}:${k}`), messageHeadline: title(rng), committedDate: at, authoredDate: at, additions: Math.floor(rng() * 120), deletions: Math.floor(rng() * 60), author });
  }
  commits.sort((a, b) => (a.committedDate < b.committedDate ? -1 : a.committedDate > b.committedDate ? 1 : a.oid < b.oid ? -1 : 1));
  repo.commits = commits.map((c, k) => ({ ...c, id: nodeId(NODE_PREFIX.Commit, repo.databaseId, k + 1) }));

  const nReleases = spec.releases ?? (spec.pullRequests > 0 ? Math.max(1, Math.floor(spec.pullRequests / 25)) : 0);
  const at = times(rng, nReleases, from, end);
  repo.releases = at.map((t, k): Release => {
    const databaseId = releaseIds.next++;
    const draft = k === nReleases - 1 && nReleases > 2; // the next release, still a draft
    const r = rng();
    return {
      databaseId, id: nodeId(NODE_PREFIX.Release, repo.databaseId, databaseId), tagName: `v${1 + Math.floor(k / 10)}.${k % 10}.0`, name: rng() < 0.2 ? null : `Release ${k + 1}`,
      author: r < 0.1 || (k === 1 && nReleases > 3) ? null : pick(rng, humans).login, isDraft: draft, isPrerelease: !draft && rng() < 0.15,
      createdAt: isoSeconds(t), publishedAt: draft ? null : isoSeconds(Math.min(end, t + Math.floor(rng() * 3_600_000))),
    };
  });

  for (const issue of repo.issues) {
    if (issue.state !== 'CLOSED') continue;
    const r = rng();
    issue.closedBy = r < 0.05 ? null : r < 0.2 ? STALE_BOT : r < 0.65 && issue.author !== null ? issue.author : pick(rng, humans).login;
  }
}
