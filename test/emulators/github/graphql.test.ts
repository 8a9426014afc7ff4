import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, PullRequest } from './dataset.ts';
import { addCommit } from './mutate.ts';
import { gql, OWNER, REPO, smallDataset } from './fixtures.ts';
import type { GraphQLResponse } from './fixtures.ts';
import { DEFAULT_TOKEN_SPEC } from './options.ts';
import { startGitHubEmulator } from './server.ts';
import type { GitHubEmulator } from './server.ts';

let ds: Dataset;
let emu: GitHubEmulator;
const LIMITED = 'ghp_noRepoScope000000000000000000000000000';

beforeAll(async () => {
  ds = smallDataset();
  emu = await startGitHubEmulator({ dataset: ds, tokens: [DEFAULT_TOKEN_SPEC, { token: LIMITED, login: 'reader', scopes: ['read:org'] }] });
});
afterAll(() => emu.close());

const repo = () => ds.repositories[0];
const heavy = (): PullRequest => repo().pullRequests.find((p) => p.reviews.length > 100)!;

const PR_PAGE = `query($owner: String!, $name: String!, $first: Int, $last: Int, $after: String, $before: String, $order: IssueOrder, $states: [PullRequestState!]) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, last: $last, after: $after, before: $before, orderBy: $order, states: $states) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { number updatedAt } }
    }
  }
}`;

interface PrPage {
  repository: { pullRequests: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string }; edges: Array<{ cursor: string; node: { number: number; updatedAt: string } }> } };
}

