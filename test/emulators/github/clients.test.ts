// Behaviour real clients depend on: the gaps found by running Airbyte's source-github and
// MeltanoLabs' tap-github against the emulator (issue 12), each pinned here.
import { getNamedType, isEnumType, isNonNullType } from 'graphql';
import type { GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { gql, OWNER, REPO, rest, smallDataset } from './fixtures.ts';
import { githubSchema } from './graphql/schema.ts';
import { openapiErrors } from './openapi.ts';
import type { AccessLogEntry } from './options.ts';
import { startGitHubEmulator } from './server.ts';
import type { GitHubEmulator } from './server.ts';

let ds: Dataset;
let emu: GitHubEmulator;
const base = `/repos/${OWNER}/${REPO}`;

beforeAll(async () => {
  ds = smallDataset();
  emu = await startGitHubEmulator({ dataset: ds });
});
afterAll(() => emu.close());

const repo = () => ds.repositories[0];
type Row = Record<string, unknown>;

/** Follows Link rel="next" (as octokit.paginate and Airbyte do); returns the items and the URLs fetched. */
async function all(path: string): Promise<{ items: Row[]; urls: string[] }> {
  const items: Row[] = [];
  const urls: string[] = [];
  let url: string | null = emu.url + path;
  while (url) {
    urls.push(url);
    const res = await fetch(url, { headers: { authorization: `token ${emu.token}` } });
    expect(res.status, url).toBe(200);
    items.push(...(await res.json() as Row[]));
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
  }
  return { items, urls };
}

const everyIssueComment = () => [...repo().pullRequests, ...repo().issues].flatMap((i) => i.comments);
const everyReviewComment = () => repo().pullRequests.flatMap((p) => p.reviews.flatMap((r) => r.comments));
const ids = (rows: Row[]) => rows.map((r) => r.id as number);

describe('repository-wide comment lists', () => {
  it('GET /repos/{o}/{r}/issues/comments lists every issue and PR comment, by id, with since and sort', async () => {
    const want = everyIssueComment().map((c) => c.databaseId).sort((a, b) => a - b);
    const { items, urls } = await all(`${base}/issues/comments?per_page=100`);
    expect(ids(items)).toEqual(want);
    expect(urls.length).toBe(Math.ceil(want.length / 100));
    expect(openapiErrors('issue-comment', items.slice(0, 150), true)).toEqual([]);
    expect(items.some((c) => String(c.html_url).includes('/pull/')) && items.some((c) => String(c.html_url).includes('/issues/'))).toBe(true);

    const since = everyIssueComment().map((c) => c.updatedAt).sort()[Math.floor(want.length / 2)];
    const recent = (await all(`${base}/issues/comments?per_page=100&sort=updated&direction=asc&since=${since}`)).items;
    const wantRecent = everyIssueComment().filter((c) => c.updatedAt >= since);
    expect(recent.length).toBe(wantRecent.length);
    const updated = recent.map((c) => c.updated_at as string);
    expect(updated).toEqual(updated.slice().sort());
    const desc = (await rest(emu, `${base}/issues/comments?per_page=5&sort=created`)).body as Row[];
    expect((desc[0].created_at as string) >= (desc[4].created_at as string)).toBe(true);

    const one = everyIssueComment()[3];
    expect((await rest(emu, `${base}/issues/comments/${one.databaseId}`)).body).toMatchObject({ id: one.databaseId, body: one.body });
    expect((await rest(emu, `${base}/issues/comments/1`)).status).toBe(404);
  });

  it('GET /repos/{o}/{r}/pulls/comments lists every review comment, by id, with since and sort', async () => {
    const want = everyReviewComment().map((c) => c.databaseId).sort((a, b) => a - b);
    const { items } = await all(`${base}/pulls/comments?per_page=100`);
    expect(ids(items)).toEqual(want);
    expect(openapiErrors('pull-request-review-comment', items.slice(0, 150), true)).toEqual([]);
    const since = everyReviewComment().map((c) => c.updatedAt).sort()[Math.floor(want.length / 3)];
    const recent = (await all(`${base}/pulls/comments?per_page=100&sort=updated&direction=asc&since=${since}`)).items;
    expect(recent.length).toBe(everyReviewComment().filter((c) => c.updatedAt >= since).length);
    const one = everyReviewComment()[7];
    const single = await rest(emu, `${base}/pulls/comments/${one.databaseId}`);
    expect(single.body).toMatchObject({ id: one.databaseId, path: one.path });
    expect(openapiErrors('pull-request-review-comment', single.body)).toEqual([]);
  });
});

describe('REST issues list', () => {
  it('paginates with after= cursors like GitHub; a client that follows only `after` gets everything', async () => {
    const total = repo().pullRequests.length + repo().issues.length;
    const first = await rest(emu, `${base}/issues?state=all&per_page=30`);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/[?&]after=[^&>]+[^>]*>; rel="next"/);
    expect(link).not.toMatch(/[?&]page=|rel="last"/);
    // tap-github's cursor paginator: take `after` from the next link, put it on its own URL.
    const seen: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res = await rest(emu, `${base}/issues?state=all&per_page=30${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      seen.push(...(res.body as Row[]).map((r) => r.number as number));
      const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      after = next ? new URL(next).searchParams.get('after') : null;
      if (!after) break;
    }
    const want = [...repo().pullRequests, ...repo().issues].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.databaseId - a.databaseId).map((i) => i.number);
    expect(seen).toEqual(want);
    expect(seen.length).toBe(total);
  });

  it('goes back with before=, still serves shallow page=N, refuses deep pages and bad cursors with 422', async () => {
    const p1 = await rest(emu, `${base}/issues?state=all&per_page=10`);
    const next = /<([^>]+)>; rel="next"/.exec(p1.headers.get('link')!)![1];
    const p2 = await fetch(next, { headers: { authorization: `token ${emu.token}` } });
    const prev = /<([^>]+)>; rel="prev"/.exec(p2.headers.get('link')!)![1];
    expect(new URL(prev).searchParams.get('before')).toBeTruthy();
    const back = await fetch(prev, { headers: { authorization: `token ${emu.token}` } });
    expect(ids(await back.json() as Row[])).toEqual(ids(p1.body as Row[]));
    const page2 = await rest(emu, `${base}/issues?state=all&per_page=10&page=2`);
    expect(ids(page2.body as Row[])).toEqual(ids(await (await fetch(next, { headers: { authorization: `token ${emu.token}` } })).json() as Row[]));
    const deep = await rest(emu, `${base}/issues?state=all&per_page=100&page=101`);
    expect(deep.status).toBe(422);
    expect(deep.body).toMatchObject({ message: expect.stringContaining('use cursor based pagination') });
    const bad = await rest(emu, `${base}/issues?state=all&after=bm9wZQ`);
    expect(bad.status).toBe(422);
  });

  it('issue objects carry `type` (null without an issue type) and still validate', async () => {
    const res = await rest(emu, `${base}/issues?state=all&per_page=50`);
    for (const row of res.body as Row[]) expect(row).toHaveProperty('type', null);
    expect(openapiErrors('issue', res.body, true)).toEqual([]);
    expect(openapiErrors('issue', { ...(res.body as Row[])[0], type: 'bug' })).not.toEqual([]);
  });
});

describe('pull request commits', () => {
  it('GET /pulls/{n}/commits lists as many commits as the PR says, ending at its head', async () => {
    for (const p of repo().pullRequests.slice(0, 8)) {
      const pull = (await rest(emu, `${base}/pulls/${p.number}`)).body as { commits: number; head: { sha: string }; base: { sha: string } };
      const { items } = await all(`${base}/pulls/${p.number}/commits?per_page=2`);
      expect(items.length).toBe(pull.commits);
      expect(items.at(-1)!.sha).toBe(pull.head.sha);
      expect((items[0].parents as Row[])[0].sha).toBe(pull.base.sha);
      for (let i = 1; i < items.length; i++) expect((items[i].parents as Row[])[0].sha).toBe(items[i - 1].sha);
      expect(openapiErrors('commit', items, true)).toEqual([]);
    }
    expect((await rest(emu, `${base}/pulls/${repo().issues[0].number}/commits`)).status).toBe(404);
    const p = repo().pullRequests[5];
    const pull = (await rest(emu, `${base}/pulls/${p.number}`)).body as { commits: number; head: { sha: string } };
    const g = await gql<{ repository: { pullRequest: { commits: { totalCount: number; nodes: Array<{ commit: { oid: string; committedDate: string } }> } } } }>(emu,
      `{ repository(owner: "acme", name: "widgets") { pullRequest(number: ${p.number}) { commits(first: 10) { totalCount nodes { commit { oid committedDate } } } } } }`);
    expect(g.body.errors).toBeUndefined();
    const commits = g.body.data!.repository.pullRequest.commits;
    expect(commits.totalCount).toBe(pull.commits);
    expect(commits.nodes.at(-1)!.commit.oid).toBe(pull.head.sha);
  });
});

describe('GraphQL', () => {
  it('accepts connections that ask only for totalCount, and still demands boundaries for nodes/edges', async () => {
    const ok = await gql<{ repository: { pullRequests: { totalCount: number }; open: { totalCount: number }; issues: { totalCount: number } } }>(emu, `{
      repository(owner: "acme", name: "widgets") {
        pullRequests { totalCount } open: pullRequests(states: OPEN) { ...Count } issues { totalCount }
      } rateLimit { cost } }
      fragment Count on PullRequestConnection { totalCount }`);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data!.repository.pullRequests.totalCount).toBe(repo().pullRequests.length);
    expect(ok.body.data!.repository.open.totalCount).toBe(repo().pullRequests.filter((p) => p.state === 'OPEN').length);
    expect(ok.body.data!.repository.issues.totalCount).toBe(repo().issues.length);
    for (const sel of ['nodes { number }', 'edges { cursor }', '...Items']) {
      const bad = await gql(emu, `{ repository(owner: "acme", name: "widgets") { pullRequests { totalCount ${sel} } } }
        ${sel === '...Items' ? 'fragment Items on PullRequestConnection { nodes { id } }' : ''}`);
      expect(bad.body.errors?.[0], sel).toMatchObject({ type: 'MISSING_PAGINATION_BOUNDARIES' });
    }
  });

  it('never returns null for a non-null enum without data (mergeable reads UNKNOWN once closed)', async () => {
    const schema = githubSchema();
    const enums = (name: string) => Object.values((schema.getType(name) as GraphQLObjectType).getFields())
      .filter((f) => isNonNullType(f.type) && isEnumType(f.type.ofType) && f.args.every((a) => !isNonNullType(a.type)))
      .map((f) => f.name);
    const prFields = enums('PullRequest');
    expect(prFields).toContain('mergeable');
    const open = repo().pullRequests.find((p) => p.state === 'OPEN')!;
    const merged = repo().pullRequests.find((p) => p.state === 'MERGED')!;
    const res = await gql<{ repository: Record<string, Record<string, string>> }>(emu, `query($a: Int!, $b: Int!) { repository(owner: "acme", name: "widgets") {
      ${enums('Repository').join(' ')}
      a: pullRequest(number: $a) { ${prFields.join(' ')} } b: pullRequest(number: $b) { ${prFields.join(' ')} }
      i: issue(number: ${repo().issues[0].number}) { ${enums('Issue').join(' ')} } } }`, { a: open.number, b: merged.number });
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data!.repository;
    expect(r.a.mergeable).toBe('MERGEABLE');
    expect(r.b.mergeable).toBe('UNKNOWN');
    for (const f of prFields) {
      const type = getNamedType((schema.getType('PullRequest') as GraphQLObjectType).getFields()[f].type);
      const values = isEnumType(type) ? type.getValues().map((v) => v.name) : [];
      expect(values, f).toContain(r.b[f]);
    }
  });
});

describe('access log', () => {
  it('is off by default and, when on, records every request with its real path (unknown routes too)', async () => {
    await rest(emu, '/repos/acme/widgets/branches');
    expect(emu.accessLog).toEqual([]);
    const seen: AccessLogEntry[] = [];
    emu.setOptions({ accessLog: (e) => seen.push(e) });
    try {
      await rest(emu, '/repos/acme/widgets/branches?per_page=3');
      await rest(emu, `${base}/issues/comments?per_page=1`);
      await gql(emu, 'query Viewer { viewer { login } }');
      await expect.poll(() => seen.length).toBe(3);
    } finally {
      emu.setOptions({ accessLog: undefined });
    }
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/repos/acme/widgets/branches?per_page=3', route: 'GET (unknown)', status: 404 });
    expect(seen[1]).toMatchObject({ path: `${base}/issues/comments?per_page=1`, route: 'GET /repos/{owner}/{repo}/issues/comments', status: 200 });
    expect(seen[2]).toMatchObject({ method: 'POST', route: 'POST /graphql', status: 200 });
    expect(seen[0].ms).toBeGreaterThanOrEqual(0);
    emu.setOptions({ accessLog: true });
    await rest(emu, '/nowhere');
    await expect.poll(() => emu.accessLog.length).toBe(1);
    expect(emu.accessLog[0]).toMatchObject({ path: '/nowhere', status: 404 });
    emu.setOptions({ accessLog: undefined });
  });
});
