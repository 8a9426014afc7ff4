import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from '../../../src/main/github/client.ts';
import { Logger } from '../../../src/main/logging/logger.ts';
import { Redactor } from '../../../src/main/logging/redact.ts';
import { json } from '../../../src/main/sync/writer.ts';

// The client parses GraphQL answers itself (Octokit's BigInt-safe parser cost a second per large
// sync): answers must arrive whole, and Octokit's throttling must still see RATE_LIMITED errors.
let server: Server;
let url = '';
const answers: { status: number; headers?: Record<string, string>; body: unknown }[] = [];
let served = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answers.shift() ?? { status: 500, body: { message: 'no answer queued' } };
      served++;
      res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const client = () => new GitHubClient({ baseUrl: url, token: 'ghp_test_token_000000', logger: new Logger({ sinks: [], redactor: new Redactor() }) });

describe('GitHub client: GraphQL answers', () => {
  it('returns the answer as sent (nested lists, large ids, non-ASCII text, cost)', async () => {
    const data = { rateLimit: { cost: 3 }, repository: { pullRequests: { totalCount: 2, nodes: [{ databaseId: 9_007_199_254_740_991, title: 'Ünïcode 🚀 "quoted" \\u0000 literal', files: { nodes: [{ path: 'a/b.ts', additions: 1 }] } }, { databaseId: 2, title: '', files: { nodes: [] } }] } } };
    answers.push({ status: 200, body: { data } });
    const gh = client();
    const res = await gh.graphql<typeof data>('query PullRequestPage { x }', {});
    expect(res).toEqual({ data });
    expect(gh.stats.graphqlPoints).toBe(3);
  });

  it('hands GraphQL errors back to the caller with the data GitHub sent beside them', async () => {
    answers.push({ status: 200, body: { data: { repository: null }, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a Repository', path: ['repository'] }] } });
    const res = await client().graphql('query Q { x }', {});
    expect(res).toEqual({ data: { repository: null }, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a Repository', path: ['repository'] }] });
  });

  it('a RATE_LIMITED answer still reaches the throttling plugin: it waits for the reset and asks again', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    answers.push({ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] } });
    answers.push({ status: 200, body: { data: { viewer: { login: 'octo' } } } });
    const gh = client();
    const before = served;
    const res = await gh.graphql('query Viewer { viewer { login } }', {});
    expect(res).toEqual({ data: { viewer: { login: 'octo' } } });
    expect(served - before).toBe(2);
    expect(gh.stats.primaryLimitWaits).toBe(1);
  });
});

describe('page rows as JSON for the warehouse', () => {
  it('drops NUL characters (Postgres text cannot hold them) and keeps text that only looks like one', () => {
    expect(JSON.parse(json([{ body: 'a\u0000b', nested: { t: ['\u0000x'] } }]))).toEqual([{ body: 'ab', nested: { t: ['x'] } }]);
    expect(JSON.parse(json([{ body: 'a\\u0000b' }]))).toEqual([{ body: 'a\\u0000b' }]);
    expect(json({ a: 1, b: 'plain' })).toBe('{"a":1,"b":"plain"}');
  });
});
