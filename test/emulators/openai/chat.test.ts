// Chat completions through the official `openai` SDK: structured output, usage, limits and faults.
import type { APIError } from 'openai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { promptTokens } from './chat.ts';
import { TEST_KEY } from './http.ts';
import { startOpenAIEmulator } from './server.ts';
import type { OpenAIEmulator, OpenAIEmulatorOptions } from './server.ts';

let emu: OpenAIEmulator | undefined;
afterEach(() => emu?.close());

async function client(options: OpenAIEmulatorOptions = {}, maxRetries = 0): Promise<OpenAI> {
  emu = await startOpenAIEmulator({ apiKeys: [TEST_KEY], ...options });
  return new OpenAI({ apiKey: TEST_KEY, baseURL: emu.baseUrl, maxRetries });
}

const schema = {
  type: 'object',
  properties: { summary: { type: 'string' }, risk_score: { type: 'number', minimum: 0, maximum: 10 }, reasons: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 }, level: { type: 'string', enum: ['low', 'medium', 'high'] } },
  required: ['summary', 'risk_score', 'reasons', 'level'],
  additionalProperties: false,
};
const messages = [
  { role: 'system' as const, content: 'You review pull requests.' },
  { role: 'user' as const, content: 'Add OAuth login\n\nChanges src/auth/login.ts' },
];

describe('chat completions', () => {
  it('answers a strict json_schema with a conforming object, the same for the same prompt, and bills its tokens', async () => {
    const openai = await client();
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'pr_review', schema, strict: true } } });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe('gpt-4o-mini-2024-07-18');
    expect(r.choices[0].finish_reason).toBe('stop');
    const answer = JSON.parse(r.choices[0].message.content!);
    expect(Object.keys(answer).sort()).toEqual(['level', 'reasons', 'risk_score', 'summary']);
    expect(answer.risk_score).toBeGreaterThanOrEqual(0);
    expect(answer.risk_score).toBeLessThanOrEqual(10);
    expect(['low', 'medium', 'high']).toContain(answer.level);
    expect(answer.reasons.length).toBeGreaterThanOrEqual(1);
    expect(answer.summary).toContain('Add OAuth login');
    expect(r.usage!.prompt_tokens).toBe(promptTokens(messages));
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(emu!.stats.chat['gpt-4o-mini']).toEqual({ requests: 1, promptTokens: r.usage!.prompt_tokens, completionTokens: r.usage!.completion_tokens });
    const again = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'pr_review', schema, strict: true } } });
    expect(again.choices[0].message.content).toBe(r.choices[0].message.content);
  });

  it('rejects what the real API rejects, with its words', async () => {
    const openai = await client();
    const fail = (p: Record<string, unknown>) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages, ...p } as never).then(() => null, (e: APIError) => `${e.status} ${(e.error as { message: string }).message}`);
    expect(await fail({ response_format: { type: 'json_object' } })).toMatch(/^400 .*must contain the word 'json'/);
    expect(await fail({ response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { ...schema, additionalProperties: undefined } } } })).toMatch(/^400 Invalid schema for response_format 'x'.*'additionalProperties' is required/);
    expect(await fail({ response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { ...schema, required: ['summary'] } } } })).toMatch(/Missing 'risk_score'/);
    expect(await fail({ model: 'gpt-5-imaginary' })).toMatch(/^404 The model `gpt-5-imaginary` does not exist/);
    expect(await fail({ messages: [] })).toMatch(/^400 Invalid 'messages': empty array/);
    expect(await fail({ bogus: 1 })).toMatch(/^400 Unrecognized request argument supplied: bogus/);
    expect(await fail({ max_completion_tokens: 0 })).toMatch(/integer below minimum value/);
    expect(emu!.stats.chat).toEqual({});
  });

  it('json_object answers JSON; a scripted answer is returned as is; max_tokens cuts it with finish_reason length', async () => {
    const openai = await client({ chatResponder: (req) => (req.messages.at(-1)!.content.includes('script') ? '{"summary": "scripted", "risk_score": 42}' : undefined) });
    const obj = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Answer in JSON please' }], response_format: { type: 'json_object' } });
    expect(() => JSON.parse(obj.choices[0].message.content!)).not.toThrow();
    const scripted = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'script this' }] });
    expect(scripted.choices[0].message.content).toBe('{"summary": "scripted", "risk_score": 42}');
    const cut = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'script this' }], max_completion_tokens: 4 });
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBe(4);
    expect(() => JSON.parse(cut.choices[0].message.content!)).toThrow();
  });

  it('shares the rate limits and the faults with embeddings', async () => {
    let now = 0;
    const openai = await client({ rpm: 2, clock: () => now, faults: [{ kind: '429', atRequests: [1], retryAfterSec: 0.01 }, { kind: 'status', status: 503, atRequests: [2] }] });
    const call = () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }).then(() => 200, (e: APIError) => e.status);
    expect(await call()).toBe(429); // injected
    expect(await call()).toBe(503); // injected
    expect(await call()).toBe(200);
    expect(await call()).toBe(200);
    expect(await call()).toBe(429); // RPM 2 used up
    expect(emu!.stats.rateLimited).toBe(1);
    now += 60_000;
    expect(await call()).toBe(200);
    const withRetries = new OpenAI({ apiKey: TEST_KEY, baseURL: emu!.baseUrl, maxRetries: 2 });
    emu!.setOptions({ faults: [{ kind: '429', atRequests: [1], retryAfterSec: 0.01 }] });
    now += 60_000;
    const r = await withRetries.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(r.choices[0].finish_reason).toBe('stop');
  });
});
