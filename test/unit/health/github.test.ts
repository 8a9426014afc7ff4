// The GitHub check against the GitHub emulator (test/emulators/github).
import { afterEach, describe, expect, it } from 'vitest';
import { githubCheck, tokenType, type GitHubCheckOptions } from '../../../src/main/health/github.ts';
import { runChecks } from '../../../src/main/health/run-checks.ts';
import type { CheckResult } from '../../../src/main/health/types.ts';
import { generateDataset } from '../../emulators/github/dataset.ts';
import { startGitHubEmulator, type EmulatorOptions, type GitHubEmulator } from '../../emulators/github/server.ts';
import { closedPort } from '../../helpers/http-fixtures.ts';

const OWNER_TOKEN = 'ghp_healthOwnerToken000000000000000000000';
const NO_REPO_TOKEN = 'ghp_healthNoRepoScope0000000000000000000';
const dataset = generateDataset({ seed: 7, users: 5, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 2, issues: 1 }] });
const emulators: GitHubEmulator[] = [];

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<GitHubEmulator> {
  const e = await startGitHubEmulator({
    dataset,
    tokens: [
      { token: OWNER_TOKEN, login: 'octo-ops', scopes: ['repo', 'read:org'] },
      { token: NO_REPO_TOKEN, login: 'intern', scopes: ['read:user', 'public_repo'] },
    ],
    ...options,
  });
  emulators.push(e);
  return e;
}

async function check(apiUrl: string, options: Partial<GitHubCheckOptions> = {}): Promise<CheckResult> {
  const { results } = await runChecks([githubCheck({ token: OWNER_TOKEN, apiUrl, ...options })], { timeoutMs: 10_000 });
  return results[0]!;
}

async function spend(e: GitHubEmulator, requests: number): Promise<void> {
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`${e.url}/repos/acme/widgets`, { headers: { authorization: `token ${OWNER_TOKEN}` } });
    await res.arrayBuffer();
  }
}

describe('GitHub check', () => {
  it('reports the remaining rate limit of core, graphql and search, the login and scopes', async () => {
    const e = await emulator();
    const r = await check(e.url);
    expect(r).toMatchObject({ id: 'github', kind: 'github', status: 'healthy', findings: [] });
    expect(r.summary).toMatch(/^octo-ops · core 5,000\/5,000 · graphql 5,000\/5,000 · search 30\/30 · scopes repo, read:org · [\d.]+ ms$|^octo-ops · core 4,999\/5,000 · /);
    expect(r.details).toMatchObject({ login: 'octo-ops', scopes: ['repo', 'read:org'], missingScopes: [], tokenType: 'classic personal access token' });
    const limits = r.details.rateLimits as Record<string, { limit: number; remaining: number; resetAt: string }>;
    expect(Object.keys(limits)).toEqual(['core', 'graphql', 'search']);
    expect(limits.search).toMatchObject({ limit: 30, remaining: 30 });
    expect(Date.parse(limits.core!.resetAt)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(r)).not.toContain(OWNER_TOKEN);
  });

  it('is degraded when a bucket runs low (< 10 %), with the reset time', async () => {
    const e = await emulator({ rateLimit: { core: 100 } });
    await spend(e, 94);
    const r = await check(e.url);
    expect(r.status).toBe('degraded');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.message).toMatch(/^core rate limit low: [56] of 100 left \([56] %\), resets in (59|60) min \(\d\d:\d\d UTC\)$/);
    expect(r.findings[0]!.threshold).toBe('remaining < 10 % (what-the-repo runbook: 5000 requests/hour, track remaining)');
  });

  it('says when a bucket is exhausted', async () => {
    const e = await emulator({ rateLimit: { core: 10 } });
    await spend(e, 10);
    const r = await check(e.url);
    expect(r.status).toBe('degraded');
    expect(r.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^core rate limit exhausted \(0 of 10\), resets in (59|60) min/),
      expect.stringMatching(/^GET \/user → 403: API rate limit exceeded/),
    ]);
  });

  it('tells a bad token (401) apart', async () => {
    const e = await emulator();
    const r = await check(e.url, { token: 'ghp_notAValidTokenAtAll00000000000000000' });
    expect(r).toMatchObject({ status: 'down', summary: 'Bad credentials (401): the token is invalid, expired or revoked — update github_token in Settings → Secrets', details: { failure: 'invalid_token' } });
    expect(JSON.stringify(r)).not.toContain('notAValidToken');
  });

  it('flags a classic token without the repo scope', async () => {
    const e = await emulator();
    const r = await check(e.url, { token: NO_REPO_TOKEN });
    expect(r.status).toBe('degraded');
    expect(r.details).toMatchObject({ login: 'intern', scopes: ['read:user', 'public_repo'], missingScopes: ['repo'] });
    expect(r.findings).toEqual([{ status: 'degraded', message: 'The token lacks the repo scope: private repositories are invisible to sync', threshold: 'required scopes: repo' }]);
    expect((await check(e.url, { token: NO_REPO_TOKEN, requiredScopes: ['public_repo'] })).status).toBe('healthy');
  });

  it('reports a 5xx on /rate_limit as down', async () => {
    const e = await emulator({ faults: [{ kind: 'status', status: 502, route: 'GET /rate_limit' }] });
    const r = await check(e.url);
    expect(r).toMatchObject({ status: 'down', details: { failure: 'server_error', httpStatus: 502 } });
    expect(r.summary).toBe('GitHub API error (502) on GET /rate_limit: Bad Gateway');
  });

  it('names an unreachable API', async () => {
    const port = await closedPort();
    const r = await check(`http://127.0.0.1:${port}`);
    expect(r).toMatchObject({ status: 'down', details: { failure: 'unreachable', network: 'refused' } });
    expect(r.summary).toMatch(/^Unreachable: The GitHub API at http:\/\/127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\)/);
  });

  it('knows token kinds by prefix', () => {
    expect(tokenType('github_pat_11AAAA')).toBe('fine-grained personal access token');
    expect(tokenType('ghs_abc')).toBe('GitHub App installation token');
    expect(tokenType('something')).toBe('token');
  });
});
