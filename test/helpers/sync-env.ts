import type pg from 'pg';
import { generateDataset, type Dataset } from '../emulators/github/dataset.ts';
import { startGitHubEmulator, type EmulatorOptions, type GitHubEmulator } from '../emulators/github/server.ts';
import { startTestCore, type TestCore } from './core.ts';
import { createTestDatabase } from './postgres.ts';
import { warehousePool } from './warehouse.ts';

export interface SyncEnv {
  t: TestCore;
  emulator: GitHubEmulator;
  dataset: Dataset;
  db: { url: string; name: string; drop(): Promise<void> };
  pool: pg.Pool;
  profileId: string;
  close(): Promise<void>;
}

export function smallDataset(seed = 1, prs = 120, issues = 60, heavy = 2): Dataset {
  return generateDataset({
    seed,
    repos: [{ owner: 'octo', name: 'widgets', pullRequests: prs, issues, avgReviews: 3, avgReviewComments: 2, avgIssueComments: 4, avgFiles: 6, heavyPullRequests: heavy }],
  });
}

/** A core whose active profile points at the GitHub emulator and a fresh test database. */
export async function startSyncEnv(opts: { dataset?: Dataset; emulator?: Partial<EmulatorOptions>; coreEnv?: NodeJS.ProcessEnv } = {}): Promise<SyncEnv> {
  const dataset = opts.dataset ?? smallDataset();
  const emulator = await startGitHubEmulator({ dataset, ...opts.emulator });
  const db = await createTestDatabase('sync');
  const t = await startTestCore(opts.coreEnv ? { env: opts.coreEnv } : {});
  const profile = await t.ops.profiles.create({ name: 'test', githubApiUrl: emulator.url });
  await t.ops.secrets.set({ profileId: profile.id, key: 'github_token', value: emulator.token });
  await t.ops.secrets.set({ profileId: profile.id, key: 'postgres_url', value: db.url });
  const pool = warehousePool(db.url, 2);
  return {
    t,
    emulator,
    dataset,
    db,
    pool,
    profileId: profile.id,
    async close() {
      await pool.end();
      await t.close();
      await emulator.close();
      await db.drop();
    },
  };
}

/** The warehouse's view of one repository, normalized for comparison with a dataset. */
export async function warehouseSnapshot(pool: pg.Pool, fullName: string) {
  const repo = (await pool.query('SELECT id FROM repositories WHERE lower(full_name) = lower($1)', [fullName])).rows[0];
  if (!repo) return null;
  const q = async (sql: string) => (await pool.query(sql, [repo.id])).rows;
  const prs = await q(`SELECT p.number, p.title, p.body, p.state, p.merged, p.draft, p.labels, c.username AS author, c.is_ghost,
      (SELECT array_agg(r.github_id ORDER BY r.github_id) FROM reviews r WHERE r.pull_request_id = p.id) AS reviews,
      (SELECT array_agg(m.github_id ORDER BY m.github_id) FROM comments m WHERE m.pull_request_id = p.id AND m.comment_type = 'issue_comment') AS comments,
      (SELECT array_agg(m.github_id ORDER BY m.github_id) FROM comments m WHERE m.pull_request_id = p.id AND m.comment_type = 'review_comment') AS review_comments,
      (SELECT array_agg(f.path ORDER BY f.path COLLATE "C") FROM pr_files f WHERE f.pull_request_id = p.id) AS files
    FROM pull_requests p LEFT JOIN contributors c ON c.id = p.author_id WHERE p.repository_id = $1 ORDER BY p.number`);
  const issues = await q(`SELECT i.number, i.title, i.body, i.state, i.labels, c.username AS author,
      (SELECT array_agg(m.github_id ORDER BY m.github_id) FROM comments m WHERE m.issue_id = i.id) AS comments, cb.username AS closed_by
    FROM issues i LEFT JOIN contributors c ON c.id = i.author_id LEFT JOIN contributors cb ON cb.id = i.closed_by_id WHERE i.repository_id = $1 ORDER BY i.number`);
  for (const r of [...prs, ...issues]) r.labels = [...r.labels].sort();
  const commits = await q(`SELECT m.sha, c.username AS author, m.author_name, m.additions, m.deletions, to_char(m.committed_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS committed
    FROM commits m LEFT JOIN contributors c ON c.id = m.author_id WHERE m.repository_id = $1 ORDER BY m.sha COLLATE "C"`);
  const releases = await q(`SELECT r.tag_name AS tag, c.username AS author, r.is_draft AS draft, to_char(r.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS published
    FROM releases r LEFT JOIN contributors c ON c.id = r.author_id WHERE r.repository_id = $1 ORDER BY r.tag_name COLLATE "C"`);
  return { prs, issues, commits, releases };
}

const sorted = <T>(xs: T[]) => (xs.length ? [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : null);
const login = (ds: Dataset, l: string | null) => (l === null ? 'ghost' : (ds.users.find((u) => u.login === l)?.login ?? l));

/** The same normalized view computed from the emulator's dataset (what GitHub holds). */
export function datasetSnapshot(ds: Dataset, fullName: string) {
  const repo = ds.repositories.find((r) => `${r.owner}/${r.name}`.toLowerCase() === fullName.toLowerCase())!;
  const prs = [...repo.pullRequests]
    .sort((a, b) => a.number - b.number)
    .map((p) => ({
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state.toLowerCase(),
      merged: p.state === 'MERGED',
      draft: p.isDraft,
      labels: [...p.labels].sort(),
      author: login(ds, p.author),
      is_ghost: p.author === null,
      reviews: sorted(p.reviews.map((r) => r.databaseId)),
      comments: sorted(p.comments.map((c) => c.databaseId)),
      review_comments: sorted(p.reviews.flatMap((r) => r.comments.map((c) => c.databaseId))),
      files: sorted(p.files.map((f) => f.path)),
    }));
  const issues = [...repo.issues]
    .sort((a, b) => a.number - b.number)
    .map((i) => ({
      number: i.number, title: i.title, body: i.body, state: i.state.toLowerCase(), labels: [...i.labels].sort(), author: login(ds, i.author), comments: sorted(i.comments.map((c) => c.databaseId)),
      closed_by: i.state === 'CLOSED' && i.closedBy !== undefined ? login(ds, i.closedBy) : null,
    }));
  // GitHub links a commit to a User only: bots, unknown emails and deleted accounts have no author.
  const isUser = (l: string | null) => l !== null && ds.users.some((u) => u.login === l && u.type === 'User');
  const commits = [...repo.commits]
    .sort((a, b) => (a.oid < b.oid ? -1 : 1))
    .map((c) => ({ sha: c.oid, author: isUser(c.author.login) ? c.author.login : null, author_name: c.author.name, additions: c.additions, deletions: c.deletions, committed: c.committedDate }));
  const releases = [...repo.releases]
    .sort((a, b) => (a.tagName < b.tagName ? -1 : a.tagName > b.tagName ? 1 : 0))
    .map((r) => ({ tag: r.tagName, author: isUser(r.author) ? r.author : 'ghost', draft: r.isDraft, published: r.publishedAt }));
  return { prs, issues, commits, releases };
}
