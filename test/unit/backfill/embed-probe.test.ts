import { describe, expect, it } from 'vitest';
import { effectiveParallelism, PROBE_SENDS, probeEmbedding } from '../../../src/main/backfill/embed-probe.ts';
import type { OpenAIEmbedder } from '../../../src/main/embeddings/index.ts';

// A provider that answers after a round trip plus work per token; `serial` makes concurrent requests queue for the work.
function provider(o: { roundTripMs: number; msPerToken: number; serial: boolean; stallFirst?: number; stallCalls?: number[] }) {
  let busyUntil = 0;
  let stall = o.stallFirst ?? 0;
  const sent: number[] = [];
  const embedder = {
    async embedAll(batches: { tokens: number }[]) {
      const tokens = batches.reduce((n, b) => n + b.tokens, 0);
      sent.push(tokens);
      if (o.stallCalls?.includes(sent.length - 1)) stall = 300;
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
  it('sends at most 20,000 tokens of the given texts five times (three alone, then two at once), beside a one-token request three times', async () => {
    const p = provider({ roundTripMs: 20, msPerToken: 0.005, serial: true });
    const r = (await probeEmbedding(p.embedder, many))!;
    expect(r.inputs).toBe(200);
    expect(r.tokens).toBe(20_000);
    expect(p.sent).toEqual([1, 20_000, 1, 20_000, 1, 20_000, 20_000, 20_000]);
    // What the estimate's basis says it sent (and paid for).
    expect(p.sent.filter((t) => t === 20_000)).toHaveLength(PROBE_SENDS);
  });

  it('a pause in two of the slice\'s tries (the core collecting garbage) does not pass for work per token', async () => {
    // Calls 1 and 3 are the slice's first two tries alone.
    const p = provider({ roundTripMs: 20, msPerToken: 0.0005, serial: true, stallCalls: [1, 3] });
    const r = (await probeEmbedding(p.embedder, many))!;
    expect(r.msPerToken).toBeLessThan(0.005);
  });

  it('a stall of one request does not pass for the provider\'s speed: the fastest try counts', async () => {
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
