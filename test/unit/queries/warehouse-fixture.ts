// A small warehouse with known contents and known defects, for the verification queries.
// Every number the tests assert follows from the plan below; timestamps are whole days
// before `now` so windows like "30 days" never depend on the time of day.
//
// acme/widgets (main):
//   PRs #1–#20; authors alice…frank round-robin, #5 and #13 without author (2 null)
//     #1–#12 merged (#12 without merged_at), #13–#16 closed, #17–#20 open
//     #1–#12 embedded (60 %): #3 updated after embedding, #4 vector length 4 ≠ 8, #6 model ada-002;
//       #15 has a content_hash but no embedding; #11, #12 embedded 2 days ago
//     files: (n % 3) + 1 each for #1–#17 (35 rows); #2 claims 5 changed files; #18 (0), #19 (2), #20 (null) have none
//   issues #20–#29 (10; #20 shares its number with PR #20), #22 without author; #21–#24 embedded (40 %)
//     #21–#26 closed (#26 without closed_at), others open; #24 embedded 1 day ago
//   reviews: grace + heidi on #1–#10 (20; one of #7's has no reviewer) + 1 on #1 filed under acme/gadgets
//   comments (19): 5 on PRs #1–#5, 3 review comments on #1–#3, 1 review comment without review (#4),
//     1 review comment on #5 linked to #6's review, 5 on issues #21–#25, 1 repeat of #21's,
//     1 attached to nothing, 1 without commenter (#26), 1 on acme/gadgets' PR #1
// acme/gadgets: PRs #1–#5 (grace, heidi, ivan, judy, alice; 2 files each), issues #6–#8 (bob, carol, dave)
// acme/empty: nothing; its previous_names holds "acme/gadgets" (tracked twice)
// contributors: 14 (ghost, Dup and dup have no activity; Dup/dup share a username)
// workspaces: Core (widgets + gadgets; total_pull_requests 24 is stale: 25), Solo (gadgets), Empty (empty)
// sync runs of widgets: succeeded 120 days ago, incomplete 2 days ago (GitHub 21 PRs, stored 20),
//   failed 1 day ago, running since 3 hours; gadgets: succeeded 10 days ago
// embedding_costs: widgets 2 h ago (1,200 tokens, 12 items) and 30 h ago (300); gadgets 1 h ago (500, ada-002)
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { migrateTestWarehouse, warehousePool } from '../../helpers/warehouse.ts';

export interface FixtureIds {
  widgets: string;
  gadgets: string;
  empty: string;
  contributors: Record<string, string>;
  /** PR ids of acme/widgets by number. */
  widgetPrs: Record<number, string>;
}

export interface WarehouseFixture {
  url: string;
  pool: pg.Pool;
  ids: FixtureIds;
  now: Date;
  /** Row counts of every warehouse table (to prove nothing changed). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export const WAREHOUSE_TABLES = ['repositories', 'contributors', 'pull_requests', 'issues', 'reviews', 'comments', 'pr_files', 'workspaces', 'workspace_repositories', 'sync_state', 'sync_runs', 'embedding_costs'];

type Rec = Record<string, unknown>;

// Only the columns the rows name are inserted, so the others keep their defaults.
async function insert(client: pg.ClientBase, table: string, rows: Rec[]): Promise<void> {
  if (!rows.length) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].join(', ');
  await client.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${table}, $1)`, [JSON.stringify(rows)]);
}

/** Fills an empty, migrated warehouse with the plan above. */
export async function fillWarehouse(pool: pg.Pool, now = new Date()): Promise<FixtureIds> {
  const ago = (days: number, plusHours = 0) => new Date(now.getTime() - days * 86_400_000 + plusHours * 3_600_000).toISOString();
  const vector = (n: number, len = 8) => Array.from({ length: len }, (_, i) => Math.round(Math.sin(n * 10 + i) * 1000) / 1000);
  let gid = 1000;
  const githubId = () => ++gid;

  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'renovate[bot]', 'ghost', 'Dup', 'dup'];
  const people: Record<string, string> = Object.fromEntries(names.map((n) => [n, randomUUID()]));
  const contributors = names.map((n) => ({ id: people[n], github_id: githubId(), username: n, is_bot: n.endsWith('[bot]'), is_ghost: n === 'ghost', created_at: ago(60), updated_at: ago(60) }));

