import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { editItem } from './dataset.ts';
import { OWNER, REPO, rest, smallDataset } from './fixtures.ts';
import { openapiErrors } from './openapi.ts';
import { DEFAULT_TOKEN_SPEC } from './options.ts';
import { startGitHubEmulator } from './server.ts';
import type { GitHubEmulator } from './server.ts';

let ds: Dataset;
let emu: GitHubEmulator;
const LIMITED = 'ghp_noRepoScope000000000000000000000000000';
const base = `/repos/${OWNER}/${REPO}`;

beforeAll(async () => {
  ds = smallDataset();
  emu = await startGitHubEmulator({ dataset: ds, tokens: [DEFAULT_TOKEN_SPEC, { token: LIMITED, login: 'reader', scopes: [] }] });
});
afterAll(() => emu.close());

const repo = () => ds.repositories[0];
const heavy = () => repo().pullRequests.find((p) => p.reviews.length > 100)!;

/** Follows Link rel="next" like octokit.paginate and returns every item. */
async function all(path: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let url: string | null = emu.url + path;
  while (url) {
    const res = await fetch(url, { headers: { authorization: `token ${emu.token}` } });
    expect(res.status).toBe(200);
    out.push(...(await res.json() as Array<Record<string, unknown>>));
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
  }
  return out;
}

describe('REST responses match GitHub’s OpenAPI schemas', () => {
  it('validates a sample of every endpoint', async () => {
    const pr = heavy();
    const samples: Array<[string, string, boolean]> = [
      ['/rate_limit', 'rate-limit-overview', false],
      ['/user', 'private-user', false],
      [base, 'full-repository', false],
      [`${base}/pulls?state=all&per_page=100`, 'pull-request-simple', true],
      [`${base}/pulls/${pr.number}`, 'pull-request', false],
      [`${base}/pulls/${pr.number}/reviews?per_page=100`, 'pull-request-review', true],
      [`${base}/pulls/${pr.number}/comments?per_page=100`, 'pull-request-review-comment', true],
      [`${base}/pulls/${pr.number}/files?per_page=100`, 'diff-entry', true],
      [`${base}/issues/${pr.number}/comments?per_page=100`, 'issue-comment', true],
      [`${base}/issues?state=all&per_page=100`, 'issue', true],
      [`${base}/issues/${repo().issues[0].number}`, 'issue', false],
    ];
    for (const [path, schema, array] of samples) {
      const res = await rest(emu, path);
      expect(res.status, path).toBe(200);
      if (array) expect((res.body as unknown[]).length, path).toBeGreaterThan(0);
      expect(openapiErrors(schema, res.body, array), `${path} vs ${schema}`).toEqual([]);
    }
  });

  it('the validator does reject malformed objects', async () => {
    const { body } = await rest(emu, `${base}/pulls/${heavy().number}`);
    const broken: Record<string, unknown> = { ...(body as Record<string, unknown>), user: { login: 'x' }, state: 7 };
    delete broken.head;
    expect(openapiErrors('pull-request', broken).length).toBeGreaterThan(0);
  });
});

