// The official `openai` SDK against the emulator: decoding, errors and its retries.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { makeText } from './fixtures.ts';
import { TEST_KEY } from './http.ts';
import { startOpenAIEmulator } from './server.ts';
import type { OpenAIEmulator, OpenAIEmulatorOptions } from './server.ts';

const MODEL = 'text-embedding-3-small';

let emu: OpenAIEmulator | undefined;
afterEach(() => emu?.close());

async function client(options: OpenAIEmulatorOptions = {}, maxRetries = 2): Promise<OpenAI> {
  emu = await startOpenAIEmulator({ apiKeys: [TEST_KEY], ...options });
  return new OpenAI({ apiKey: TEST_KEY, baseURL: emu.baseUrl, maxRetries });
}

describe('openai SDK', () => {
  it('embeds with the default base64 transport, equal to float output', async () => {
    const openai = await client();
    const input = [makeText(1, 0, 200), makeText(2, 1, 200)];
    const viaBase64 = await openai.embeddings.create({ model: MODEL, input });
    const viaFloat = await openai.embeddings.create({ model: MODEL, input, encoding_format: 'float' });
    expect(viaBase64.object).toBe('list');
    expect(viaBase64.model).toBe(MODEL);
    expect(viaBase64.data).toHaveLength(2);
    expect(viaBase64.data[0].embedding).toHaveLength(1536);
    expect(viaBase64.data.map((d) => d.embedding)).toEqual(viaFloat.data.map((d) => d.embedding));
    expect(viaBase64.usage.prompt_tokens).toBeGreaterThan(400);

    const reduced = await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'x', dimensions: 256 });
    expect(reduced.data[0].embedding).toHaveLength(256);
  });

  it('lists and retrieves models', async () => {
    const openai = await client();
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toContain(MODEL);
    expect((await openai.models.retrieve('text-embedding-ada-002')).owned_by).toBe('openai-internal');
    await expect(openai.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('retries 500 and 503 and embeds each text once', async () => {
    const openai = await client({ faults: [{ kind: 'status', status: 500, atRequests: [1] }, { kind: 'status', status: 503, atRequests: [2] }] });
    const r = await openai.embeddings.create({ model: MODEL, input: ['one', 'two'] });
    expect(r.data).toHaveLength(2);
    expect(emu?.stats.byStatus).toEqual({ 500: 1, 503: 1, 200: 1 });
    expect(emu?.stats.texts).toEqual(['one', 'two']);
  });

  it('retries a dropped connection', async () => {
    const openai = await client({ faults: [{ kind: 'disconnect', atRequests: [1] }] });
    const r = await openai.embeddings.create({ model: MODEL, input: 'again' });
    expect(r.data).toHaveLength(1);
    expect(emu?.stats.texts).toEqual(['again']);
  });

  it('waits out a real TPM 429 using retry-after-ms', async () => {
    const openai = await client({ tpm: 600 }); // 10 tokens per second come back
    await openai.embeddings.create({ model: MODEL, input: 'a' + ' a'.repeat(594) });
    const started = performance.now();
    const r = await openai.embeddings.create({ model: MODEL, input: 'a' + ' a'.repeat(9) });
    expect(r.usage.prompt_tokens).toBe(10);
    expect(performance.now() - started).toBeGreaterThan(300);
    expect(emu?.stats.rateLimited).toBe(1);
    expect(emu?.stats.byStatus).toEqual({ 200: 2, 429: 1 });
  });

  it('surfaces a bad key as AuthenticationError without retrying', async () => {
    await client();
    const bad = new OpenAI({ apiKey: 'sk-wrong-0000000000000000000000', baseURL: emu!.baseUrl, maxRetries: 2 });
    const err = await bad.embeddings.create({ model: MODEL, input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    expect(emu?.stats.requests).toBe(1);
  });

  it('surfaces exhausted quota as RateLimitError with code insufficient_quota', async () => {
    const openai = await client({ quotaTokens: 1 }, 0);
    await openai.embeddings.create({ model: MODEL, input: 'a' });
    const err = await openai.embeddings.create({ model: MODEL, input: 'b' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('insufficient_quota');
  });

  it('surfaces a too-long input as BadRequestError', async () => {
    const openai = await client();
    const err = await openai.embeddings.create({ model: MODEL, input: 'a' + ' a'.repeat(8192) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain("This model's maximum context length is 8192 tokens, however you requested 8193 tokens");
  });
});