async function allPrNumbers(vars: Record<string, unknown>, backwards = false): Promise<number[]> {
  const out: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: Record<string, unknown> = { owner: OWNER, name: REPO, ...vars, ...(backwards ? { last: 27, before: cursor } : { first: 27, after: cursor }) };
    const res: GraphQLResponse<PrPage> = await gql<PrPage>(emu, PR_PAGE, page);
    expect(res.body.errors).toBeUndefined();
    const c: PrPage['repository']['pullRequests'] = res.body.data!.repository.pullRequests;
    const numbers = c.edges.map((e) => e.node.number);
    if (backwards) out.unshift(...numbers);
    else out.push(...numbers);
    if (!(backwards ? c.pageInfo.hasPreviousPage : c.pageInfo.hasNextPage)) return out;
    cursor = backwards ? c.pageInfo.startCursor : c.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('GraphQL repository and connections', () => {
  it('serves repository fields', async () => {
    const res = await gql(emu, `{
      viewer { login }
      repository(owner: "acme", name: "widgets") {
        id databaseId name nameWithOwner owner { login } url description isPrivate isArchived stargazerCount forkCount
        createdAt updatedAt pushedAt defaultBranchRef { name } primaryLanguage { name }
      }
    }`);
    const r = repo();
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      viewer: { login: 'octo-emulator' },
      repository: {
        id: r.id, databaseId: r.databaseId, name: 'widgets', nameWithOwner: 'acme/widgets', owner: { login: 'acme' }, url: 'https://github.com/acme/widgets',
        description: r.description, isPrivate: false, isArchived: false, stargazerCount: r.stargazerCount, forkCount: r.forkCount, createdAt: r.createdAt,
        updatedAt: r.updatedAt, pushedAt: r.pushedAt, defaultBranchRef: { name: 'main' }, primaryLanguage: r.primaryLanguage ? { name: r.primaryLanguage } : null,
      },
    });
  });

  it('paginates pull requests forwards and backwards in a stable order with opaque cursors', async () => {
    const expected = repo().pullRequests.slice().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.databaseId - b.databaseId).map((p) => p.number);
    expect(await allPrNumbers({})).toEqual(expected);
    expect(await allPrNumbers({}, true)).toEqual(expected);
    const first = await gql<PrPage>(emu, PR_PAGE, { owner: OWNER, name: REPO, first: 3 });
    const cursor = first.body.data!.repository.pullRequests.edges[0].cursor;
    expect(cursor).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(Number.isNaN(Number(cursor))).toBe(true);
    expect((await gql(emu, PR_PAGE, { owner: OWNER, name: REPO, first: 3 })).body).toEqual(first.body);
  });

  it('orders by UPDATED_AT and filters by state', async () => {
    const desc = await allPrNumbers({ order: { field: 'UPDATED_AT', direction: 'DESC' } });
    const expected = repo().pullRequests.slice().sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.databaseId - a.databaseId).map((p) => p.number);
    expect(desc).toEqual(expected);
    const merged = await gql<PrPage>(emu, PR_PAGE, { owner: OWNER, name: REPO, first: 1, states: ['MERGED'] });
    expect(merged.body.data!.repository.pullRequests.totalCount).toBe(repo().pullRequests.filter((p) => p.state === 'MERGED').length);
  });

  it('filters issues by since and returns them oldest-updated first', async () => {
    const since = repo().issues.map((i) => i.updatedAt).sort()[40];
    const res = await gql<{ repository: { issues: { totalCount: number; nodes: Array<{ number: number; updatedAt: string; author: { login: string } | null }> } } }>(emu, `
      query($since: DateTime) { repository(owner: "acme", name: "widgets") {
        issues(first: 100, filterBy: { since: $since }, orderBy: { field: UPDATED_AT, direction: ASC }) { totalCount nodes { number updatedAt author { login } } }
      } }`, { since });
    const want = repo().issues.filter((i) => i.updatedAt >= since).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.databaseId - b.databaseId);
    expect(res.body.data!.repository.issues.totalCount).toBe(want.length);
    expect(res.body.data!.repository.issues.nodes.map((n) => n.number)).toEqual(want.map((i) => i.number));
  });

  it('pages nested connections of a heavy pull request to the end via node()', async () => {
    const pr = heavy();
    type Conn<T> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: T[] };
    type Review = { id: string; databaseId: number; comments: Conn<{ databaseId: number }> };
    const first = await gql<{ repository: { pullRequest: { id: string; reviews: Conn<Review>; comments: Conn<{ databaseId: number }>; files: Conn<{ path: string }>; labels: Conn<{ name: string }> } } }>(emu, `
      query($n: Int!) { repository(owner: "acme", name: "widgets") { pullRequest(number: $n) {
        id
        reviews(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id databaseId comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { databaseId } } } }
        comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { databaseId } }
        files(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { path } }
        labels(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { name } }
      } } }`, { n: pr.number });
    expect(first.body.errors).toBeUndefined();
    const p = first.body.data!.repository.pullRequest;

    // Follow-up pagination of one connection of a node, GitHub-style.
    async function rest<T>(id: string, type: string, field: string, conn: Conn<T>, select: string): Promise<T[]> {
      const out = [...conn.nodes];
      let page = conn;
      while (page.pageInfo.hasNextPage) {
        const res = await gql<{ node: Record<string, Conn<T>> }>(emu, `query($id: ID!, $after: String) { node(id: $id) { ... on ${type} {
          ${field}(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${select} } } } } }`, { id, after: page.pageInfo.endCursor });
        expect(res.body.errors).toBeUndefined();
        page = res.body.data!.node[field];
        out.push(...page.nodes);
      }
      expect(out).toHaveLength(conn.totalCount);
      return out;
    }
    const reviews = await rest(p.id, 'PullRequest', 'reviews', p.reviews, 'id databaseId comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { databaseId } }');
    expect(reviews.map((r) => r.databaseId)).toEqual(pr.reviews.map((r) => r.databaseId));
    for (const r of reviews) {
      const comments = await rest(r.id, 'PullRequestReview', 'comments', r.comments, 'databaseId');
      expect(comments.map((c) => c.databaseId)).toEqual(pr.reviews.find((x) => x.databaseId === r.databaseId)!.comments.map((c) => c.databaseId));
    }
    expect(pr.reviews.some((r) => r.comments.length > 100)).toBe(true);
    expect((await rest(p.id, 'PullRequest', 'comments', p.comments, 'databaseId')).map((c) => c.databaseId)).toEqual(pr.comments.map((c) => c.databaseId));
    expect((await rest(p.id, 'PullRequest', 'files', p.files, 'path')).map((f) => f.path)).toEqual(pr.files.map((f) => f.path));
    expect(p.labels.nodes.map((l) => l.name)).toEqual(pr.labels);
  });

  it('renders bots, users and deleted users like GitHub', async () => {
    const bot = repo().pullRequests.find((p) => p.author === 'dependabot[bot]')!;
    const ghost = [...repo().pullRequests].find((p) => p.author === null)!;
    const human = repo().pullRequests.find((p) => p.author?.startsWith('dev-'))!;
    const q = `query($a: Int!, $b: Int!, $c: Int!) { repository(owner: "acme", name: "widgets") {
      a: pullRequest(number: $a) { ...Who } b: pullRequest(number: $b) { ...Who } c: pullRequest(number: $c) { ...Who } } }
      fragment Who on PullRequest { author { __typename login avatarUrl ... on User { databaseId } ... on Bot { databaseId } } }`;
    const res = await gql<{ repository: Record<string, { author: unknown }> }>(emu, q, { a: bot.number, b: ghost.number, c: human.number });
    const r = res.body.data!.repository;
    expect(r.a.author).toEqual({ __typename: 'Bot', login: 'dependabot', avatarUrl: expect.stringContaining('49699333'), databaseId: 49699333 });
    expect(r.b.author).toBeNull();
    expect(r.c.author).toMatchObject({ __typename: 'User', login: human.author, databaseId: ds.users.find((u) => u.login === human.author)!.databaseId });
  });

  it('returns the PR fields a sync needs', async () => {
    const pr = repo().pullRequests.find((p) => p.state === 'MERGED' && p.files.length > 1)!;
    const res = await gql<{ repository: { pullRequest: Record<string, unknown> } }>(emu, `query($n: Int!) { repository(owner: "acme", name: "widgets") { pullRequest(number: $n) {
      id databaseId number title body state isDraft createdAt updatedAt closedAt mergedAt merged url additions deletions changedFiles
    } } }`, { n: pr.number });
    expect(res.body.data!.repository.pullRequest).toEqual({
      id: pr.id, databaseId: pr.databaseId, number: pr.number, title: pr.title, body: pr.body, state: 'MERGED', isDraft: false, createdAt: pr.createdAt,
      updatedAt: pr.updatedAt, closedAt: pr.closedAt, mergedAt: pr.mergedAt, merged: true, url: `https://github.com/acme/widgets/pull/${pr.number}`,
      additions: pr.files.reduce((s, f) => s + f.additions, 0), deletions: pr.files.reduce((s, f) => s + f.deletions, 0), changedFiles: pr.files.length,
    });
  });

  it('resolves node and nodes, with NOT_FOUND entries for unknown ids', async () => {
    const pr = repo().pullRequests[0];
    const issue = repo().issues[0];
    const res = await gql<{ nodes: Array<{ __typename: string; number?: number } | null> }>(emu, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on PullRequest { number } ... on Issue { number } } }`, { ids: [pr.id, issue.id, 'PR_nope'] });
    expect(res.body.data!.nodes).toEqual([{ __typename: 'PullRequest', number: pr.number }, { __typename: 'Issue', number: issue.number }, null]);
    expect(res.body.errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', path: ['nodes', 2] })]);
    const many = await gql(emu, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, () => pr.id) });
    expect(many.body.errors?.[0]).toMatchObject({ type: 'ARGUMENT_LIMIT', message: 'You may not provide more than 100 node ids; you provided 101.' });
  });
});

const HISTORY = `query($owner: String!, $name: String!, $first: Int!, $after: String, $since: GitTimestamp) {
  repository(owner: $owner, name: $name) { defaultBranchRef { name target { __typename ... on Commit {
    history(first: $first, after: $after, since: $since) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { oid committedDate authoredDate additions deletions messageHeadline author { name email user { __typename login databaseId } } }
    } } } } }
}`;

interface HistoryCommit { oid: string; committedDate: string; additions: number; deletions: number; author: { name: string; email: string; user: { login: string; databaseId: number } | null } }
interface HistoryPage { repository: { defaultBranchRef: { target: { __typename: string; history: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: HistoryCommit[] } } } } }

async function historyPages(e: GitHubEmulator, vars: Record<string, unknown>, between?: () => void): Promise<{ nodes: HistoryCommit[]; totals: number[] }> {
  const nodes: HistoryCommit[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const res: GraphQLResponse<HistoryPage> = await gql<HistoryPage>(e, HISTORY, { owner: OWNER, name: REPO, first: 25, after, ...vars });
    expect(res.body.errors).toBeUndefined();
    const h: HistoryPage['repository']['defaultBranchRef']['target']['history'] = res.body.data!.repository.defaultBranchRef.target.history;
    nodes.push(...h.nodes);
    totals.push(h.totalCount);
    if (!h.pageInfo.hasNextPage) return { nodes, totals };
    after = h.pageInfo.endCursor;
    between?.();
  }
  throw new Error('history did not end');
}

describe('GraphQL commits, releases and closing events', () => {
  it('pages the default branch history newest first, with authors as GitHub links them', async () => {
    const commits = repo().commits;
    const { nodes, totals } = await historyPages(emu, {});
    expect(nodes.map((c) => c.oid)).toEqual(commits.map((c) => c.oid).reverse());
    expect(new Set(totals)).toEqual(new Set([commits.length]));
    const byOid = new Map(nodes.map((c) => [c.oid, c]));
    for (const c of commits) {
      const got = byOid.get(c.oid)!;
      expect(got).toMatchObject({ committedDate: c.committedDate, additions: c.additions, deletions: c.deletions, author: { name: c.author.name, email: c.author.email } });
      const user = c.author.login ? ds.users.find((u) => u.login === c.author.login) : undefined;
      // GitActor.user is a User: bots and unlinkable emails read null.
      expect(got.author.user).toEqual(user?.type === 'User' ? { __typename: 'User', login: user.login, databaseId: user.databaseId } : null);
    }
    expect(commits.some((c) => c.author.login?.endsWith('[bot]'))).toBe(true);
    expect(nodes.some((c) => c.author.user === null)).toBe(true);
  });

  it('filters history by committed date and keeps its cursor when commits are pushed between pages', async () => {
    const local = smallDataset(7);
    const e = await startGitHubEmulator({ dataset: local });
    try {
      const commits = local.repositories[0].commits;
      const since = commits[Math.floor(commits.length / 2)].committedDate;
      const { nodes, totals } = await historyPages(e, { since });
      const expected = commits.filter((c) => c.committedDate >= since).map((c) => c.oid).reverse();
      expect(nodes.map((c) => c.oid)).toEqual(expected);
      expect(totals[0]).toBe(expected.length);
      // A push while paging: the cursor names the commit the history started from, so nothing repeats or goes missing.
      let pushed = '';
      const paged = await historyPages(e, {}, () => {
        if (!pushed) pushed = addCommit(local, `${OWNER}/${REPO}`, { additions: 3 }).oid;
      });
      expect(paged.nodes.map((c) => c.oid)).toEqual(commits.filter((c) => c.oid !== pushed).map((c) => c.oid).reverse());
      const fresh = await historyPages(e, {});
      expect(fresh.nodes[0].oid).toBe(pushed);
      expect(fresh.nodes).toHaveLength(commits.length);
      const bad = await gql(e, HISTORY, { owner: OWNER, name: REPO, first: 5, after: 'not a cursor' });
      expect(bad.body.errors?.[0]).toMatchObject({ type: 'INVALID_CURSOR_ARGUMENTS' });
    } finally {
      await e.close();
    }
  });

  it('lists releases with drafts, prereleases and deleted authors', async () => {
    type Rel = { databaseId: number; tagName: string; isDraft: boolean; isPrerelease: boolean; createdAt: string; publishedAt: string | null; author: { login: string; databaseId: number } | null };
    const res = await gql<{ repository: { releases: { totalCount: number; nodes: Rel[] } } }>(emu, `{ repository(owner: "acme", name: "widgets") {
      releases(first: 2, orderBy: { field: CREATED_AT, direction: ASC }) { totalCount pageInfo { hasNextPage endCursor } nodes { databaseId tagName } } } }`);
    expect(res.body.data!.repository.releases.totalCount).toBe(repo().releases.length);
    const all = await gql<{ repository: { releases: { nodes: Rel[] } } }>(emu, `{ repository(owner: "acme", name: "widgets") {
      releases(first: 100, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { databaseId tagName isDraft isPrerelease createdAt publishedAt updatedAt url author { login databaseId } } } } }`);
    const nodes = all.body.data!.repository.releases.nodes;
    const expected = repo().releases.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    expect(nodes.map((r) => r.databaseId)).toEqual(expected.map((r) => r.databaseId));
    for (const [i, r] of expected.entries()) {
      expect(nodes[i]).toMatchObject({ tagName: r.tagName, isDraft: r.isDraft, publishedAt: r.publishedAt, author: r.author ? { login: r.author } : null });
    }
    expect(nodes.some((r) => r.author === null)).toBe(true);
    expect(nodes.some((r) => r.isDraft && r.publishedAt === null)).toBe(true);
  });

  it('serves who closed each issue as its last ClosedEvent, bots and deleted users included', async () => {
    type Actor = { __typename: string; login: string; databaseId?: number } | null;
    const q = `query($after: String) { rateLimit { cost } repository(owner: "acme", name: "widgets") { issues(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes {
      number state timelineItems(itemTypes: [CLOSED_EVENT], last: 1) { totalCount nodes { __typename ... on ClosedEvent { createdAt stateReason actor { __typename login ... on User { databaseId } ... on Bot { databaseId } } } } }
    } } } }`;
    const res = await gql<{ rateLimit: { cost: number }; repository: { issues: { nodes: Array<{ number: number; state: string; timelineItems: { totalCount: number; nodes: Array<{ __typename: string; createdAt: string; actor: Actor }> } }> } } }>(emu, q);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.rateLimit.cost).toBe(1); // 1 + 100 connection requests
    const got = new Map(res.body.data!.repository.issues.nodes.map((n) => [n.number, n.timelineItems]));
    for (const issue of repo().issues) {
      const t = got.get(issue.number)!;
      if (issue.state === 'OPEN') {
        expect(t).toEqual({ totalCount: 0, nodes: [] });
        continue;
      }
      expect(t.nodes).toHaveLength(1);
      expect(t.nodes[0]).toMatchObject({ __typename: 'ClosedEvent', createdAt: issue.closedAt });
      const who = issue.closedBy === null ? null : ds.users.find((u) => u.login === issue.closedBy)!;
      expect(t.nodes[0].actor).toEqual(who === null ? null : { __typename: who.type, login: who.login.replace(/\[bot\]$/, ''), databaseId: who.databaseId });
    }
    const closers = repo().issues.filter((i) => i.state === 'CLOSED').map((i) => i.closedBy);
    expect(closers).toContain(null);
    expect(closers.some((c) => c?.endsWith('[bot]'))).toBe(true);
    // Without itemTypes the timeline also holds the comments, oldest first.
    const withComments = repo().issues.find((i) => i.state === 'CLOSED' && i.comments.length > 0)!;
    const all = await gql<{ repository: { issue: { timelineItems: { nodes: Array<{ __typename: string }> } } } }>(emu, `query($n: Int!) { repository(owner: "acme", name: "widgets") {
      issue(number: $n) { timelineItems(first: 100) { nodes { __typename } } } } }`, { n: withComments.number });
    expect(all.body.data!.repository.issue.timelineItems.nodes.map((n) => n.__typename)).toEqual([...withComments.comments.map(() => 'IssueComment'), 'ClosedEvent']);
  });
});

describe('GraphQL search', () => {
  type Search = { search: { issueCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<{ number: number; createdAt: string }> } };
  const SEARCH = `query($q: String!, $after: String) { search(query: $q, type: ISSUE, first: 100, after: $after) {
    issueCount pageInfo { hasNextPage endCursor } nodes { ... on PullRequest { number createdAt } ... on Issue { number createdAt } } } }`;

  async function searchAll(q: string): Promise<{ count: number; numbers: number[] }> {
    const numbers: number[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse<Search> = await gql<Search>(emu, SEARCH, { q, after });
      expect(res.body.errors).toBeUndefined();
      const s = res.body.data!.search;
      numbers.push(...s.nodes.map((n) => n.number));
      if (!s.pageInfo.hasNextPage) return { count: s.issueCount, numbers };
      after = s.pageInfo.endCursor;
    }
  }

  it('counts and lists items in created/updated windows', async () => {
    const prs = repo().pullRequests;
    const sorted = prs.map((p) => p.createdAt).sort();
    const from = sorted[20].slice(0, 10);
    const to = sorted[90].slice(0, 10);
    const inRange = prs.filter((p) => p.createdAt >= `${from}T00:00:00Z` && p.createdAt <= `${to}T23:59:59Z`);
    const r = await searchAll(`repo:acme/widgets is:pr created:${from}..${to} sort:created-asc`);
    expect(r.count).toBe(inRange.length);
    expect(r.numbers).toEqual(inRange.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((p) => p.number));

    const t = repo().issues.map((i) => i.updatedAt).sort()[30];
    const cases: Array<[string, (u: string) => boolean]> = [[`>=${t}`, (u) => u >= t], [`>${t}`, (u) => u > t], [`<=${t}`, (u) => u <= t], [`<${t}`, (u) => u < t]];
    for (const [q, f] of cases) {
      expect((await searchAll(`repo:acme/widgets is:issue updated:${q}`)).count).toBe(repo().issues.filter((i) => f(i.updatedAt)).length);
    }
    const both = await searchAll('repo:acme/widgets');
    expect(both.count).toBe(200);
    expect(new Set(both.numbers).size).toBe(200);
  });

  it('caps reachable results at 1,000 while issueCount reports all', async () => {
    const big = await startGitHubEmulator({ dataset: (await import('./dataset.ts')).generateDataset({ seed: 5, repos: [{ owner: 'o', name: 'many', pullRequests: 1100, issues: 0, avgReviews: 0, avgReviewComments: 0, avgIssueComments: 0, avgFiles: 1 }] }) });
    try {
      let after: string | null = null;
      let seen = 0;
      let count = 0;
      for (;;) {
        const res: GraphQLResponse<Search> = await gql<Search>(big, SEARCH, { q: 'repo:o/many is:pr', after });
        count = res.body.data!.search.issueCount;
        seen += res.body.data!.search.nodes.length;
        if (!res.body.data!.search.pageInfo.hasNextPage) break;
        after = res.body.data!.search.pageInfo.endCursor;
      }
      expect(count).toBe(1100);
      expect(seen).toBe(1000);
    } finally {
      await big.close();
    }
  });
});

describe('GraphQL errors and limits', () => {
  it('requires first/last on connections that return items, with GitHub’s messages', async () => {
    const missing = await gql(emu, '{ repository(owner: "acme", name: "widgets") { pullRequests { totalCount nodes { number } } } }');
    expect(missing.status).toBe(200);
    expect(missing.body.data).toBeUndefined();
    expect(missing.body.errors).toEqual([expect.objectContaining({
      type: 'MISSING_PAGINATION_BOUNDARIES', path: ['repository', 'pullRequests'],
      message: 'You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.',
    })]);
    const tooMany = await gql(emu, '{ repository(owner: "acme", name: "widgets") { pullRequests(first: 101) { totalCount } } }');
    expect(tooMany.body.errors?.[0]).toMatchObject({ type: 'EXCESSIVE_PAGINATION', message: 'Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.' });
    const nested = await gql(emu, 'query($n: Int!) { repository(owner: "acme", name: "widgets") { pullRequests(first: 1) { nodes { reviews(last: $n) { totalCount } } } } }', { n: 250 });
    expect(nested.body.errors?.[0].message).toBe('Requesting 250 records on the `reviews` connection exceeds the `last` limit of 100 records.');
    const noVar = await gql(emu, 'query($n: Int!) { repository(owner: "acme", name: "widgets") { pullRequests(first: $n) { totalCount } } }');
    expect(noVar.body.errors?.[0].message).toBe('Variable "$n" of required type "Int!" was not provided.');
  });

  it('rejects queries over 500,000 possible nodes', async () => {
    const res = await gql(emu, `{ repository(owner: "acme", name: "widgets") { pullRequests(first: 100) { nodes {
      reviews(first: 100) { nodes { comments(first: 100) { totalCount } } } } } } }`);
    expect(res.body.errors).toEqual([{ type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.' }]);
  });

  it('returns NOT_FOUND for missing repositories and numbers, with data', async () => {
    const res = await gql(emu, '{ repository(owner: "acme", name: "nope") { id } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', path: ['repository'], locations: [{ line: 1, column: 3 }], message: "Could not resolve to a Repository with the name 'acme/nope'." }],
    });
    const pr = await gql(emu, '{ repository(owner: "acme", name: "widgets") { pullRequest(number: 99999) { id } } }');
    expect(pr.body.errors?.[0]).toMatchObject({ type: 'NOT_FOUND', message: 'Could not resolve to a PullRequest with the number of 99999.' });
    const invalid = await fetch(emu.graphqlUrl, { method: 'POST', headers: { authorization: `bearer ${emu.token}` }, body: JSON.stringify({ query: '{ repository(owner: "acme", name: "widgets") { nope } }' }) });
    expect((await invalid.json() as { errors: Array<{ message: string }> }).errors[0].message).toMatch(/nope/);
  });

  it('hides private repositories from tokens without the repo scope and follows renames', async () => {
    const q = '{ repository(owner: "acme", name: "secret") { nameWithOwner } }';
    expect((await gql(emu, q)).body.data).toEqual({ repository: { nameWithOwner: 'acme/secret' } });
    expect((await gql(emu, q, {}, LIMITED)).body.errors?.[0].type).toBe('NOT_FOUND');
    expect((await gql(emu, '{ repository(owner: "acme", name: "gadgets") { nameWithOwner } }')).body.data).toEqual({ repository: { nameWithOwner: 'acme/widgets' } });
  });

  it('charges points per GitHub’s algorithm and reports them in rateLimit', async () => {
    emu.resetRateLimits();
    emu.resetStats();
    const res = await gql<{ rateLimit: { limit: number; cost: number; remaining: number; used: number; nodeCount: number; resetAt: string } }>(emu, `{
      rateLimit { limit cost remaining used nodeCount resetAt }
      repository(owner: "acme", name: "widgets") { pullRequests(first: 100) { nodes { reviews(first: 50) { nodes { comments(first: 10) { totalCount } } } } } }
    }`);
    // 1 + 100 + 100·50 connection requests = 5,101 → 51 points; nodes 100 + 5,000 + 50,000.
    expect(res.body.data!.rateLimit).toMatchObject({ limit: 5000, cost: 51, remaining: 4949, used: 51, nodeCount: 55100 });
    expect(Date.parse(res.body.data!.rateLimit.resetAt)).toBeGreaterThan(Date.now());
    expect(res.headers.get('x-ratelimit-used')).toBe('51');
    expect(res.headers.get('x-ratelimit-resource')).toBe('graphql');
    const cheap = await gql<{ rateLimit: { cost: number; remaining: number } }>(emu, '{ rateLimit { cost remaining } viewer { login } }');
    expect(cheap.body.data!.rateLimit).toEqual({ cost: 1, remaining: 4948 });
    expect(emu.stats.graphqlPoints).toBe(52);
  });
});
