import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { gql, rest, smallDataset } from './fixtures.ts';
import { emulatorsPerTest } from './per-test.ts';

const ds: Dataset = smallDataset();
const start = emulatorsPerTest(ds);

const PRS = (first: number) => `{ repository(owner: "acme", name: "widgets") { pullRequests(first: ${first}) { totalCount nodes { number reviews(first: 100) { totalCount } } } } }`;

describe('primary rate limits', () => {
  it('REST: 403 with remaining 0 after the limit; 304s and /rate_limit are free', async () => {
    const emu = await start({ rateLimit: { core: 3 } });
    const first = await rest(emu, '/repos/acme/widgets');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    const etag = first.headers.get('etag')!;
    for (let i = 0; i < 5; i++) expect((await rest(emu, '/repos/acme/widgets', { headers: { 'if-none-match': etag } })).status).toBe(304);
    await rest(emu, '/rate_limit');
    expect((await rest(emu, '/repos/acme/widgets/pulls')).status).toBe(200);
    expect((await rest(emu, '/repos/acme/widgets/issues')).status).toBe(200);
    const limited = await rest(emu, '/repos/acme/widgets/pulls');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((limited.body as { message: string }).message).toMatch(/^API rate limit exceeded for user ID \d+\./);
    expect(emu.stats.primaryRateLimited).toBe(1);
    emu.setOptions({ rateLimit: { core: 3, primaryStatus: 429 } });
    expect((await rest(emu, '/repos/acme/widgets')).status).toBe(429);
  });

  it('REST: the window resets', async () => {
    const emu = await start({ rateLimit: { core: 1, windowSec: 0.3 } });
    expect((await rest(emu, '/repos/acme/widgets')).status).toBe(200);
    expect((await rest(emu, '/repos/acme/widgets')).status).toBe(403);
    await new Promise((r) => setTimeout(r, 350));
    expect((await rest(emu, '/repos/acme/widgets')).status).toBe(200);
  });

  it('GraphQL: points budget exhausted → RATE_LIMITED (200) or a configured 403', async () => {
    const emu = await start({ rateLimit: { graphql: 3 } });
    const q = PRS(100); // 1 + 100 requests → 1 point
    for (let i = 0; i < 3; i++) expect((await gql(emu, q)).body.errors).toBeUndefined();
    const limited = await gql(emu, q);
    expect(limited.status).toBe(200);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.body.errors).toEqual([{ type: 'RATE_LIMITED', message: expect.stringMatching(/^API rate limit exceeded for user ID \d+\.$/) }]);
    emu.setOptions({ rateLimit: { graphql: 3, graphqlPrimaryStatus: 403 } });
    expect((await gql(emu, q)).status).toBe(403);
    expect(emu.stats.graphqlPoints).toBe(3);
  });
});

