// Raw synced rows for leaderboard tests (an in-memory model written to the warehouse tables the
// sync fills), and an independent reference: plain TypeScript from those rows to both boards.
import type pg from 'pg';
import { rng } from './random.ts';

const DAY = 86_400_000;
export const TYPES = ['commit', 'pr_opened', 'pr_merged', 'pr_reviewed', 'issue_opened', 'issue_closed', 'comment', 'release'] as const;
type EventType = (typeof TYPES)[number];

export interface User { githubId: number; username: string; isBot: boolean; isGhost: boolean }
export interface Repo { githubId: number; fullName: string }
export interface Commit { repo: number; sha: string; author: number | null; at: number; additions: number; deletions: number }
export interface Pr { repo: number; githubId: number; number: number; author: number | null; createdAt: number; mergedAt: number | null }
export interface Review { repo: number; githubId: number; pr: number; reviewer: number | null; state: string; at: number }
export interface Issue { repo: number; githubId: number; number: number; author: number | null; createdAt: number; closedAt: number | null; closedBy: number | null }
export interface Comment { repo: number; githubId: number; type: 'issue_comment' | 'review_comment'; pr: number | null; issue: number | null; author: number | null; at: number }
export interface Release { repo: number; githubId: number; tag: string; author: number | null; draft: boolean; publishedAt: number | null }

export interface Model {
  users: User[];
  repos: Repo[];
  commits: Commit[];
  prs: Pr[];
  reviews: Review[];
  issues: Issue[];
  comments: Comment[];
  releases: Release[];
  nextId: number;
  rand: () => number;
}

export interface RefConfig {
  weights: Record<EventType, number>;
  lineAdded: number;
  lineDeleted: number;
  cap: number;
  countSelfReviews: boolean;
  botPatterns: string[];
}
export const DEFAULT_CONFIG: RefConfig = {
  weights: { commit: 10, pr_opened: 15, pr_merged: 25, pr_reviewed: 20, issue_opened: 8, issue_closed: 5, comment: 3, release: 30 },
  lineAdded: 0.01,
  lineDeleted: 0.005,
  cap: 500,
  countSelfReviews: false,
  botPatterns: ['%[bot]', '%-bot', 'dependabot%', 'renovate%'],
};

/**
 * Users: ordinary ones, a flagged bot, bots known only by their names, the ghost, and two
 * "twins" with identical contributions (a tie). Timestamps span 800 days before `now`, so some
 * fall outside a 730-day window.
 */
export function generateModel(seed: number, o: { repos: number; users: number; perRepo: number; now: number }): Model {
  const rand = rng(seed);
  const users: User[] = [];
  for (let i = 0; i < o.users; i++) users.push({ githubId: 1000 + i, username: `dev${i}${rand() < 0.3 ? 'X' : ''}`, isBot: false, isGhost: false });
  users.push({ githubId: 900, username: 'dependabot', isBot: true, isGhost: false });
  users.push({ githubId: 901, username: 'ci-bot', isBot: false, isGhost: false });
  users.push({ githubId: 902, username: 'Renovate-Helper', isBot: false, isGhost: false });
  users.push({ githubId: 903, username: 'ghost', isBot: false, isGhost: true });
  const m: Model = { users, repos: [], commits: [], prs: [], reviews: [], issues: [], comments: [], releases: [], nextId: 10_000, rand };
  for (let r = 0; r < o.repos; r++) m.repos.push({ githubId: 500 + r, fullName: `org${r % 2}/repo-${r}` });
  for (let r = 0; r < o.repos; r++) addBatch(m, r, o.perRepo, o.now - 800 * DAY, o.now);
  // A huge commit: its line bonus is capped.
  m.commits.push({ repo: 0, sha: 'b1g0c0mm1t', author: 1000, at: o.now - 5 * DAY, additions: 60_000, deletions: 1_000 });
  // The tie: two contributors with only the same single comment at the same moment.
  users.push({ githubId: 904, username: 'twin-b', isBot: false, isGhost: false });
  users.push({ githubId: 905, username: 'Twin-A', isBot: false, isGhost: false });
  const at = o.now - 10 * DAY;
  for (const u of [904, 905]) m.comments.push({ repo: 0, githubId: m.nextId++, type: 'issue_comment', pr: null, issue: m.issues.find((i) => i.repo === 0)!.githubId, author: u, at });
  return m;
}

const pick = <T>(rand: () => number, xs: T[]) => xs[Math.floor(rand() * xs.length)]!;