describe('REST behaviour', () => {
  it('lists pull requests with Link pagination, per_page capped at 100', async () => {
    const res = await rest(emu, `${base}/pulls?state=all&per_page=500`);
    expect((res.body as unknown[]).length).toBe(100);
    expect(res.headers.get('link')).toMatch(new RegExp(`<${emu.url}/repositories/${repo().databaseId}/pulls\\?state=all&per_page=500&page=2>; rel="next", <[^>]+page=2>; rel="last"`));
    const numbers = (await all(`${base}/pulls?state=all&per_page=17`)).map((p) => p.number);
    const expected = repo().pullRequests.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.databaseId - a.databaseId).map((p) => p.number);
    expect(numbers).toEqual(expected); // default: newest first
    const open = await all(`${base}/pulls?per_page=100`);
    expect(open.length).toBe(repo().pullRequests.filter((p) => p.state === 'OPEN').length);
  });

  it('sorts by updated and filters issues by since; issues include PRs', async () => {
    const updated = (await all(`${base}/pulls?state=all&sort=updated&direction=asc&per_page=100`)).map((p) => p.updated_at as string);
    expect(updated).toEqual(updated.slice().sort());
    const since = repo().pullRequests.map((p) => p.updatedAt).sort()[60];
    const items = await all(`${base}/issues?state=all&since=${since}&per_page=100`);
    const want = [...repo().pullRequests, ...repo().issues].filter((i) => i.updatedAt >= since);
    expect(items.length).toBe(want.length);
    expect(items.filter((i) => i.pull_request).length).toBe(want.filter((i) => 'reviews' in i).length);
  });

  it('pages through every review, review comment, issue comment and file of a heavy PR', async () => {
    const pr = heavy();
    const reviews = await all(`${base}/pulls/${pr.number}/reviews?per_page=100`);
    expect(reviews.map((r) => r.id)).toEqual(pr.reviews.map((r) => r.databaseId));
    const comments = await all(`${base}/pulls/${pr.number}/comments?per_page=100`);
    expect(comments.length).toBe(pr.reviews.reduce((s, r) => s + r.comments.length, 0));
    const replies = comments.filter((c) => c.in_reply_to_id !== undefined);
    expect(replies.every((c) => comments.some((x) => x.id === c.in_reply_to_id))).toBe(true);
    expect((await all(`${base}/issues/${pr.number}/comments?per_page=100`)).map((c) => c.id)).toEqual(pr.comments.map((c) => c.databaseId));
    expect((await all(`${base}/pulls/${pr.number}/files?per_page=100`)).map((f) => f.filename)).toEqual(pr.files.map((f) => f.path));
  });

  it('renders deleted users as ghost and bots with [bot] logins', async () => {
    const ghostPr = repo().pullRequests.find((p) => p.author === null)!;
    const botPr = repo().pullRequests.find((p) => p.author === 'dependabot[bot]')!;
    const ghost = (await rest(emu, `${base}/pulls/${ghostPr.number}`)).body as { user: Record<string, unknown> };
    expect(ghost.user).toMatchObject({ login: 'ghost', id: 10137, type: 'User' });
    const bot = (await rest(emu, `${base}/pulls/${botPr.number}`)).body as { user: Record<string, unknown> };
    expect(bot.user).toMatchObject({ login: 'dependabot[bot]', id: 49699333, type: 'Bot' });
  });

  it('answers conditional requests with 304 without charging the rate limit', async () => {
    const path = `${base}/pulls?state=all&per_page=5`;
    const first = await rest(emu, path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const used = Number(first.headers.get('x-ratelimit-used'));
    const before = emu.stats.notModified;
    const again = await rest(emu, path, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(Number(again.headers.get('x-ratelimit-used'))).toBe(used);
    expect(emu.stats.notModified).toBe(before + 1);
    const newest = repo().pullRequests.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    editItem(ds, 'acme/widgets', newest.number, { title: 'Changed title' });
    const changed = await rest(emu, path, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(Number(changed.headers.get('x-ratelimit-used'))).toBe(used + 1);
    expect((changed.body as Array<{ title: string }>)[0].title).toBe('Changed title');
  });

  it('redirects a renamed repository with 301 to /repositories/{id}', async () => {
    const res = await fetch(`${emu.url}/repos/acme/gadgets/pulls?per_page=2`, { headers: { authorization: `token ${emu.token}` }, redirect: 'manual' });
    expect(res.status).toBe(301);
    const location = `${emu.url}/repositories/${repo().databaseId}/pulls?per_page=2`;
    expect(res.headers.get('location')).toBe(location);
    expect(await res.json()).toMatchObject({ message: 'Moved Permanently', url: location });
    const followed = await rest(emu, '/repos/acme/gadgets');
    expect(followed.status).toBe(200);
    expect((followed.body as { full_name: string }).full_name).toBe('acme/widgets');
    expect((await rest(emu, `/repositories/${repo().databaseId}/issues/1`)).status).toBe(200);
  });

  it('returns GitHub’s 404 and 401 bodies', async () => {
    for (const path of ['/repos/acme/nope', `${base}/pulls/99999`, `${base}/pulls/${repo().issues[0].number}`, '/nowhere']) {
      const res = await rest(emu, path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
    for (const token of [null, 'ghp_wrong']) {
      const res = await rest(emu, base, { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    }
  });

  it('reports scopes and hides private repositories without the repo scope', async () => {
    const user = await rest(emu, '/user');
    expect(user.headers.get('x-oauth-scopes')).toBe('repo, read:org, read:user');
    expect(user.body).toMatchObject({ login: 'octo-emulator', user_view_type: 'private' });
    expect((await rest(emu, '/repos/acme/secret')).status).toBe(200);
    expect((await rest(emu, '/repos/acme/secret', { token: LIMITED })).status).toBe(404);
    expect((await rest(emu, '/user', { token: LIMITED })).body).toMatchObject({ login: 'reader' });
  });

  it('sends rate-limit headers everywhere and does not charge /rate_limit', async () => {
    const a = await rest(emu, '/rate_limit');
    const b = await rest(emu, '/rate_limit');
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used']) expect(a.headers.get(h)).toMatch(/^\d+$/);
    expect(a.headers.get('x-ratelimit-resource')).toBe('core');
    expect((b.body as { rate: { used: number } }).rate.used).toBe((a.body as { rate: { used: number } }).rate.used);
    const resources = (a.body as { resources: Record<string, { limit: number }> }).resources;
    expect(resources.core.limit).toBe(5000);
    expect(resources.graphql.limit).toBe(5000);
    expect(resources.search.limit).toBe(30);
  });
});
