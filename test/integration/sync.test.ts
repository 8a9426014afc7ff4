import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommit, addIssueComment, addPullRequest, addRelease, editItem, touchDataset } from '../emulators/github/dataset.ts';
import { warehouseCoreMigrations } from '../../src/main/warehouse/migrations.ts';
import { migrateTestWarehouse } from '../helpers/warehouse.ts';
import { datasetSnapshot, startSyncEnv, warehouseSnapshot, type SyncEnv } from '../helpers/sync-env.ts';

let env: SyncEnv;
beforeAll(async () => {
  env = await startSyncEnv();
});
afterAll(() => env?.close());

const REPO = 'octo/widgets';

async function syncToEnd(req: Parameters<SyncEnv['t']['ops']['repos']['sync']>[0]) {
  const run = await env.t.ops.repos.sync(req);
  return env.t.core.jobs.wait(run.id);
}

describe('GitHub → warehouse sync', () => {
  it('a full sync stores exactly what GitHub has, nested connections paged to the end', async () => {
    const run = await syncToEnd({ repository: REPO, mode: 'full' });
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const result = run.result as { reconciliation: { ok: boolean; pullRequests: { github: number; stored: number } }; github: { requests: number } };
    expect(result.reconciliation).toMatchObject({ ok: true, pullRequests: { github: 120, stored: 120 }, issues: { github: 60, stored: 60 }, nestedGaps: 0 });
    const got = await warehouseSnapshot(env.pool, REPO);
    const want = datasetSnapshot(env.dataset, REPO);
    expect(got!.prs).toEqual(want.prs);
    expect(got!.issues).toEqual(want.issues);
    expect(got!.commits).toEqual(want.commits);
    expect(got!.releases).toEqual(want.releases);
    expect(result.reconciliation).toMatchObject({ commits: { github: want.commits.length, stored: want.commits.length }, releases: { github: want.releases.length, stored: want.releases.length } });
    // Closers as GitHub records them: people, bots (name[bot]) and deleted accounts (ghost); open issues have none.
    const closers = got!.issues.filter((i) => i.state === 'closed').map((i) => i.closed_by as string);
    expect(closers.every((c) => typeof c === 'string')).toBe(true);
    expect(closers).toContain('ghost');
    expect(closers.some((c) => c.endsWith('[bot]'))).toBe(true);
    expect(got!.issues.filter((i) => i.state === 'open').every((i) => i.closed_by === null)).toBe(true);
    // Commits GitHub cannot link to a User (bots, unknown emails) keep their git name and no author.
    expect(got!.commits.some((c) => c.author === null && String(c.author_name).endsWith('[bot]'))).toBe(true);
    // The heavy PRs really have more than 100 nested items each.
    expect(Math.max(...want.prs.map((p) => p.files?.length ?? 0))).toBeGreaterThan(100);
    expect(Math.max(...want.prs.map((p) => p.reviews?.length ?? 0))).toBeGreaterThan(100);
    // Cheap on requests: a handful per 100 PRs, not one per PR.
    expect(result.github.requests).toBeLessThan(20);
  });

  it('records the run: reconciliation, requests and points, visible through the API', async () => {
    const [row] = await env.t.ops.repos.list();
    expect(row).toMatchObject({ fullName: REPO, counts: { pullRequests: 120, issues: 60 }, lastRun: { status: 'succeeded', mode: 'full', reconciliation: { ok: true } } });
    expect(row!.lastRun!.requests).toBeGreaterThan(0);
    expect(row!.lastRun!.graphqlPoints).toBeGreaterThan(0);
    expect(row!.counts.contributors).toBeGreaterThan(5);
  });

  it('stores bot logins as GitHub shows them elsewhere (name[bot]), for authors, reviewers and commenters; the migration fixes older rows', async () => {
    const bots = env.dataset.users.filter((u) => u.type === 'Bot').map((u) => u.login);
    expect(bots.length).toBeGreaterThan(0);
    expect(bots.every((b) => b.endsWith('[bot]'))).toBe(true);
    const stored = async () => (await env.pool.query("SELECT username FROM contributors WHERE is_bot ORDER BY username")).rows.map((r) => r.username as string);
    const seen = await stored();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((u) => bots.includes(u))).toBe(true);
    // The operators' filter finds every bot, and only bots.
    const { rows: [like] } = await env.pool.query("SELECT count(*) FILTER (WHERE is_bot)::int AS bots, count(*)::int AS all FROM contributors WHERE username LIKE '%[bot]'");
    expect(like).toEqual({ bots: seen.length, all: seen.length });
    // Bots as reviewers and commenters too, not only as authors.
    const { rows: [roles] } = await env.pool.query(`SELECT
      (SELECT count(*) FROM reviews r JOIN contributors c ON c.id = r.reviewer_id WHERE c.username LIKE '%[bot]')::int AS reviews,
      (SELECT count(*) FROM comments m JOIN contributors c ON c.id = m.commenter_id WHERE c.username LIKE '%[bot]')::int AS comments`);
    expect(roles.reviews + roles.comments).toBeGreaterThan(0);
    // A warehouse synced by an earlier version (suffix dropped) is repaired by the migration.
    await env.pool.query("UPDATE contributors SET username = regexp_replace(username, '\\[bot\\]$', '') WHERE is_bot");
    expect((await stored()).some((u) => u.endsWith('[bot]'))).toBe(false);
    // Migrations apply past the latest version recorded: run this one's own SQL, as an upgrade does.
    const repair = warehouseCoreMigrations.migrations.find((m) => m.name === 'bot logins with their [bot] suffix')!;
    await env.pool.query(repair.sql);
    expect(await stored()).toEqual(seen);
  });

  it('the backfill guide’s verification SQL runs verbatim on the synced warehouse', async () => {
    const { rows: [repo] } = await env.pool.query('SELECT id FROM repositories WHERE full_name = $1', [REPO]);
    const id = repo.id as string;
    // Queries 1, 3 and 4 of aggressive-backfill-guide.md "SQL Verification Queries", verbatim but for the id.
    const coverage = `SELECT
  (SELECT COUNT(*) FROM pull_requests WHERE repository_id = 'repo-id') as prs,
  (SELECT COUNT(*) FROM issues WHERE repository_id = 'repo-id') as issues,
  (SELECT COUNT(*) FROM contributors
   WHERE id IN (
     SELECT DISTINCT author_id FROM pull_requests WHERE repository_id = 'repo-id'
   )) as contributors;`;
    const recent = `SELECT
  'PRs' as type,
  MAX(created_at) as most_recent
FROM pull_requests
WHERE repository_id = 'repo-id'
UNION ALL
SELECT
  'Issues',
  MAX(created_at)
FROM issues
WHERE repository_id = 'repo-id';`;
    const quality = `SELECT
  'PRs with null author' as issue,
  COUNT(*) as count
FROM pull_requests
WHERE repository_id = 'repo-id' AND author_id IS NULL
UNION ALL
SELECT
  'Issues with null author',
  COUNT(*)
FROM issues
WHERE repository_id = 'repo-id' AND author_id IS NULL;`;
    const run = async (sql: string) => (await env.pool.query(sql.replaceAll("'repo-id'", `'${id}'`))).rows;
    const [c] = await run(coverage);
    const authors = new Set(env.dataset.repositories[0]!.pullRequests.map((p) => p.author ?? 'ghost'));
    expect(c).toEqual({ prs: 120, issues: 60, contributors: authors.size });
    const r = await run(recent);
    const newest = (xs: { createdAt: string }[]) => new Date(Math.max(...xs.map((x) => Date.parse(x.createdAt))));
    expect(r).toEqual([
      { type: 'PRs', most_recent: newest(env.dataset.repositories[0]!.pullRequests) },
      { type: 'Issues', most_recent: newest(env.dataset.repositories[0]!.issues) },
    ]);
    expect(await run(quality)).toEqual([
      { issue: 'PRs with null author', count: 0 },
      { issue: 'Issues with null author', count: 0 },
    ]);
  });

  it('an incremental sync picks up edits to old items and new items, cheaply', async () => {
    const repo = env.dataset.repositories[0]!;
    const oldest = [...repo.pullRequests].sort((a, b) => a.number - b.number)[0]!;
    const oldIssue = [...repo.issues].sort((a, b) => a.number - b.number)[0]!;
    const later = new Date(Date.now() + 60_000).toISOString();
    editItem(env.dataset, REPO, oldest.number, { title: 'Edited long after creation' }, later);
    addIssueComment(env.dataset, REPO, oldIssue.number, 'a new comment on an old issue', null, later);
    const added = addPullRequest(env.dataset, REPO, { title: 'Brand new PR' }, later);
    // Children deleted on GitHub (a review with its comments, a comment, a file; an issue's comment) go from the warehouse too.
    const pruned = repo.pullRequests.find((p) => p.reviews.some((r) => r.comments.length) && p.comments.length && p.files.length > 1 && p.number !== oldest.number)!;
    const goneReview = pruned.reviews.find((r) => r.comments.length)!;
    pruned.reviews = pruned.reviews.filter((r) => r !== goneReview);
    pruned.comments = pruned.comments.slice(1);
    pruned.files = pruned.files.slice(0, -1);
    editItem(env.dataset, REPO, pruned.number, { title: `${pruned.title} (children deleted)` }, later);
    const prunedIssue = repo.issues.find((i) => i.comments.length && i.number !== oldIssue.number)!;
    prunedIssue.comments = prunedIssue.comments.slice(1);
    editItem(env.dataset, REPO, prunedIssue.number, { title: `${prunedIssue.title} (a comment deleted)` }, later);
    const before = (await warehouseSnapshot(env.pool, REPO))!;
    expect(before.prs.find((p) => p.number === pruned.number)!.reviews).toContain(goneReview.databaseId);
    env.emulator.resetStats();
    const run = await syncToEnd({ repository: REPO });
    expect(run.status).toBe('succeeded');
    expect((run.result as { mode: string }).mode).toBe('incremental');
    const got = await warehouseSnapshot(env.pool, REPO);
    expect(got).toEqual(datasetSnapshot(env.dataset, REPO));
    expect(got!.prs.find((p) => p.number === oldest.number)!.title).toBe('Edited long after creation');
    expect(got!.prs.find((p) => p.number === added.number)).toBeDefined();
    expect(got!.prs.find((p) => p.number === pruned.number)!.reviews).not.toContain(goneReview.databaseId);
    expect(got!.issues.find((i) => i.number === prunedIssue.number)!.comments).toEqual(datasetSnapshot(env.dataset, REPO).issues.find((i) => i.number === prunedIssue.number)!.comments);
    expect(env.emulator.stats.graphqlRequests).toBeLessThanOrEqual(6);
  });

  it('a time-range sync stores only what was created in the window and reconciles against GitHub search', async () => {
    const run = await syncToEnd({ repository: REPO, timeRangeDays: 120 });
    expect(run.status).toBe('succeeded');
    const rec = (run.result as { reconciliation: { window: { since: string | null }; pullRequests: { github: number } } }).reconciliation;
    const since = Date.parse(rec.window.since!);
    const expected = env.dataset.repositories[0]!.pullRequests.filter((p) => Date.parse(p.createdAt) >= since).length;
    expect(rec.pullRequests.github).toBe(expected);
  });

  it('a dry run reports counts, requests and points without writing', async () => {
    const before = await env.pool.query('SELECT count(*)::int AS n FROM sync_runs');
    const plan = await env.t.ops.repos.plan({ repository: REPO, mode: 'full' });
    expect(plan).toMatchObject({ repository: REPO, mode: 'full', pullRequests: env.dataset.repositories[0]!.pullRequests.length, issues: 60 });
    expect(plan.estimatedRequests).toBeGreaterThan(2);
    expect(plan.estimatedPoints).toBeGreaterThan(plan.estimatedRequests);
    expect((await env.pool.query('SELECT count(*)::int AS n FROM sync_runs')).rows[0].n).toBe(before.rows[0].n);
  });

  it('bad repository names and unknown repositories get clear errors', async () => {
    await expect(env.t.ops.repos.track({ repository: 'not a repo' })).rejects.toMatchObject({ code: 'invalid_input', message: '"not a repo" is not a repository name: use owner/name, e.g. octocat/hello-world' });
    await expect(env.t.ops.repos.track({ repository: '-bad/name' })).rejects.toMatchObject({ message: expect.stringContaining('is not a valid GitHub owner') });
    await expect(env.t.ops.repos.track({ repository: 'octo/na me' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(env.t.ops.repos.track({ repository: 'octo/does-not-exist' })).rejects.toMatchObject({ code: 'not_found', message: 'octo/does-not-exist: repository not found or token lacks access' });
    await expect(env.t.ops.repos.sync({ repository: 'octo/x', since: 'yesterday-ish' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('since: must be a date') });
    await expect(env.t.ops.repos.sync({ repository: 'octo/x', since: '2024-02-01', until: '2024-01-01' })).rejects.toMatchObject({ message: expect.stringContaining('until: must be after since') });
  });

  it('commits, releases and closers follow GitHub through incremental syncs: pushes, merged older commits, deleted releases, force pushes', async () => {
    const repo = env.dataset.repositories[0]!;
    const latest = Date.now() + 600_000;
    const at = (ms: number) => new Date(latest + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const baseline = (await syncToEnd({ repository: REPO, mode: 'full' })).status;
    expect(baseline).toBe('succeeded');
    const pushed = addCommit(env.dataset, REPO, { additions: 7, deletions: 2, author: { login: 'dev-1' } }, at(0));
    // A merge commit brings in a branch's commits with their own (old) dates, before the incremental mark.
    const merged = addCommit(env.dataset, REPO, { committedDate: '2020-02-02T00:00:00Z', additions: 1, author: { login: 'dev-2' } }, at(1000));
    const dropped = repo.releases.shift()!;
    touchDataset(env.dataset);
    const release = addRelease(env.dataset, REPO, { tagName: 'v99.0.0', author: 'dev-3' }, at(2000));
    const open = repo.issues.find((i) => i.state === 'OPEN')!;
    editItem(env.dataset, REPO, open.number, { state: 'CLOSED', closedBy: 'github-actions[bot]' }, at(3000));
    env.emulator.resetStats();
    const run = await syncToEnd({ repository: REPO });
    expect(run.status).toBe('succeeded');
    const got = await warehouseSnapshot(env.pool, REPO);
    expect(got).toEqual(datasetSnapshot(env.dataset, REPO));
    expect(got!.commits.map((c) => c.sha)).toEqual(expect.arrayContaining([pushed.oid, merged.oid]));
    expect(got!.releases.map((r) => r.tag)).toContain(release.tagName);
    expect(got!.releases.map((r) => r.tag)).not.toContain(dropped.tagName);
    expect(got!.issues.find((i) => i.number === open.number)!.closed_by).toBe('github-actions[bot]');
    const log = await env.pool.query("SELECT count(*)::int AS n FROM commits WHERE sha = $1", [merged.oid]);
    expect(log.rows[0].n).toBe(1);

    // The merged commit was found by paging from the head again, not by a whole pass.
    const pages = Math.ceil(repo.commits.length / 100);
    expect(env.emulator.stats.graphqlRequests).toBeLessThanOrEqual(8 + pages);

    // A force push removes a commit: the incremental pass sees more stored than GitHub counts, pages the whole history and drops it.
    const gone = repo.commits.splice(3, 1)[0]!;
    touchDataset(env.dataset);
    const after = await syncToEnd({ repository: REPO });
    expect(after.status).toBe('succeeded');
    expect((after.result as { reconciliation: { commits: unknown } }).reconciliation.commits).toEqual({ github: repo.commits.length, stored: repo.commits.length, match: true });
    expect((await env.pool.query('SELECT count(*)::int AS n FROM commits WHERE sha = $1', [gone.oid])).rows[0].n).toBe(0);
    expect(await warehouseSnapshot(env.pool, REPO)).toEqual(datasetSnapshot(env.dataset, REPO));
  });

  it('upgrading a warehouse synced before closers were fetched: the next incremental run pages every issue once', async () => {
    await env.pool.query("UPDATE issues SET closed_by_id = NULL");
    // A warehouse from before version 4: it and every later sync migration are still to run.
    await env.pool.query("DELETE FROM schema_migrations WHERE feature = 'sync' AND version >= 4");
    await migrateTestWarehouse(env.pool);
    const { rows } = await env.pool.query("SELECT high_water_mark FROM sync_state WHERE stream = 'issues'");
    expect(rows).toEqual([{ high_water_mark: null }]);
    const run = await syncToEnd({ repository: REPO });
    expect(run.status).toBe('succeeded');
    const got = await warehouseSnapshot(env.pool, REPO);
    expect(got!.issues).toEqual(datasetSnapshot(env.dataset, REPO).issues);
  });

  it('accepts a GitHub URL for a repository', async () => {
    const r = await env.t.ops.repos.track({ repository: `https://github.com/${REPO}.git` });
    expect(r.repository.fullName).toBe(REPO);
  });
});
