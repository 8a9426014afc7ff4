import { afterEach, describe, expect, it } from 'vitest';
import { embed } from './http.ts';
import type { RawResponse } from './http.ts';
import { startOpenAIEmulator } from './server.ts';
import type { OpenAIEmulator, OpenAIEmulatorOptions } from './server.ts';

const MODEL = 'text-embedding-3-small';
/** A text of exactly n cl100k tokens ("a" then " a" repeated). */
const textOf = (n: number): string => 'a' + ' a'.repeat(n - 1);

let emu: OpenAIEmulator | undefined;
let now = 0;
afterEach(() => emu?.close());

// Rate-limit tests drive the limiter's clock by hand, so they are exact and instant.
async function start(options: OpenAIEmulatorOptions): Promise<(n: number) => Promise<RawResponse>> {
  now = 0;
  emu = await startOpenAIEmulator({ clock: () => now, ...options });
  const url = emu.baseUrl;
  return (n) => embed(url, { model: MODEL, input: textOf(n), encoding_format: 'base64', dimensions: 8 });
}

const header = (r: RawResponse, name: string): string | null => r.headers.get(name);

describe('requests per minute', () => {
  it('counts down, answers 429 with retry-after, then replenishes', async () => {
    const send = await start({ rpm: 3, tpm: 1_000_000 });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await send(5);
      expect(r.status).toBe(200);
      remaining.push(header(r, 'x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const limited = await send(5);
    expect(limited.status).toBe(429);
    expect(limited.json.error).toEqual({
      message:
        'Rate limit reached for text-embedding-3-small in organization org-emulator on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(header(limited, 'retry-after')).toBe('20');
    expect(header(limited, 'retry-after-ms')).toBe('20000');
    expect(header(limited, 'x-ratelimit-limit-requests')).toBe('3');
    expect(header(limited, 'x-ratelimit-reset-requests')).toBe('1m0s');
    expect(emu?.stats.rateLimited).toBe(1);

    now = 19_999;
    expect((await send(5)).status).toBe(429);
    now = 20_000;
    const again = await send(5);
    expect(again.status).toBe(200);
    expect(header(again, 'x-ratelimit-remaining-requests')).toBe('0');
    now = 80_000;
    expect(header(await send(5), 'x-ratelimit-remaining-requests')).toBe('2');
  });
});

describe('tokens per minute', () => {
  it('tracks remaining tokens, 429s with the TPM message, then replenishes', async () => {
    const send = await start({ rpm: 1000, tpm: 1000 });
    const a = await send(400);
    expect(a.status).toBe(200);
    expect(header(a, 'x-ratelimit-limit-tokens')).toBe('1000');
    expect(header(a, 'x-ratelimit-remaining-tokens')).toBe('600');
    expect(header(a, 'x-ratelimit-reset-tokens')).toBe('24s');
    const b = await send(500);
    expect(header(b, 'x-ratelimit-remaining-tokens')).toBe('100');
    expect(header(b, 'x-ratelimit-reset-tokens')).toBe('54s');

    const limited = await send(250);
    expect(limited.status).toBe(429);
    expect(limited.json.error.type).toBe('tokens');
    expect(limited.json.error.code).toBe('rate_limit_exceeded');
    expect(limited.json.error.message).toBe(
      'Rate limit reached for text-embedding-3-small in organization org-emulator on tokens per min (TPM): Limit 1000, Used 900, Requested 250. Please try again in 9s. Visit https://platform.openai.com/account/rate-limits to learn more.',
    );
    expect(header(limited, 'retry-after-ms')).toBe('9000');
    expect(header(limited, 'retry-after')).toBe('9');

    now = 1_500; // 25 tokens back
    const partial = await send(250);
    expect(partial.status).toBe(429);
    expect(partial.json.error.message).toContain('Used 875, Requested 250. Please try again in 7.5s.');
    now = 9_000;
    const ok = await send(250);
    expect(ok.status).toBe(200);
    expect(header(ok, 'x-ratelimit-remaining-tokens')).toBe('0');
    now = 39_000;
    expect(header(await send(1), 'x-ratelimit-remaining-tokens')).toBe('499');
  });

  it('refuses a request bigger than the whole TPM limit', async () => {
    const send = await start({ tpm: 100 });
    const r = await send(101);
    expect(r.status).toBe(429);
    expect(r.json.error.message).toBe(
      'Request too large for text-embedding-3-small in organization org-emulator on tokens per min (TPM): Limit 100, Requested 101. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
    );
  });

  it('keeps separate limits per model', async () => {
    const send = await start({ rpm: 1 });
    expect((await send(1)).status).toBe(200);
    expect((await send(1)).status).toBe(429);
    const other = await embed(emu!.baseUrl, { model: 'text-embedding-3-large', input: 'x', dimensions: 8 });
    expect(other.status).toBe(200);
  });
});

describe('quota', () => {
  it('fails with insufficient_quota once the tokens are spent, until topped up', async () => {
    const send = await start({ quotaTokens: 10 });
    expect((await send(4)).status).toBe(200);
    expect((await send(6)).status).toBe(200);
    const r = await send(1);
    expect(r.status).toBe(429);
    expect(r.json.error).toEqual({
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      type: 'insufficient_quota',
      param: null,
      code: 'insufficient_quota',
    });
    expect(r.headers.get('retry-after')).toBeNull();
    expect(emu?.stats.billedTokens).toBe(10);
    expect(emu?.stats.rateLimited).toBe(0);
    emu?.setOptions({ quotaTokens: 20 });
    expect((await send(10)).status).toBe(200);
    expect((await send(1)).status).toBe(429);
  });
});

describe('real clock', () => {
  it('replenishes remaining requests over time', async () => {
    emu = await startOpenAIEmulator({ rpm: 600 }); // one request back every 100 ms
    const send = (): Promise<RawResponse> => embed(emu!.baseUrl, { model: MODEL, input: 'x', dimensions: 8 });
    await send();
    await send();
    const low = Number(header(await send(), 'x-ratelimit-remaining-requests'));
    expect(low).toBeLessThanOrEqual(597);
    await new Promise((r) => setTimeout(r, 350));
    const later = Number(header(await send(), 'x-ratelimit-remaining-requests'));
    expect(later).toBeGreaterThanOrEqual(low + 1);
  });
});