describe('fault injection', () => {
  it('secondary rate limits on a schedule, with retry-after and GitHub’s message', async () => {
    const emu = await start({ faults: [{ kind: 'secondary', every: 3, retryAfterSec: 7 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await rest(emu, '/repos/acme/widgets');
      statuses.push(res.status);
      if (res.status === 403) {
        expect(res.headers.get('retry-after')).toBe('7');
        expect(res.headers.get('x-ratelimit-remaining')).not.toBe('0');
        expect((res.body as { message: string }).message).toMatch(/^You have exceeded a secondary rate limit\./);
      }
    }
    expect(statuses).toEqual([200, 200, 403, 200, 200, 403]);
    expect(emu.stats.secondaryRateLimited).toBe(2);
    emu.setOptions({ faults: [{ kind: 'secondary', status: 429, api: 'graphql', atRequests: [2] }] });
    expect((await rest(emu, '/repos/acme/widgets')).status).toBe(200);
    expect((await gql(emu, '{ viewer { login } }')).status).toBe(200);
    expect((await gql(emu, '{ viewer { login } }')).status).toBe(429);
  });

  it('probabilistic faults repeat for a seed', async () => {
    const pattern = async (seed: number): Promise<number[]> => {
      const emu = await start({ seed, faults: [{ kind: 'status', status: 503, probability: 0.3, route: 'GET /repos/{owner}/{repo}' }] });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await rest(emu, '/repos/acme/widgets')).status);
      expect((await rest(emu, '/repos/acme/widgets/pulls')).status).toBe(200); // other routes unaffected
      return out;
    };
    const a = await pattern(11);
    expect(a).toContain(503);
    expect(a).toContain(200);
    expect(await pattern(11)).toEqual(a);
    expect(await pattern(12)).not.toEqual(a);
  });

  it('status faults with times, and 5xx bodies', async () => {
    const emu = await start({ faults: [{ kind: 'status', status: 502, times: 2 }, { kind: 'status', status: 504, atRequests: [4] }] });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await rest(emu, '/rate_limit')).status);
    expect(statuses).toEqual([502, 502, 200, 504, 200]);
    expect(emu.stats.faultsByKind).toEqual({ 'status:502': 2, 'status:504': 1 });
  });

  it('GraphQL queries above a node threshold get 502 until the page size shrinks', async () => {
    const emu = await start({ faults: [{ kind: 'graphqlTimeout', maxNodes: 3000 }] });
    let first = 100;
    const tried: number[] = [];
    for (;;) {
      tried.push(first);
      const res = await gql(emu, PRS(first));
      if (res.status === 200) break;
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ message: expect.stringMatching(/^We couldn't respond to your request in time/) });
      first = Math.floor(first / 2);
    }
    expect(tried).toEqual([100, 50, 25]); // 25 PRs × (1 + 100) = 2,525 nodes
    expect(emu.stats.faultsByKind.graphqlTimeout).toBe(2);
    emu.setOptions({ faults: [{ kind: 'graphqlTimeout', maxNodes: 10, style: 'graphql' }] });
    const styled = await gql(emu, PRS(50));
    expect(styled.status).toBe(502);
    expect(styled.body).toMatchObject({ data: null, errors: [{ message: expect.stringMatching(/^Something went wrong while executing your query/) }] });
  });

  it('omitFromPages drops rows from lists while counts include them', async () => {
    const numbers = ds.repositories[0].pullRequests.slice(10, 13).map((p) => p.number);
    const emu = await start({ faults: [{ kind: 'omitFromPages', repo: 'acme/widgets', pullRequestNumbers: numbers }] });
    const listed = (await rest(emu, '/repos/acme/widgets/pulls?state=all&per_page=100&page=1')).body as Array<{ number: number }>;
    const listed2 = (await rest(emu, '/repos/acme/widgets/pulls?state=all&per_page=100&page=2')).body as Array<{ number: number }>;
    const restNumbers = [...listed, ...listed2].map((p) => p.number);
    expect(restNumbers).toHaveLength(127);
    expect(restNumbers.some((n) => numbers.includes(n))).toBe(false);
    const res = await gql<{ repository: { pullRequests: { totalCount: number; nodes: Array<{ number: number }> } }; search: { issueCount: number; nodes: unknown[] } }>(emu, `{
      repository(owner: "acme", name: "widgets") { pullRequests(first: 100) { totalCount nodes { number } } }
      search(query: "repo:acme/widgets is:pr", type: ISSUE, first: 100) { issueCount nodes { ... on PullRequest { number } } } }`);
    const c = res.body.data!.repository.pullRequests;
    expect(c.totalCount).toBe(130);
    expect(c.nodes.some((n) => numbers.includes(n.number))).toBe(false);
    expect(res.body.data!.search.issueCount).toBe(130);
    // The direct lookup still works: only list pages lose the rows.
    expect((await rest(emu, `/repos/acme/widgets/pulls/${numbers[0]}`)).status).toBe(200);
  });

  it('takes longer for bigger answers: a fixed latency plus a cost per item returned', async () => {
    const emu = await start({ latencyMs: 20, latencyPerNodeMs: 2 });
    const timed = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const one = await timed(() => rest(emu, '/repos/acme/widgets'));
    const before = emu.stats.nodesReturned;
    const page = await timed(() => rest(emu, '/repos/acme/widgets/pulls?per_page=100&state=all'));
    const pageNodes = emu.stats.nodesReturned - before;
    expect(pageNodes).toBeGreaterThan(100);
    // Each answer waits at least base + per-item × items; the page of 100 far longer than the single repository.
    expect(one).toBeGreaterThanOrEqual(20);
    expect(page).toBeGreaterThanOrEqual(20 + 2 * pageNodes - 5);
    expect(page).toBeGreaterThan(one + 150);
  });

  it('charges GraphQL answers per item too: a page with nested nodes costs more than a 1-node query', async () => {
    const emu = await start({ latencyMs: 20, latencyPerNodeMs: 2 });
    const timed = async (query: string) => {
      const before = emu.stats.nodesReturned;
      const t = performance.now();
      const res = await gql(emu, query);
      expect(res.status).toBe(200);
      return { ms: performance.now() - t, nodes: emu.stats.nodesReturned - before };
    };
    const one = await timed('{ repository(owner: "acme", name: "widgets") { name } }');
    const page = await timed(PRS(50));
    expect(one.nodes).toBe(1);
    // 1 for the answer, one per pull request (reviews carry only totalCount here).
    expect(page.nodes).toBe(1 + Math.min(50, ds.repositories[0]!.pullRequests.length));
    expect(page.ms).toBeGreaterThanOrEqual(20 + 2 * page.nodes - 5);
    expect(page.ms).toBeGreaterThan(one.ms + 60);
  });

  it('applies latency and a concurrency secondary limit', async () => {
    const emu = await start({ latencyMs: 60, rateLimit: { maxConcurrent: 2 } });
    const t = performance.now();
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => rest(emu, '/repos/acme/widgets')))).map((r) => r.status);
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 403)).toHaveLength(3);
    expect(emu.stats.secondaryRateLimited).toBe(3);
  });
});