  const repo = (owner: string, name: string, lastSynced: string | null, previous: string[] = []) => ({
    id: randomUUID(), github_id: githubId(), owner, name, full_name: `${owner}/${name}`, previous_names: previous, default_branch: 'main', created_at: ago(90), updated_at: ago(1), last_synced_at: lastSynced,
  });
  const widgets = repo('acme', 'widgets', ago(0, -1));
  const gadgets = repo('acme', 'gadgets', ago(10));
  const empty = repo('acme', 'empty', null, ['acme/gadgets']);

  const prs: Rec[] = [];
  const widgetPrs: Record<number, string> = {};
  const prAuthors = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  for (let n = 1; n <= 20; n++) {
    const created = 40 - n;
    const merged = n <= 12;
    const closed = n <= 16;
    const embedded = n <= 12;
    const files = n <= 17 ? (n % 3) + 1 : 0;
    const id = randomUUID();
    widgetPrs[n] = id;
    prs.push({
      id, github_id: githubId(), repository_id: widgets.id, number: n, title: `Widget change ${n}`, body: n % 2 ? `Body of PR ${n}` : null,
      state: closed ? 'closed' : 'open', merged, draft: false,
      author_id: n === 5 || n === 13 ? null : people[prAuthors[(n - 1) % 6]!],
      changed_files: n === 2 ? 5 : n === 18 ? 0 : n === 19 ? 2 : n === 20 ? null : files,
      additions: 10 * n, deletions: n, labels: n % 4 === 0 ? ['bug'] : [],
      created_at: ago(created), updated_at: n === 3 ? ago(created, 72) : ago(created, 2),
      closed_at: closed ? ago(created, 24) : null, merged_at: merged && n !== 12 ? ago(created, 24) : null,
      embedding: embedded ? vector(n, n === 4 ? 4 : 8) : null,
      content_hash: embedded || n === 15 ? `hash-${n}` : null,
      embedding_generated_at: embedded ? (n >= 11 ? ago(2) : ago(created, 48)) : null,
      embedding_model: embedded ? (n === 6 ? 'text-embedding-ada-002' : 'text-embedding-3-small') : null,
      embedding_dimensions: embedded ? 8 : null,
    });
  }
  const gadgetPrIds: string[] = [];
  ['grace', 'heidi', 'ivan', 'judy', 'alice'].forEach((author, i) => {
    const n = i + 1;
    const id = randomUUID();
    gadgetPrIds.push(id);
    prs.push({ id, github_id: githubId(), repository_id: gadgets.id, number: n, title: `Gadget change ${n}`, body: 'x', state: 'open', merged: false, draft: false, author_id: people[author], changed_files: 2, labels: [], created_at: ago(10 - n), updated_at: ago(10 - n, 1) });
  });

  const issues: Rec[] = [];
  const issueIds: Record<number, string> = {};
  const issueAuthors = ['alice', 'bob', 'carol', 'dave'];
  for (const n of [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]) {
    const created = 35 - (n - 20);
    const closed = n >= 21 && n <= 26;
    const embedded = n >= 21 && n <= 24;
    const id = randomUUID();
    issueIds[n] = id;
    issues.push({
      id, github_id: githubId(), repository_id: widgets.id, number: n, title: `Widget issue ${n}`, body: `Details ${n}`, state: closed ? 'closed' : 'open',
      author_id: n === 22 ? null : people[issueAuthors[n % 4]!], labels: [], comments_count: 0,
      created_at: ago(created), updated_at: ago(created, 3), closed_at: closed && n !== 26 ? ago(created, 24) : null,
      embedding: embedded ? vector(100 + n) : null, content_hash: embedded ? `issue-hash-${n}` : null,
      embedding_generated_at: embedded ? (n === 24 ? ago(1) : ago(created, 48)) : null, embedding_model: embedded ? 'text-embedding-3-small' : null, embedding_dimensions: embedded ? 8 : null,
    });
  }
  ['bob', 'carol', 'dave'].forEach((author, i) => {
    issues.push({ id: randomUUID(), github_id: githubId(), repository_id: gadgets.id, number: 6 + i, title: `Gadget issue ${6 + i}`, state: 'open', author_id: people[author], labels: [], comments_count: 0, created_at: ago(8 - i), updated_at: ago(8 - i, 1) });
  });

