// The embedder against the OpenAI emulator: results, order, usage, dimensions, estimates.
import { describe, expect, it } from 'vitest';
import { encodeText } from '../../emulators/openai/tokenizer.ts';
import { embedTokens, modelSeed } from '../../emulators/openai/vectors.ts';
import { OpsError } from '../../../src/shared/errors.ts';
import { OpenAIEmbedder } from '../../../src/main/embeddings/openai-embedder.ts';
import { KEY, MODEL, batchesOf, collect, embedderFor, emulator, makeItems } from './helpers.ts';

const expectedVector = (text: string, model: string, dims: number): number[] => Array.from(embedTokens(encodeText(text), modelSeed(model), dims));

describe('OpenAIEmbedder.embedAll', () => {
  it('embeds 500 items: one vector per item, in item order, usage summing to what the emulator billed', async () => {
    const emu = await emulator({ latencyMs: 20 });
    const items = makeItems(500);
    const batches = batchesOf(items, { maxInputs: 64 });
    let active = 0;
    let overlapped = false;
    const run = await collect(embedderFor(emu), batches, {
      onBatch: async () => {
        overlapped ||= active > 0;
        active++;
        await new Promise((r) => setTimeout(r, 2));
        active--;
      },
    });
    expect(run.error).toBeUndefined();
    expect(overlapped).toBe(false); // handed over one at a time

    expect(run.results.map((r) => r.batch.index).sort((a, b) => a - b)).toEqual(batches.map((b) => b.index));
    const mismatches: string[] = [];
    for (const r of run.results) {
      if (r.vectors.length !== r.batch.items.length) mismatches.push(`batch ${r.batch.index} size`);
      r.batch.items.forEach((item, i) => {
        const want = expectedVector(item.text, MODEL, 1536);
        const got = r.vectors[i];
        if (got.length !== 1536 || got.some((x, k) => Math.abs(x - want[k]) > 1e-6)) mismatches.push(item.id);
      });
      expect(r.requestId).toMatch(/^req_/);
      expect(r.attempts).toBe(1);
    }
    expect(mismatches).toEqual([]);

    const usage = run.results.reduce((s, r) => s + r.tokens, 0);
    expect(usage).toBe(emu.stats.billedTokens);
    expect(usage).toBe(items.reduce((s, it) => s + it.tokens, 0)); // local counts agree with the API's
    expect(run.summary).toMatchObject({ batches: 8, inputs: 500, tokens: usage, billedTokens: usage, requests: 8, rateLimited: 0, transientErrors: 0 });
    expect(emu.stats.requests).toBe(8);
  });

  it('honours dimensions, and sends none for ada-002', async () => {
    const emu = await emulator();
    const items = makeItems(5);
    const large = await collect(embedderFor(emu, { model: 'text-embedding-3-large', dimensions: 256 }), batchesOf(items, {}));
    expect(large.results[0].vectors.map((v) => v.length)).toEqual([256, 256, 256, 256, 256]);
    expect(large.results[0].vectors[2]).toEqual(expectedVector(items[2].text, 'text-embedding-3-large', 256));

    const ada = await collect(embedderFor(emu, { model: 'text-embedding-ada-002' }), batchesOf(items, {}));
    expect(ada.error).toBeUndefined(); // the emulator, like the API, rejects `dimensions` for ada
    expect(ada.results[0].vectors[0]).toHaveLength(1536);
    expect(Object.keys(emu.stats.byModel).sort()).toEqual(['text-embedding-3-large', 'text-embedding-ada-002']);
  });

  it('rejects impossible dimensions before sending anything', () => {
    expect(() => new OpenAIEmbedder({ apiKey: KEY, model: 'text-embedding-ada-002', dimensions: 512 })).toThrow(/does not support choosing dimensions/);
    expect(() => new OpenAIEmbedder({ apiKey: KEY, model: 'text-embedding-3-small', dimensions: 4096 })).toThrow(/at most 1536/);
    expect(() => new OpenAIEmbedder({ apiKey: KEY, model: MODEL, dimensions: 0 })).toThrow(OpsError);
    expect(() => new OpenAIEmbedder({ apiKey: ' ', model: MODEL })).toThrow(/No OpenAI API key/);
  });

  it('finishes at once with nothing to do', async () => {
    const emu = await emulator();
    const run = await collect(embedderFor(emu), []);
    expect(run.summary).toMatchObject({ batches: 0, requests: 0 });
    expect(emu.stats.requests).toBe(0);
  });
});

describe('OpenAIEmbedder.estimate', () => {
  it('computes tokens and dollars locally, counting texts without a token count', () => {
    const e = new OpenAIEmbedder({ apiKey: KEY, model: 'text-embedding-3-large' });
    expect(e.estimate([{ text: 'x', tokens: 600_000 }, { text: 'x', tokens: 400_000 }])).toEqual({ inputs: 2, tokens: 1_000_000, costUsd: 0.13 });
    expect(e.estimate([{ text: 'hello world' }]).tokens).toBe(2);
  });

  it('needs a price for a model it does not know', () => {
    const items = [{ text: 'x', tokens: 2_000_000 }];
    expect(() => new OpenAIEmbedder({ apiKey: KEY, model: 'local-embed' }).estimate(items)).toThrow(/No price known for embedding model "local-embed"/);
    expect(new OpenAIEmbedder({ apiKey: KEY, model: 'local-embed', prices: { 'local-embed': 0.5 } }).estimate(items).costUsd).toBeCloseTo(1);
  });
});
