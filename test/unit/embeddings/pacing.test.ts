// Pacing against the emulator's real token buckets: adapt to low limits, ride out 429s.
import { describe, expect, it } from 'vitest';
import { minWallSeconds } from '../../../src/main/embeddings/rate-bound.ts';
import type { EmbedItem } from '../../../src/main/embeddings/batches.ts';
import { KEY, MODEL, batchesOf, collect, embedderFor, emulator, makeItems, textOf } from './helpers.ts';

const exactItems = (n: number, tokens: number): EmbedItem[] => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, text: textOf(tokens), tokens }));

describe('pacing by the rate-limit headers', () => {
  it('at a low TPM: no 429s, and finishes close to the rate bound', async () => {
    const latencyMs = 50;
    const emu = await emulator({ rpm: 600, tpm: 60_000, latencyMs, recordTexts: false });
    const items = exactItems(250, 250); // 62,500 tokens: 2,500 more than the full bucket holds
    const batches = batchesOf(items, { maxInputs: 10 });
    const run = await collect(embedderFor(emu), batches);
    expect(run.error).toBeUndefined();
    expect(run.summary?.inputs).toBe(250);
    expect(emu.stats.billedTokens).toBe(62_500);
    expect(emu.stats.rateLimited).toBe(0);
    const bound = minWallSeconds({ tokens: 62_500, requests: batches.length, rpm: 600, tpm: 60_000, latencyMs });
    expect(bound).toBeCloseTo(2.55);
    expect(run.ms / 1000).toBeGreaterThan(bound * 0.95); // the emulator really enforces it
    expect(run.ms / 1000).toBeLessThan(bound * 1.2);
  });

  it('at a low RPM: no 429s, and finishes close to the rate bound', async () => {
    const latencyMs = 20;
    const emu = await emulator({ rpm: 300, tpm: 10_000_000, latencyMs, recordTexts: false });
    const batches = batchesOf(makeItems(310, 20), { maxInputs: 1 }); // 10 requests beyond the bucket at 5/s
    const run = await collect(embedderFor(emu), batches);
    expect(run.error).toBeUndefined();
    expect(emu.stats.rateLimited).toBe(0);
    expect(emu.stats.requests).toBe(310);
    const bound = minWallSeconds({ tokens: 0, requests: 310, rpm: 300, tpm: 10_000_000, latencyMs });
    expect(bound).toBeCloseTo(2.02);
    expect(run.ms / 1000).toBeGreaterThan(bound * 0.95);
    expect(run.ms / 1000).toBeLessThan(bound * 1.2);
  });

  it('obeys retry-after when someone else drained the bucket, then paces from the fresh report', async () => {
    const emu = await emulator({ rpm: 10_000, tpm: 300_000, recordTexts: false }); // 5,000 tokens/s
    const embedder = embedderFor(emu);
    await collect(embedder, batchesOf(exactItems(1, 100), {})); // learns the limits
    // Another client on the same key spends 288,000 tokens the embedder cannot know about.
    const drain = await fetch(`${emu.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: Array(36).fill(textOf(8000)) }),
    });
    expect(drain.status).toBe(200);
    emu.resetStats();
    // 20,000 tokens sent in one burst on stale knowledge; only ~12,000 are left.
    const run = await collect(embedder, batchesOf(exactItems(20, 1000), { maxInputs: 4 }));
    expect(run.error).toBeUndefined();
    expect(run.summary?.inputs).toBe(20);
    expect(emu.stats.rateLimited).toBeGreaterThanOrEqual(1); // surprised by the burst…
    expect(emu.stats.rateLimited).toBeLessThanOrEqual(4); // …then paced by the 429's own headers
    expect(run.summary?.rateLimited).toBe(emu.stats.rateLimited);
    expect(run.ms).toBeGreaterThan(1000); // ~8,000 tokens had to be refilled at 5,000/s
  });
});

describe('429 storm (fault injection)', () => {
  it('completes every batch exactly once without tripping the real limits', async () => {
    const emu = await emulator({
      rpm: 3000,
      tpm: 200_000,
      latencyMs: 10,
      faults: [{ kind: '429', probability: 0.35, seed: 11, retryAfterSec: 0.02, limitType: 'tokens' }],
      recordTexts: false,
    });
    const items = makeItems(400, 60);
    const batches = batchesOf(items, { maxInputs: 10 });
    const run = await collect(embedderFor(emu), batches);
    expect(run.error).toBeUndefined();
    expect(emu.stats.faultsInjected).toBeGreaterThan(10);
    expect(emu.stats.rateLimited).toBe(0); // the real RPM/TPM limiter never had to say no
    expect(run.summary?.rateLimited).toBe(emu.stats.faultsInjected);
    expect(run.results.map((r) => r.batch.index).sort((a, b) => a - b)).toEqual(batches.map((b) => b.index));
    expect(emu.stats.inputsEmbedded).toBe(400);
    expect(run.results.every((r) => r.vectors.length === r.batch.items.length)).toBe(true);
  });

  it('gives up on a batch that is rate-limited forever', async () => {
    const emu = await emulator({ faults: [{ kind: '429', every: 1, retryAfterSec: 0.001 }] });
    const run = await collect(embedderFor(emu, { maxRateLimitRetries: 5 }), batchesOf(makeItems(3), {}));
    expect(run.error).toMatchObject({ code: 'unavailable' });
    expect((run.error as Error).message).toMatch(/kept rate-limiting batch 0 \(6 times\)/);
    expect(emu.stats.requests).toBe(6);
  });
});
