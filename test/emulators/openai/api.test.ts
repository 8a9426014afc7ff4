import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeText } from './fixtures.ts';
import { TEST_KEY, call, cosine, embed, fromBase64 } from './http.ts';
import { startOpenAIEmulator } from './server.ts';
import type { OpenAIEmulator } from './server.ts';

const MODEL = 'text-embedding-3-small';
const tokens = (s: string): number[] => encode(s, { disallowedSpecial: new Set() });

let emu: OpenAIEmulator;
let url: string;

beforeAll(async () => {
  emu = await startOpenAIEmulator({ apiKeys: [TEST_KEY] });
  url = emu.baseUrl;
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.setOptions({ recordTexts: true, latencyMs: 0 });
  emu.resetStats();
});

describe('POST /v1/embeddings', () => {
  it('answers in exactly the OpenAI shape', async () => {
    const r = await embed(url, { model: MODEL, input: ['first text', 'second text'], encoding_format: 'float' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['object', 'data', 'model', 'usage']);
    expect(r.json.object).toBe('list');
    expect(r.json.model).toBe(MODEL);
    expect(r.json.data.map((d: object) => Object.keys(d))).toEqual([
      ['object', 'index', 'embedding'],
      ['object', 'index', 'embedding'],
    ]);
    expect(r.json.data.map((d: { object: string; index: number }) => [d.object, d.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    expect(r.json.data[0].embedding).toHaveLength(1536);
    const n = tokens('first text').length + tokens('second text').length;
    expect(r.json.usage).toEqual({ prompt_tokens: n, total_tokens: n });
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(r.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    expect(r.headers.get('openai-model')).toBe(MODEL);
  });

  it('uses each model’s native width and honours `dimensions`', async () => {
    const width = async (body: object): Promise<number> => (await embed(url, { input: 'x', encoding_format: 'float', ...body })).json.data[0].embedding.length;
    expect(await width({ model: 'text-embedding-3-small' })).toBe(1536);
    expect(await width({ model: 'text-embedding-3-large' })).toBe(3072);
    expect(await width({ model: 'text-embedding-ada-002' })).toBe(1536);
    expect(await width({ model: 'text-embedding-3-large', dimensions: 256 })).toBe(256);
    const v: number[] = (await embed(url, { model: MODEL, input: 'normalise me', dimensions: 64, encoding_format: 'float' })).json.data[0].embedding;
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it('returns the same float32 values as base64 and as float', async () => {
    const input = [makeText(1, 1, 200), 'short', makeText(2, 5, 50)];
    const f = await embed(url, { model: MODEL, input, encoding_format: 'float' });
    const b = await embed(url, { model: MODEL, input, encoding_format: 'base64' });
    expect(b.json.usage).toEqual(f.json.usage);
    for (let i = 0; i < input.length; i++) {
      expect(typeof b.json.data[i].embedding).toBe('string');
      expect(Array.from(fromBase64(b.json.data[i].embedding))).toEqual(f.json.data[i].embedding);
    }
  });

  it('defaults to float, and is deterministic across requests', async () => {
    const a = await embed(url, { model: MODEL, input: 'same text' });
    const b = await embed(url, { model: MODEL, input: ['other', 'same text'] });
    expect(Array.isArray(a.json.data[0].embedding)).toBe(true);
    expect(b.json.data[1].embedding).toEqual(a.json.data[0].embedding);
  });

  it('counts tokens with cl100k_base exactly', async () => {
    const input = [makeText(3, 2, 300), "It's naïve—isn't it? 😀 中文 <|endoftext|>", '  spaced\r\n\tout  '];
    const r = await embed(url, { model: MODEL, input });
    const expected = input.reduce((s, t) => s + tokens(t).length, 0);
    expect(r.json.usage.prompt_tokens).toBe(expected);
    expect(emu.stats.billedTokens).toBe(expected);
  });

  it('accepts token ids and token-id arrays, embedding them like the text they encode', async () => {
    const text = 'token ids in, same vector out';
    const fromText = (await embed(url, { model: MODEL, input: text })).json.data[0].embedding;
    const single = await embed(url, { model: MODEL, input: tokens(text) });
    expect(single.status).toBe(200);
    expect(single.json.data[0].embedding).toEqual(fromText);
    expect(single.json.usage.prompt_tokens).toBe(tokens(text).length);
    const many = await embed(url, { model: MODEL, input: [tokens(text), tokens('other')] });
    expect(many.json.data).toHaveLength(2);
    expect(many.json.data[0].embedding).toEqual(fromText);
    expect(emu.stats.texts).toEqual([text, text, text, 'other']);
  });

  it('keeps similar texts near each other through the API', async () => {
    const base = makeText(4, 0, 300);
    const edited = base.replace(/queue/g, 'pool');
    const other = makeText(5, 8, 300);
    const [a, b, c] = (await embed(url, { model: MODEL, input: [base, edited, other] })).json.data.map((d: { embedding: number[] }) => d.embedding);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.3);
  });
});

describe('request limits and validation', () => {
  const error = (r: { json: { error: object } }): object => r.json.error;

  it('rejects more than 2048 inputs', async () => {
    expect((await embed(url, { model: MODEL, input: Array(2048).fill('a'), encoding_format: 'base64' })).status).toBe(200);
    const r = await embed(url, { model: MODEL, input: Array(2049).fill('a') });
    expect(r.status).toBe(400);
    expect(error(r)).toEqual({ message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", type: 'invalid_request_error', param: null, code: null });
  });

  it('rejects an input over 8192 tokens with the context-length message', async () => {
    const ok = 'a' + ' a'.repeat(8191);
    expect(tokens(ok)).toHaveLength(8192);
    expect((await embed(url, { model: MODEL, input: ok })).status).toBe(200);
    const r = await embed(url, { model: MODEL, input: ['fine', ok + ' a'] });
    expect(r.status).toBe(400);
    expect(error(r)).toEqual({
      message:
        "This model's maximum context length is 8192 tokens, however you requested 8193 tokens (8193 in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
      type: 'invalid_request_error',
      param: 'input',
      code: null,
    });
    expect((await embed(url, { model: MODEL, input: Array(8193).fill(64) })).status).toBe(400);
  });

  it('rejects more than 300,000 tokens in one request', async () => {
    const input = Array(38).fill('a' + ' a'.repeat(7999));
    const r = await embed(url, { model: MODEL, input });
    expect(r.status).toBe(400);
    expect(error(r)).toEqual({ message: 'Requested 304000 tokens, max 300000 tokens per request', type: 'max_tokens_per_request', param: null, code: 'max_tokens_per_request' });
    expect(emu.stats.billedTokens).toBe(0);
  });

  it('rejects empty and malformed input', async () => {
    for (const input of ['', [], [''], ['ok', ''], [[]], [1.5], [-1], [100277], ['a', [1]], [{}], null, 42]) {
      const r = await embed(url, { model: MODEL, input });
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(r.json.error.message).toMatch(/^'\$\.input' is invalid/);
    }
  });

  it('rejects `dimensions` for ada-002 and out-of-range values', async () => {
    const ada = await embed(url, { model: 'text-embedding-ada-002', input: 'x', dimensions: 256 });
    expect(ada.status).toBe(400);
    expect(error(ada)).toEqual({ message: 'This model does not support specifying dimensions.', type: 'invalid_request_error', param: null, code: null });
    const big = await embed(url, { model: MODEL, input: 'x', dimensions: 2000 });
    expect(big.status).toBe(400);
    expect(big.json.error).toMatchObject({ param: 'dimensions', code: 'integer_above_max_value' });
    expect((await embed(url, { model: MODEL, input: 'x', dimensions: 0 })).json.error.code).toBe('integer_below_min_value');
  });

  it('rejects unknown models, formats and arguments', async () => {
    const unknown = await embed(url, { model: 'text-embedding-4', input: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'model_not_found', message: 'The model `text-embedding-4` does not exist or you do not have access to it.' });
    const missing = await embed(url, { input: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toBe('you must provide a model parameter');
    const fmt = await embed(url, { model: MODEL, input: 'x', encoding_format: 'int8' });
    expect(fmt.json.error).toMatchObject({ param: 'encoding_format', code: 'invalid_value' });
    expect((await embed(url, { model: MODEL, input: 'x', temperature: 1 })).json.error.message).toBe('Unrecognized request argument supplied: temperature');
    expect((await embed(url, { model: MODEL, input: 'x', user: 'user-1234' })).status).toBe(200);
    const bad = await embed(url, '{"model": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^We could not parse the JSON body of your request/);
  });

  it('answers unknown URLs and wrong methods like the API', async () => {
    const r = await call(url, '/completions', { body: {} });
    expect(r.status).toBe(404);
    expect(r.json.error.message).toBe('Invalid URL (POST /v1/completions)');
    expect((await call(url, '/embeddings')).status).toBe(405);
  });
});

describe('authentication', () => {
  it('requires a key', async () => {
    const r = await embed(url, { model: MODEL, input: 'x' }, null);
    expect(r.status).toBe(401);
    expect(r.json.error.message).toMatch(/^You didn't provide an API key\./);
    expect(r.json.error.type).toBe('invalid_request_error');
  });

  it('rejects a wrong key, masked like OpenAI masks it', async () => {
    const key = 'sk-proj-WRONGkey0123456789abcdefghijklmnopqrsT7sQA';
    const r = await embed(url, { model: MODEL, input: 'x' }, key);
    expect(r.status).toBe(401);
    expect(r.json.error).toEqual({
      message: `Incorrect API key provided: sk-proj-${'*'.repeat(key.length - 12)}7sQA. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
    expect(JSON.stringify(r.json)).not.toContain('WRONGkey');
    expect(emu.stats.byStatus[401]).toBe(1);
  });
});

describe('models', () => {
  it('lists and retrieves models in OpenAI’s shape', async () => {
    const list = await call(url, '/models');
    expect(list.status).toBe(200);
    expect(list.json.object).toBe('list');
    expect(list.json.data.map((m: { id: string }) => m.id)).toEqual(['text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002', 'gpt-4o-mini', 'gpt-4o']);
    const one = await call(url, '/models/text-embedding-3-large');
    expect(one.json).toEqual({ id: 'text-embedding-3-large', object: 'model', created: 1705953180, owned_by: 'system' });
    const none = await call(url, '/models/gpt-nothing');
    expect(none.status).toBe(404);
    expect(none.json.error).toEqual({ message: "The model 'gpt-nothing' does not exist", type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });
});

describe('stats and options', () => {
  it('counts requests, statuses, models and embedded texts', async () => {
    await embed(url, { model: MODEL, input: ['a', 'b'] });
    await embed(url, { model: 'text-embedding-3-large', input: 'c' });
    await embed(url, { model: MODEL, input: '' });
    const s = emu.stats;
    expect(s.requests).toBe(3);
    expect(s.byStatus).toEqual({ 200: 2, 400: 1 });
    expect(s.inputsEmbedded).toBe(3);
    expect(s.billedTokens).toBe(3);
    expect(s.byModel).toEqual({ [MODEL]: { requests: 1, inputs: 2, tokens: 2 }, 'text-embedding-3-large': { requests: 1, inputs: 1, tokens: 1 } });
    expect(s.texts).toEqual(['a', 'b', 'c']);
    expect(s.cpuMs).toBeGreaterThan(0);
    emu.resetStats();
    expect(emu.stats.requests).toBe(0);
    expect(emu.stats.texts).toEqual([]);
  });

  it('can skip recording texts', async () => {
    emu.setOptions({ recordTexts: false });
    await embed(url, { model: MODEL, input: ['a', 'b'] });
    expect(emu.stats.texts).toEqual([]);
    expect(emu.stats.inputsEmbedded).toBe(2);
  });

  it('delays successful responses by the configured latency', async () => {
    emu.setOptions({ latencyMs: 150 });
    const t = performance.now();
    const r = await embed(url, { model: MODEL, input: 'slow' });
    expect(r.status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(145);
    expect(Number(r.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(145);
  });
});