/** Random contributions to one repository with timestamps in [from, to]. */
export function addBatch(m: Model, repo: number, n: number, from: number, to: number): void {
  const { rand } = m;
  // A skewed pick: a few contributors do most of the work, as in real repositories.
  const user = () => (rand() < 0.05 ? null : m.users[Math.floor(Math.pow(rand(), 2) * m.users.length)]!.githubId);
  const ts = () => Math.floor(from + rand() * (to - from));
  for (let i = 0; i < n; i++) {
    const kind = rand();
    const id = m.nextId++;
    if (kind < 0.25) m.commits.push({ repo, sha: `c${id.toString(16).padStart(8, '0')}`, author: user(), at: ts(), additions: Math.floor(rand() * 3000), deletions: Math.floor(rand() * 2000) });
    else if (kind < 0.45) {
      const createdAt = ts();
      const merged = rand() < 0.6;
      m.prs.push({ repo, githubId: id, number: id, author: user(), createdAt, mergedAt: merged ? Math.min(to, createdAt + Math.floor(rand() * 5 * DAY)) : null });
    } else if (kind < 0.6) {
      const pr = m.prs.filter((p) => p.repo === repo);
      if (!pr.length) continue;
      const p = pick(rand, pr);
      // About one review in eight is by the PR's own author (left out of scores).
      m.reviews.push({ repo, githubId: id, pr: p.githubId, reviewer: rand() < 0.12 ? p.author : user(), state: pick(rand, ['APPROVED', 'COMMENTED', 'CHANGES_REQUESTED', 'PENDING']), at: Math.max(p.createdAt, ts()) });
    } else if (kind < 0.72) {
      const createdAt = ts();
      const closed = rand() < 0.5;
      m.issues.push({ repo, githubId: id, number: id, author: user(), createdAt, closedAt: closed ? Math.min(to, createdAt + Math.floor(rand() * 20 * DAY)) : null, closedBy: closed ? user() : null });
    } else if (kind < 0.96) {
      const onPr = rand() < 0.5;
      const prs = m.prs.filter((p) => p.repo === repo);
      const issues = m.issues.filter((x) => x.repo === repo);
      if (onPr && prs.length) m.comments.push({ repo, githubId: id, type: rand() < 0.5 ? 'review_comment' : 'issue_comment', pr: pick(rand, prs).githubId, issue: null, author: user(), at: ts() });
      else if (issues.length) m.comments.push({ repo, githubId: id, type: 'issue_comment', pr: null, issue: pick(rand, issues).githubId, author: user(), at: ts() });
    } else {
      const draft = rand() < 0.2;
      m.releases.push({ repo, githubId: id, tag: `v${id}`, author: user(), draft, publishedAt: draft ? null : ts() });
    }
  }
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const j = (rows: unknown[]) => JSON.stringify(rows);

/** Writes the model into the synced tables (upserts; rows gone from the model are deleted). */
export async function writeModel(pool: pg.Pool, m: Model): Promise<void> {
  const q = (sql: string, rows: unknown[]) => pool.query(sql, [j(rows)]);
  await q(
    `INSERT INTO contributors (github_id, username, is_bot, is_ghost) SELECT * FROM json_to_recordset($1::json) AS x(github_id bigint, username text, is_bot boolean, is_ghost boolean)
     ON CONFLICT (github_id) DO UPDATE SET username = EXCLUDED.username, is_bot = EXCLUDED.is_bot, is_ghost = EXCLUDED.is_ghost`,
    m.users.map((u) => ({ github_id: u.githubId, username: u.username, is_bot: u.isBot, is_ghost: u.isGhost })),
  );
  await q(
    `INSERT INTO repositories (github_id, owner, name, full_name) SELECT github_id, split_part(full_name, '/', 1), split_part(full_name, '/', 2), full_name FROM json_to_recordset($1::json) AS x(github_id bigint, full_name text)
     ON CONFLICT (github_id) DO NOTHING`,
    m.repos.map((r) => ({ github_id: r.githubId, full_name: r.fullName })),
  );
  const repoIds = `(SELECT id FROM repositories WHERE github_id = x.repo)`;
  const userId = (col: string) => `(SELECT id FROM contributors WHERE github_id = x.${col})`;
  const gh = (i: number) => m.repos[i]!.githubId;
  await q(
    `INSERT INTO commits (repository_id, sha, author_id, committed_date, additions, deletions)
     SELECT ${repoIds}, x.sha, ${userId('author')}, x.at, x.additions, x.deletions FROM json_to_recordset($1::json) AS x(repo bigint, sha text, author bigint, at timestamptz, additions int, deletions int)
     ON CONFLICT (repository_id, sha) DO UPDATE SET author_id = EXCLUDED.author_id, committed_date = EXCLUDED.committed_date, additions = EXCLUDED.additions, deletions = EXCLUDED.deletions`,
    m.commits.map((c) => ({ ...c, repo: gh(c.repo), at: iso(c.at) })),
  );
  await q(
    `INSERT INTO pull_requests (github_id, repository_id, number, title, state, merged, author_id, created_at, updated_at, merged_at, closed_at)
     SELECT x.github_id, ${repoIds}, x.number, 'PR ' || x.number, CASE WHEN x.merged_at IS NULL THEN 'OPEN' ELSE 'MERGED' END, x.merged_at IS NOT NULL, ${userId('author')}, x.created_at, x.created_at, x.merged_at, x.merged_at
     FROM json_to_recordset($1::json) AS x(github_id bigint, repo bigint, number int, author bigint, created_at timestamptz, merged_at timestamptz)
     ON CONFLICT (github_id) DO UPDATE SET author_id = EXCLUDED.author_id, merged = EXCLUDED.merged, merged_at = EXCLUDED.merged_at, created_at = EXCLUDED.created_at`,
    m.prs.map((p) => ({ github_id: p.githubId, repo: gh(p.repo), number: p.number, author: p.author, created_at: iso(p.createdAt), merged_at: iso(p.mergedAt) })),
  );
  await q(
    `INSERT INTO reviews (github_id, pull_request_id, repository_id, reviewer_id, state, submitted_at, created_at, updated_at)
     SELECT x.github_id, (SELECT id FROM pull_requests WHERE github_id = x.pr), ${repoIds}, ${userId('reviewer')}, x.state, CASE WHEN x.state = 'PENDING' THEN NULL ELSE x.at END, x.at, x.at
     FROM json_to_recordset($1::json) AS x(github_id bigint, pr bigint, repo bigint, reviewer bigint, state text, at timestamptz)
     ON CONFLICT (github_id) DO UPDATE SET reviewer_id = EXCLUDED.reviewer_id, state = EXCLUDED.state, submitted_at = EXCLUDED.submitted_at`,
    m.reviews.map((r) => ({ github_id: r.githubId, pr: r.pr, repo: gh(r.repo), reviewer: r.reviewer, state: r.state, at: iso(r.at) })),
  );
  await q(
    `INSERT INTO issues (github_id, repository_id, number, title, state, author_id, created_at, updated_at, closed_at, closed_by_id)
     SELECT x.github_id, ${repoIds}, x.number, 'Issue ' || x.number, CASE WHEN x.closed_at IS NULL THEN 'OPEN' ELSE 'CLOSED' END, ${userId('author')}, x.created_at, x.created_at, x.closed_at, ${userId('closed_by')}
     FROM json_to_recordset($1::json) AS x(github_id bigint, repo bigint, number int, author bigint, created_at timestamptz, closed_at timestamptz, closed_by bigint)
     ON CONFLICT (github_id) DO UPDATE SET state = EXCLUDED.state, author_id = EXCLUDED.author_id, closed_at = EXCLUDED.closed_at, closed_by_id = EXCLUDED.closed_by_id`,
    m.issues.map((i) => ({ github_id: i.githubId, repo: gh(i.repo), number: i.number, author: i.author, created_at: iso(i.createdAt), closed_at: iso(i.closedAt), closed_by: i.closedBy })),
  );
  await pool.query('DELETE FROM comments WHERE NOT (github_id = ANY ($1::bigint[]))', [m.comments.map((c) => c.githubId)]);
  await q(
    `INSERT INTO comments (github_id, comment_type, repository_id, pull_request_id, issue_id, commenter_id, created_at, updated_at)
     SELECT x.github_id, x.type, ${repoIds}, (SELECT id FROM pull_requests WHERE github_id = x.pr), (SELECT id FROM issues WHERE github_id = x.issue), ${userId('author')}, x.at, x.at
     FROM json_to_recordset($1::json) AS x(github_id bigint, type text, repo bigint, pr bigint, issue bigint, author bigint, at timestamptz)
     ON CONFLICT (comment_type, github_id) DO UPDATE SET commenter_id = EXCLUDED.commenter_id, created_at = EXCLUDED.created_at`,
    m.comments.map((c) => ({ github_id: c.githubId, type: c.type, repo: gh(c.repo), pr: c.pr, issue: c.issue, author: c.author, at: iso(c.at) })),
  );
  await q(
    `INSERT INTO releases (github_id, repository_id, tag_name, author_id, is_draft, created_at, published_at)
     SELECT x.github_id, ${repoIds}, x.tag, ${userId('author')}, x.draft, COALESCE(x.published_at, now()), x.published_at
     FROM json_to_recordset($1::json) AS x(github_id bigint, repo bigint, tag text, author bigint, draft boolean, published_at timestamptz)
     ON CONFLICT (github_id) DO UPDATE SET author_id = EXCLUDED.author_id, is_draft = EXCLUDED.is_draft, published_at = EXCLUDED.published_at`,
    m.releases.map((r) => ({ github_id: r.githubId, repo: gh(r.repo), tag: r.tag, author: r.author, draft: r.draft, published_at: iso(r.publishedAt) })),
  );
}

interface RefEvent { repo: number; user: number; type: EventType; at: number; added: number; deleted: number; self: boolean }

/** The model's contribution events, by the rules the leaderboard documents (written separately from the SQL). */
export function referenceEvents(m: Model): RefEvent[] {
  const out: RefEvent[] = [];
  const ev = (repo: number, user: number | null, type: EventType, at: number | null, added = 0, deleted = 0, self = false) => {
    if (user !== null && at !== null) out.push({ repo, user, type, at, added, deleted, self });
  };
  for (const c of m.commits) ev(c.repo, c.author, 'commit', c.at, c.additions, c.deletions);
  const prById = new Map(m.prs.map((p) => [p.githubId, p]));
  for (const p of m.prs) {
    ev(p.repo, p.author, 'pr_opened', p.createdAt);
    if (p.mergedAt !== null) ev(p.repo, p.author, 'pr_merged', p.mergedAt);
  }
  for (const r of m.reviews) if (r.state !== 'PENDING') ev(r.repo, r.reviewer, 'pr_reviewed', r.at, 0, 0, r.reviewer === prById.get(r.pr)!.author);
  for (const i of m.issues) {
    ev(i.repo, i.author, 'issue_opened', i.createdAt);
    if (i.closedAt !== null) ev(i.repo, i.closedBy, 'issue_closed', i.closedAt);
  }
  for (const c of m.comments) ev(c.repo, c.author, 'comment', c.at);
  for (const r of m.releases) if (!r.draft) ev(r.repo, r.author, 'release', r.publishedAt);
  return out;
}

/** SQL LIKE (as ILIKE) in plain TypeScript: % any run, _ one character. */
function likeMatches(pattern: string, s: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${re}$`, 'is').test(s);
}

export interface RefRow { repository: string | null; username: string; rank: number; totalScore: string; counts: Record<EventType, number>; linesAdded: number; linesDeleted: number; repositories: number | null; first: string; last: string }

const cents = (n: number) => Math.round(n * 100);
const fmt = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/**
 * Both boards from raw rows: events in the given windows per repository (inclusive), bots and the
 * ghost left out, self-reviews unless counted, the line bonus capped per contributor and
 * repository, money-like arithmetic in integer cents, ties by first contribution then username.
 */
export function referenceBoards(m: Model, cfg: RefConfig, windows: Map<number, [number, number][]>): { repo: RefRow[]; global: RefRow[] } {
  const users = new Map(m.users.map((u) => [u.githubId, u]));
  const excluded = (u: User) => u.isBot || u.isGhost || cfg.botPatterns.some((p) => likeMatches(p, u.username));
  const inWindow = (e: RefEvent) => (windows.get(e.repo) ?? []).some(([a, b]) => e.at >= a && e.at <= b);
  type Acc = { repo: number; user: number; counts: Record<EventType, number>; added: number; deleted: number; first: number; last: number };
  const acc = new Map<string, Acc>();
  for (const e of referenceEvents(m)) {
    const u = users.get(e.user)!;
    if (excluded(u) || !inWindow(e)) continue;
    if (e.type === 'pr_reviewed' && e.self && !cfg.countSelfReviews) continue;
    const key = `${e.repo}:${e.user}`;
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { repo: e.repo, user: e.user, counts: Object.fromEntries(TYPES.map((t) => [t, 0])) as Record<EventType, number>, added: 0, deleted: 0, first: e.at, last: e.at }));
    a.counts[e.type]++;
    a.added += e.added;
    a.deleted += e.deleted;
    a.first = Math.min(a.first, e.at);
    a.last = Math.max(a.last, e.at);
  }
  const scoreCents = (a: Acc) => {
    const base = TYPES.reduce((s, t) => s + a.counts[t] * cents(cfg.weights[t]), 0);
    // The bonus in ten-thousandths of a point, capped, then rounded half up to cents.
    const bonus4 = Math.min(a.added * Math.round(cfg.lineAdded * 1e4) + a.deleted * Math.round(cfg.lineDeleted * 1e4), Math.round(cfg.cap * 1e4));
    return base + Math.floor((bonus4 + 50) / 100);
  };
  const order = (x: { score: number; first: number; username: string }, y: { score: number; first: number; username: string }) => {
    if (x.score !== y.score) return y.score - x.score;
    if (x.first !== y.first) return x.first - y.first;
    const a = x.username.toLowerCase();
    const b = y.username.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const repoRows: RefRow[] = [];
  const perUser = new Map<number, { score: number; first: number; last: number; repos: number; counts: Record<EventType, number>; added: number; deleted: number }>();
  for (let r = 0; r < m.repos.length; r++) {
    const rows = [...acc.values()].filter((a) => a.repo === r).map((a) => ({ a, score: scoreCents(a), first: a.first, username: users.get(a.user)!.username }));
    rows.sort(order);
    rows.forEach((x, i) => {
      repoRows.push({ repository: m.repos[r]!.fullName, username: x.username, rank: i + 1, totalScore: fmt(x.score), counts: x.a.counts, linesAdded: x.a.added, linesDeleted: x.a.deleted, repositories: null, first: new Date(x.a.first).toISOString(), last: new Date(x.a.last).toISOString() });
      const g = perUser.get(x.a.user) ?? { score: 0, first: Infinity, last: -Infinity, repos: 0, counts: Object.fromEntries(TYPES.map((t) => [t, 0])) as Record<EventType, number>, added: 0, deleted: 0 };
      g.score += x.score;
      g.first = Math.min(g.first, x.a.first);
      g.last = Math.max(g.last, x.a.last);
      g.repos++;
      for (const t of TYPES) g.counts[t] += x.a.counts[t];
      g.added += x.a.added;
      g.deleted += x.a.deleted;
      perUser.set(x.a.user, g);
    });
  }
  const globalRows = [...perUser.entries()].map(([u, g]) => ({ g, score: g.score, first: g.first, username: users.get(u)!.username }));
  globalRows.sort(order);
  return {
    repo: repoRows,
    global: globalRows.map((x, i) => ({ repository: null, username: x.username, rank: i + 1, totalScore: fmt(x.score), counts: x.g.counts, linesAdded: x.g.added, linesDeleted: x.g.deleted, repositories: x.g.repos, first: new Date(x.g.first).toISOString(), last: new Date(x.g.last).toISOString() })),
  };
}

/** Both boards as the warehouse holds them, in the reference's shape. */
export async function warehouseBoards(pool: pg.Pool): Promise<{ repo: RefRow[]; global: RefRow[] }> {
  const counts = (r: Record<string, number>) => Object.fromEntries(TYPES.map((t) => [t, r[`${t}_count`]!])) as Record<EventType, number>;
  const repo = await pool.query(`SELECT p.full_name, c.username, l.* , l.total_score::text AS score FROM repository_leaderboards l JOIN contributors c ON c.id = l.user_id JOIN repositories p ON p.id = l.repository_id ORDER BY p.github_id, l.rank`);
  const global = await pool.query(`SELECT c.username, g.*, g.total_score::text AS score FROM global_leaderboard g JOIN contributors c ON c.id = g.user_id ORDER BY g.global_rank`);
  return {
    repo: repo.rows.map((r) => ({ repository: r.full_name, username: r.username, rank: r.rank, totalScore: r.score, counts: counts(r), linesAdded: Number(r.lines_added), linesDeleted: Number(r.lines_deleted), repositories: null, first: r.first_contribution_at.toISOString(), last: r.last_contribution_at.toISOString() })),
    global: global.rows.map((r) => ({ repository: null, username: r.username, rank: r.global_rank, totalScore: r.score, counts: counts(r), linesAdded: Number(r.lines_added), linesDeleted: Number(r.lines_deleted), repositories: r.repositories_contributed, first: r.first_contribution_at.toISOString(), last: r.last_contribution_at.toISOString() })),
  };
}
