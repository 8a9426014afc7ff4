// Workspace totals against an independent reference: the rows read back and counted in plain
// TypeScript. The fixture's workspaces share a repository and people across repositories and
// roles, and hold rows without an author.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateWorkspaces } from '../../../src/main/workspaces/aggregate.ts';
import { createWarehouseFixture, type WarehouseFixture } from '../queries/warehouse-fixture.ts';

let f: WarehouseFixture;
beforeAll(async () => {
  f = await createWarehouseFixture();
}, 60_000);
afterAll(async () => {
  await f?.close();
});

interface Totals {
  name: string;
  totalRepositories: number;
  totalContributors: number;
  totalPullRequests: number;
  totalIssues: number;
}

/** What every workspace's totals should be, from the raw rows. */
async function reference(): Promise<Totals[]> {
  const q = async (sql: string) => (await f.pool.query(sql)).rows as Record<string, string | null>[];
  const links = await q('SELECT w.name, wr.repository_id FROM workspaces w LEFT JOIN workspace_repositories wr ON wr.workspace_id = w.id');
  const rows = [
    ...(await q("SELECT repository_id, author_id AS person, 'pr' AS kind FROM pull_requests")),
    ...(await q("SELECT repository_id, author_id AS person, 'issue' AS kind FROM issues")),
    ...(await q("SELECT repository_id, reviewer_id AS person, 'review' AS kind FROM reviews")),
    ...(await q("SELECT repository_id, commenter_id AS person, 'comment' AS kind FROM comments")),
  ];
  const names = [...new Set(links.map((l) => l.name!))].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return names.map((name) => {
    const repos = new Set(links.filter((l) => l.name === name && l.repository_id).map((l) => l.repository_id));
    const mine = rows.filter((r) => repos.has(r.repository_id));
    return {
      name,
      totalRepositories: repos.size,
      totalContributors: new Set(mine.filter((r) => r.person !== null).map((r) => r.person)).size,
      totalPullRequests: mine.filter((r) => r.kind === 'pr').length,
      totalIssues: mine.filter((r) => r.kind === 'issue').length,
    };
  });
}

const pick = (t: Totals[]) => t.map(({ name, totalRepositories, totalContributors, totalPullRequests, totalIssues }) => ({ name, totalRepositories, totalContributors, totalPullRequests, totalIssues })).sort((a, b) => a.name.localeCompare(b.name));

describe('workspace totals', () => {
  it('for one repository: every workspace holding it, counted over all of that workspace’s repositories', async () => {
    const expected = await reference();
    const got = await aggregateWorkspaces(f.pool, f.ids.gadgets);
    // gadgets is in Core (with widgets) and Solo; people shared between the two count once.
    expect(pick(got)).toEqual(expected.filter((w) => w.name === 'Core' || w.name === 'Solo').sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('for every workspace: the reference totals, an empty workspace at zero', async () => {
    const got = await aggregateWorkspaces(f.pool, null);
    expect(pick(got)).toEqual(pick(await reference()));
    expect(got.find((w) => w.name === 'Empty')).toMatchObject({ totalContributors: 0, totalPullRequests: 0, totalIssues: 0 });
  });
});
