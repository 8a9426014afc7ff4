import { describe, expect, it } from 'vitest';
import { effectiveParallelism, probeEmbedding } from '../../../src/main/backfill/embed-probe.ts';
import type { OpenAIEmbedder } from '../../../src/main/embeddings/index.ts';

// A provider that answers after a round trip plus work per token; `serial` makes concurrent requests queue for the work.
function provider(o: { roundTripMs: number; msPerToken: number; serial: boolean; stallFirst?: number }) {
  let busyUntil = 0;
  let stall = o.stallFirst ?? 0;
  const sent: number[] = [];
  const embedder = {
    async embedAll(batches: { tokens: number }[]) {
      const tokens = batches.reduce((n, b) => n + b.tokens, 0);
      sent.push(tokens);
      const work = tokens * o.msPerToken;
      const now = performance.now();
      const start = o.serial ? Math.max(now, busyUntil) : now;
      busyUntil = start + work;
      await new Promise((r) => setTimeout(r, busyUntil - now + o.roundTripMs + stall));
      stall = 0;
      return { batches: 1, inputs: 0, tokens, billedTokens: tokens, requests: 1, rateLimited: 0, transientErrors: 0, elapsedMs: 0 };
    },
  } as unknown as OpenAIEmbedder;
  return { embedder, sent };
}

const texts = Array.from({ length: 40 }, (_, i) => ({ text: `text ${i}`, tokens: 100 }));
const many = Array.from({ length: 400 }, (_, i) => ({ text: `text ${i}`, tokens: 100 }));

describe('embedding probe', () => {
  it('sends at most 20,000 tokens of the given texts four times, beside a one-token request twice', async () => {
    const p = provider({ roundTripMs: 20, msPerToken: 0.005, serial: true });
    const r = (await probeEmbedding(p.embedder, many))!;
    expect(r.inputs).toBe(200);
    expect(r.tokens).toBe(20_000);
    expect(p.sent).toEqual([1, 20_000, 1, 20_000, 20_000, 20_000]);
  });

  it('a stall of one request does not pass for the provider\'s speed: the faster of two counts', async () => {
    const p = provider({ roundTripMs: 20, msPerToken: 0.005, serial: true, stallFirst: 300 });
    const r = (await probeEmbedding(p.embedder, many))!;
    expect(r.baseMs).toBeLessThan(200);
    expect(r.msPerToken).toBeLessThan(0.01);
  });

  it('measures the time per token over the round trip, and whether the work overlaps', async () => {
    const serial = (await probeEmbedding(provider({ roundTripMs: 20, msPerToken: 0.05, serial: true }).embedder, texts))!;
    expect(serial.msPerToken).toBeGreaterThan(0.04);
    expect(serial.msPerToken).toBeLessThan(0.1);
    expect(serial.pairSpeedup).toBeLessThan(1.3);
    const parallel = (await probeEmbedding(provider({ roundTripMs: 20, msPerToken: 0.05, serial: false }).embedder, texts))!;
    expect(parallel.pairSpeedup).toBeGreaterThan(1.6);
  });

  it('assumes no overlap when the work is shorter than a round trip (the round trips overlap, not the work)', async () => {
    const r = (await probeEmbedding(provider({ roundTripMs: 200, msPerToken: 0.001, serial: true }).embedder, texts))!;
    expect(r.pairSpeedup).toBe(1);
  });

  it('nothing to send: no probe', async () => {
    expect(await probeEmbedding(provider({ roundTripMs: 1, msPerToken: 0, serial: true }).embedder, [])).toBeNull();
  });

  it('parallelism: 1 when serialized, the window when the work scales', () => {
    expect(effectiveParallelism(1, 28)).toBe(1);
    expect(effectiveParallelism(2, 28)).toBeCloseTo(28);
    expect(effectiveParallelism(Math.SQRT2, 16)).toBeCloseTo(4);
  });
});
