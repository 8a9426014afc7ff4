// The OpenAI check against the OpenAI emulator (test/emulators/openai).
import { afterEach, describe, expect, it } from 'vitest';
import { openaiCheck, type OpenAICheckOptions } from '../../../src/main/health/openai.ts';
import { runChecks } from '../../../src/main/health/run-checks.ts';
import type { CheckResult } from '../../../src/main/health/types.ts';
import { startOpenAIEmulator, type OpenAIEmulator, type OpenAIEmulatorOptions } from '../../emulators/openai/server.ts';
import { closedPort } from '../../helpers/http-fixtures.ts';

const KEY = 'sk-health-valid-key-0123456789';
const emulators: OpenAIEmulator[] = [];

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function emulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  const e = await startOpenAIEmulator({ apiKeys: [KEY], ...options });
  emulators.push(e);
  return e;
}

async function check(baseUrl: string, options: Partial<OpenAICheckOptions> = {}): Promise<CheckResult> {
  const { results } = await runChecks([openaiCheck({ apiKey: KEY, baseUrl, ...options })], { timeoutMs: 10_000 });
  return results[0]!;
}

describe('OpenAI check', () => {
  it('makes a 1-token embedding call with a valid key and reads the rate-limit headers', async () => {
    const e = await emulator();
    const r = await check(e.baseUrl);
    expect(r).toMatchObject({ id: 'openai', kind: 'openai', status: 'healthy', findings: [] });
    // The emulator's bucket refills continuously (≈ 167 requests/s): a slow round trip may see it full again.
    expect(r.summary).toMatch(/^text-embedding-3-small · 1536 dims · [\d.]+ ms · (9,999|10,000)\/10,000 RPM left$/);
    expect(r.details).toMatchObject({ httpStatus: 200, dimensions: 1536, tokens: 1, rateLimits: { requests: { limit: 10000, remaining: expect.toSatisfy((n: number) => n === 9999 || n === 10_000) }, tokens: { limit: 10_000_000 } } });
    expect(e.stats.billedTokens).toBe(1);
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it('tells an invalid key (401) apart, without quoting the key', async () => {
    const e = await emulator();
    const r = await check(e.baseUrl, { apiKey: 'sk-wrongkey-abcdefghijklmnop1234' });
    expect(r).toMatchObject({ status: 'down', details: { failure: 'invalid_key', httpStatus: 401 } });
    expect(r.summary).toBe('Invalid API key (401): the API rejected the key — update openai_key in Settings → Secrets');
    expect(JSON.stringify(r)).not.toMatch(/sk-wrong|1234/);
  });

  it('tells exhausted quota (429 insufficient_quota) apart from rate limiting', async () => {
    const e = await emulator({ quotaTokens: 0 });
    const r = await check(e.baseUrl);
    expect(r).toMatchObject({ status: 'down', details: { failure: 'quota_exhausted', httpStatus: 429 } });
    expect(r.summary).toBe('Quota exhausted (429 insufficient_quota): check the plan and billing of the OpenAI account');
  });

  it('reports rate limiting (429) as degraded with the reset from the headers', async () => {
    const e = await emulator({ faults: [{ kind: '429', atRequests: [1], retryAfterSec: 7, limitType: 'tokens' }] });
    const before = Date.now();
    const r = await check(e.baseUrl);
    expect(r.status).toBe('degraded');
    expect(r.summary).toBe('Rate-limited on tokens per minute (429): retry in 7 s');
    expect(r.details).toMatchObject({ failure: 'rate_limited', retryAfterMs: 7000 });
    expect(Date.parse(r.details.resetAt as string)).toBeGreaterThanOrEqual(before + 7000);
  });

  it('warns when the remaining requests per minute run low', async () => {
    const e = await emulator({ rpm: 1 });
    const r = await check(e.baseUrl);
    expect(r.status).toBe('degraded');
    expect(r.findings).toEqual([{ status: 'degraded', message: expect.stringMatching(/^Close to the RPM limit: 0 of 1 left, resets in [\d.]+ s$/), threshold: 'remaining < 10 % (what-the-repo runbook: track API usage)' }]);
    // The next call is over the limit: rate-limited, with the wait the API asks for.
    const again = await check(e.baseUrl);
    expect(again.summary).toMatch(/^Rate-limited on requests per minute \(429\): retry in [\d.]+ s$/);
  });

  it('reports 5xx as down with the API message', async () => {
    const e = await emulator({ faults: [{ kind: 'status', status: 503, atRequests: [1] }] });
    const r = await check(e.baseUrl);
    expect(r).toMatchObject({ status: 'down', summary: 'Server error (503): The engine is currently overloaded, please try again later.', details: { failure: 'server_error' } });
  });

  it('names a model the key cannot use and a base URL that is not the API', async () => {
    const e = await emulator();
    const model = await check(e.baseUrl, { model: 'text-embedding-nope' });
    expect(model.summary).toMatch(/^Model text-embedding-nope is not available to this key \(404\)/);
    const wrongBase = await check(e.baseUrl.replace(/\/v1$/, ''));
    expect(wrongBase.summary).toBe(`${e.baseUrl.replace(/\/v1$/, '')}/embeddings does not exist (404): is the base URL right (it usually ends in /v1)?`);
  });

  it('can probe with GET /models instead (costs nothing, proves the key)', async () => {
    // The emulator lists its three embedding models and its two chat models.
    const e = await emulator();
    const r = await check(e.baseUrl, { probe: 'models' });
    expect(r.status).toBe('healthy');
    expect(r.summary).toMatch(/^key valid · 5 models · [\d.]+ ms$/);
    expect(e.stats.billedTokens).toBe(0);
    const missing = await check(e.baseUrl, { probe: 'models', model: 'text-embedding-4-huge' });
    expect(missing.findings).toEqual([{ status: 'degraded', message: 'The key works, but text-embedding-4-huge is not among the 5 models it can use' }]);
  });

  it('names an unreachable API and one that does not answer in time', async () => {
    const port = await closedPort();
    const gone = await check(`http://127.0.0.1:${port}/v1`);
    expect(gone).toMatchObject({ status: 'down', details: { failure: 'unreachable', network: 'refused' } });
    expect(gone.summary).toBe(`Unreachable: The OpenAI API at http://127.0.0.1:${port}/v1 refused the connection (ECONNREFUSED): is the service running, and are the host and port right?`);
    const slow = await emulator({ latencyMs: 5000 });
    const t0 = performance.now();
    const r = await check(slow.baseUrl, { requestTimeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(1300);
    expect(r.summary).toBe(`Not answering: The OpenAI API at ${slow.baseUrl} did not answer within 300 ms`);
  });

  it('refuses to call without a key', async () => {
    const r = await check('http://127.0.0.1:9/v1', { apiKey: '' });
    expect(r).toMatchObject({ status: 'down', details: { failure: 'missing_key' } });
  });
});
