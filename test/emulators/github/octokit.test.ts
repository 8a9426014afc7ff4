// Real clients against the emulator: @octokit/rest (with the throttling and
// retry plugins a sync job uses) and @octokit/graphql.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { smallDataset } from './fixtures.ts';
import { emulatorsPerTest } from './per-test.ts';

const ds = smallDataset();
const repo = ds.repositories[0];
const heavy = repo.pullRequests.find((p) => p.reviews.length > 100)!;
const start = emulatorsPerTest(ds);

const Throttled = Octokit.plugin(throttling, retry);
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('@octokit/rest', () => {
  it('reads a repository completely', async () => {
    const emu = await start();
    const octokit = new Octokit({ auth: emu.token, baseUrl: emu.url, log: silent });
    const owner = 'acme';
    const name = 'widgets';
    expect((await octokit.rest.repos.get({ owner, repo: name })).data.id).toBe(repo.databaseId);
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner, repo: name, state: 'all', per_page: 100 });
    expect(pulls.map((p) => p.number).sort((a, b) => a - b)).toEqual(repo.pullRequests.map((p) => p.number).sort((a, b) => a - b));
    const items = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo: name, state: 'all', per_page: 100 });
    expect(items).toHaveLength(200);
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo: name, pull_number: heavy.number, per_page: 100 });
    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner, repo: name, pull_number: heavy.number, per_page: 100 });
    const issueComments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo: name, issue_number: heavy.number, per_page: 100 });
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo: name, pull_number: heavy.number, per_page: 100 });
    expect([reviews.length, comments.length, issueComments.length, files.length]).toEqual([
      heavy.reviews.length, heavy.reviews.reduce((s, r) => s + r.comments.length, 0), heavy.comments.length, heavy.files.length,
    ]);
    const { headers } = await octokit.rest.repos.get({ owner, repo: name });
    await expect(octokit.request('GET /repos/{owner}/{repo}', { owner, repo: name, headers: { 'if-none-match': headers.etag! } })).rejects.toMatchObject({ status: 304 });
    await expect(octokit.rest.pulls.get({ owner, repo: name, pull_number: 99999 })).rejects.toMatchObject({ status: 404 });
    await expect(new Octokit({ auth: 'nope', baseUrl: emu.url }).rest.users.getAuthenticated()).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Bad credentials') });
  });

  it('gets everything through secondary limits and 5xx with the throttling and retry plugins', async () => {
    const emu = await start({ faults: [{ kind: 'secondary', every: 4, retryAfterSec: 2 }, { kind: 'status', status: 502, every: 7 }] });
    const secondary: number[] = [];
    const octokit = new Throttled({
      auth: emu.token, baseUrl: emu.url, log: silent,
      throttle: { retryAfterBaseValue: 1, onRateLimit: () => true, onSecondaryRateLimit: (after: number) => (secondary.push(after), true) },
      retry: { retryAfterBaseValue: 1 },
    });
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner: 'acme', repo: 'widgets', state: 'all', per_page: 20 });
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'acme', repo: 'widgets', pull_number: heavy.number, per_page: 30 });
    expect(pulls).toHaveLength(130);
    expect(files).toHaveLength(heavy.files.length);
    expect(secondary.length).toBeGreaterThan(0);
    expect(secondary.every((s) => s === 2)).toBe(true);
    expect(emu.stats.faultsByKind['status:502']).toBeGreaterThan(0);
  });

  it('reports primary exhaustion to onRateLimit with the reset time', async () => {
    const emu = await start({ rateLimit: { core: 2 } });
    const waits: number[] = [];
    const octokit = new Throttled({
      auth: emu.token, baseUrl: emu.url, log: silent,
      throttle: { onRateLimit: (after: number) => (waits.push(after), false), onSecondaryRateLimit: () => false },
    });
    await octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' });
    await octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' });
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' })).rejects.toMatchObject({ status: 403 });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(3500);
  });
});

describe('@octokit/graphql', () => {
  it('paginates pull requests and a heavy PR’s reviews; surfaces NOT_FOUND', async () => {
    const emu = await start();
    const gh = graphql.defaults({ baseUrl: emu.url, headers: { authorization: `token ${emu.token}` } });
    type Page = { repository: { pullRequests: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<{ number: number }> } } };
    const numbers: number[] = [];
    let after: string | null = null;
    do {
      const page: Page = await gh<Page>(`query($after: String) { repository(owner: "acme", name: "widgets") {
        pullRequests(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { number } } } }`, { after });
      numbers.push(...page.repository.pullRequests.nodes.map((n) => n.number));
      after = page.repository.pullRequests.pageInfo.hasNextPage ? page.repository.pullRequests.pageInfo.endCursor : null;
    } while (after);
    expect(numbers).toHaveLength(130);
    const error = await gh(`{ repository(owner: "acme", name: "missing") { id } }`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlResponseError);
    expect((error as GraphqlResponseError<unknown>).errors?.[0]).toMatchObject({ type: 'NOT_FOUND' });
  });

  it('retries GraphQL 502s via the retry plugin and reports RATE_LIMITED to throttling', async () => {
    const emu = await start({ faults: [{ kind: 'status', status: 502, api: 'graphql', atRequests: [1] }], rateLimit: { graphql: 1 } });
    const limited: number[] = [];
    const octokit = new Throttled({
      auth: emu.token, baseUrl: emu.url, log: silent,
      throttle: { retryAfterBaseValue: 1, onRateLimit: (after: number) => (limited.push(after), false), onSecondaryRateLimit: () => false },
      retry: { retryAfterBaseValue: 1 },
    });
    expect(await octokit.graphql<{ viewer: { login: string } }>('{ viewer { login } }')).toEqual({ viewer: { login: 'octo-emulator' } });
    expect(emu.stats.faults).toBe(1);
    await expect(octokit.graphql('{ viewer { login } }')).rejects.toThrow();
    expect(limited).toHaveLength(1);
  });
});

describe('cli.ts', () => {
  it('starts a server and prints its URLs', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const child = spawn(`${root}node_modules/.bin/node`, ['test/emulators/github/cli.ts', '--seed', '3', '--prs', '12', '--issues', '4', '--heavy', '0'], { cwd: root });
    try {
      const lines = createInterface({ input: child.stdout });
      const env: Record<string, string> = {};
      for await (const line of lines) {
        const m = /^(GITHUB_\w+)=(.*)$/.exec(line);
        if (m) env[m[1]] = m[2];
        if (line.startsWith('#')) break;
      }
      expect(env.GITHUB_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${env.GITHUB_API_URL}/repos/acme/widgets/pulls?state=all`, { headers: { authorization: `token ${env.GITHUB_TOKEN}` } });
      expect(((await res.json()) as unknown[]).length).toBe(12);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