  const files: Rec[] = [];
  for (let n = 1; n <= 17; n++) for (let f = 0; f < (n % 3) + 1; f++) files.push({ pull_request_id: widgetPrs[n], path: `src/widget-${n}/file-${f}.ts`, additions: 5, deletions: 1, change_type: 'modified' });
  for (const id of gadgetPrIds) for (let f = 0; f < 2; f++) files.push({ pull_request_id: id, path: `lib/gadget-${f}.ts`, additions: 1, deletions: 0, change_type: 'added' });

  const reviews: Rec[] = [];
  const graceReview: Record<number, string> = {};
  for (let n = 1; n <= 10; n++) {
    const created = 40 - n;
    for (const reviewer of ['grace', 'heidi']) {
      const id = randomUUID();
      if (reviewer === 'grace') graceReview[n] = id;
      reviews.push({ id, github_id: githubId(), pull_request_id: widgetPrs[n], repository_id: widgets.id, reviewer_id: n === 7 && reviewer === 'heidi' ? null : people[reviewer], state: reviewer === 'grace' ? 'APPROVED' : 'COMMENTED', body: 'lgtm', submitted_at: ago(created, 12), created_at: ago(created, 12), updated_at: ago(created, 12) });
    }
  }
  reviews.push({ id: randomUUID(), github_id: githubId(), pull_request_id: widgetPrs[1], repository_id: gadgets.id, reviewer_id: people.grace, state: 'APPROVED', submitted_at: ago(39, 13), created_at: ago(39, 13), updated_at: ago(39, 13) });

  const comments: Rec[] = [];
  const comment = (c: Rec) => comments.push({ id: randomUUID(), github_id: githubId(), repository_id: widgets.id, body: 'A comment', updated_at: c.created_at, ...c });
  for (let n = 1; n <= 5; n++) comment({ comment_type: 'issue_comment', pull_request_id: widgetPrs[n], commenter_id: people.ivan, created_at: ago(40 - n, 1) });
  for (let n = 1; n <= 3; n++) comment({ comment_type: 'review_comment', pull_request_id: widgetPrs[n], review_id: graceReview[n], commenter_id: people.judy, path: 'src/a.ts', created_at: ago(40 - n, 13) });
  comment({ comment_type: 'review_comment', pull_request_id: widgetPrs[4], review_id: null, commenter_id: people.judy, path: 'src/b.ts', created_at: ago(36, 13) });
  comment({ comment_type: 'review_comment', pull_request_id: widgetPrs[5], review_id: graceReview[6], commenter_id: people.judy, path: 'src/c.ts', created_at: ago(35, 13) });
  for (let n = 21; n <= 25; n++) comment({ comment_type: 'issue_comment', issue_id: issueIds[n], commenter_id: people.judy, body: `On issue ${n}`, created_at: ago(35 - (n - 20), 5) });
  comment({ comment_type: 'issue_comment', issue_id: issueIds[21], commenter_id: people.judy, body: 'On issue 21', created_at: ago(34, 5) });
  comment({ comment_type: 'issue_comment', commenter_id: people['renovate[bot]'], created_at: ago(3) });
  comment({ comment_type: 'issue_comment', issue_id: issueIds[26], commenter_id: null, created_at: ago(28, 5) });
  comment({ comment_type: 'issue_comment', pull_request_id: gadgetPrIds[0], commenter_id: people.ivan, created_at: ago(9, 2) });

  const ws = (name: string, slug: string, totals: number[]) => ({
    id: randomUUID(), name, slug, total_repositories: totals[0], total_contributors: totals[1], total_pull_requests: totals[2], total_issues: totals[3], last_aggregated_at: ago(1), created_at: ago(30), updated_at: ago(1),
  });
  const core = ws('Core', 'core', [2, 10, 24, 13]);
  const solo = ws('Solo', 'solo', [1, 8, 5, 3]);
  const emptyWs = ws('Empty', 'empty-ws', [1, 0, 0, 0]);
  const membership = [
    [core.id, widgets.id], [core.id, gadgets.id], [solo.id, gadgets.id], [emptyWs.id, empty.id],
  ].map(([workspace_id, repository_id]) => ({ workspace_id, repository_id, added_at: ago(30) }));

  const recon = (prsGithub: number, prsStored: number) => ({
    window: { since: null, until: null }, pullRequests: { github: prsGithub, stored: prsStored, match: prsGithub === prsStored }, issues: { github: 10, stored: 10, match: true }, nestedGaps: 0, ok: prsGithub === prsStored, checkedAt: ago(2, 1),
  });
  const run = (repository: string, status: string, startedDaysAgo: number, extra: Rec = {}) => ({
    id: randomUUID(), repository_id: repository, mode: 'full', status, started_at: ago(startedDaysAgo), finished_at: status === 'running' ? null : ago(startedDaysAgo, 0.1), requests: 40, graphql_points: 80, rows_written: 120, counts: {}, ...extra,
  });
  const runs = [
    run(widgets.id, 'succeeded', 120, { reconciliation: recon(18, 18) }),
    run(widgets.id, 'incomplete', 2, { reconciliation: recon(21, 20) }),
    run(widgets.id, 'failed', 1, { error: 'GitHub rate limit exhausted' }),
    run(widgets.id, 'running', 0.125),
    run(gadgets.id, 'succeeded', 10, { reconciliation: { ...recon(5, 5), issues: { github: 3, stored: 3, match: true } } }),
  ];
  const syncState = [
    { repository_id: widgets.id, stream: 'pull_requests', mode: 'full', pages: 1, rows: 20, done: true, high_water_mark: ago(2), updated_at: ago(2) },
    { repository_id: widgets.id, stream: 'issues', mode: 'full', cursor: 'Y3Vyc29yOjEw', pages: 1, rows: 10, done: false, updated_at: ago(2) },
  ];

  const cost = (repository: string, model: string, tokens: number, items: number, hoursAgo: number) => ({
    run_id: randomUUID(), repository_id: repository, model, dimensions: 8, requests: 1, input_tokens: tokens, items, usd: tokens * 0.00000002, started_at: ago(0, -hoursAgo), updated_at: ago(0, -hoursAgo),
  });
  const costs = [cost(widgets.id, 'text-embedding-3-small', 1200, 12, 2), cost(widgets.id, 'text-embedding-3-small', 300, 3, 30), cost(gadgets.id, 'text-embedding-ada-002', 500, 5, 1)];

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insert(client, 'contributors', contributors);
    await insert(client, 'repositories', [widgets, gadgets, empty]);
    await insert(client, 'pull_requests', prs);
    await insert(client, 'issues', issues);
    await insert(client, 'pr_files', files);
    await insert(client, 'reviews', reviews);
    await insert(client, 'comments', comments);
    await insert(client, 'workspaces', [core, solo, emptyWs]);
    await insert(client, 'workspace_repositories', membership);
    await insert(client, 'sync_runs', runs);
    await insert(client, 'sync_state', syncState);
    await insert(client, 'embedding_costs', costs);
    await client.query('COMMIT');
    // Planner statistics, as a real warehouse has them (pg_stats, bloat estimate).
    await client.query(`ANALYZE ${WAREHOUSE_TABLES.join(', ')}`);
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  return { widgets: widgets.id, gadgets: gadgets.id, empty: empty.id, contributors: people, widgetPrs };
}

export async function countRows(pool: pg.Pool): Promise<Record<string, number>> {
  const sql = WAREHOUSE_TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ');
  return (await pool.query(`SELECT ${sql}`)).rows[0];
}

/** A fresh database on the test server, migrated and filled. */
export async function createWarehouseFixture(): Promise<WarehouseFixture> {
  const db = await createTestDatabase('queries');
  const pool = warehousePool(db.url, 4);
  try {
    await migrateTestWarehouse(pool);
    const now = new Date();
    const ids = await fillWarehouse(pool, now);
    return {
      url: db.url,
      pool,
      ids,
      now,
      counts: () => countRows(pool),
      async close() {
        await pool.end();
        await db.drop();
      },
    };
  } catch (e) {
    await pool.end();
    await db.drop();
    throw e;
  }
}
