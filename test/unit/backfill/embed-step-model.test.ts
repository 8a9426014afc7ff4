import { describe, expect, it } from 'vitest';
import { embedStepSeconds, scaledCountMs, type EmbedStepInputs } from '../../../src/main/backfill/estimate-model.ts';

// The embedding step's time model: every part of what the step does costs its measured time.
const base: EmbedStepInputs = {
  items: 7000,
  tokens: 3_500_000,
  requests: 28,
  pageSize: 2000,
  batchSize: 1000,
  textMsPerItem: 0,
  setupMs: 0,
  tpm: 5_000_000,
  rpm: 5000,
  initialTokens: 5_000_000,
  initialRequests: 5000,
  latencyMs: 300,
  msPerToken: 0,
  parallelism: () => 1,
  upsertMsPerRow: 0,
  warehouseMsPerRow: 0,
  flushMsPerRow: 0,
  countMs: 0,
};
const at = (x: Partial<EmbedStepInputs>) => embedStepSeconds({ ...base, ...x });

describe('embedding step time model', () => {
  it('with nothing but round trips: one per page (the pages go one after the other)', () => {
    expect(at({}).seconds).toBeCloseTo(4 * 0.3, 6);
  });

  it('counts the Milvus writes: every vector upserted, at the measured time per row', () => {
    const without = at({});
    const withMilvus = at({ upsertMsPerRow: 0.9 });
    expect(withMilvus.parts.milvus).toBeCloseTo(7000 * 0.0009, 6);
    expect(withMilvus.seconds - without.seconds).toBeCloseTo(6.3, 6);
  });

  it('counts the warehouse marks, the final flush and the counts over the collection as the run leaves it', () => {
    const r = at({ warehouseMsPerRow: 1, flushMsPerRow: 0.5, countMs: 2500 });
    expect(r.parts.warehouse).toBeCloseTo(7, 6);
    expect(r.parts.finish).toBeCloseTo(7000 * 0.0005 + 2.5, 6);
    expect(r.seconds).toBeCloseTo(1.2 + 7 + 3.5 + 2.5, 6);
  });

  it('reads and tokenizes every text twice (the plan, then the embedding pass) and sets the collection up once', () => {
    const r = at({ textMsPerItem: 0.5, setupMs: 1500 });
    expect(r.parts.text).toBeCloseTo(2 * 7000 * 0.0005, 6);
    expect(r.parts.setup).toBe(1.5);
    expect(r.seconds).toBeCloseTo(1.2 + 7 + 1.5, 6);
  });

  it('stores every batchSize vectors: a page of 2,000 is two writes, a remainder waits for the end', () => {
    // 2,500 items in pages of 2,000 and writes of 1,000: 2,000 stored after page 1, 500 at the end.
    const r = at({ items: 2500, upsertMsPerRow: 1 });
    expect(r.parts.milvus).toBeCloseTo(2.5, 6);
  });

  it('sending is bound by the rate limit when the buckets are empty; reading and storing refill them meanwhile', () => {
    // 3.5 M tokens from an empty bucket at 5 M/min: 42 s before the last is admitted, plus a round trip.
    const bound = at({ initialTokens: 0 });
    expect(bound.parts.sending).toBeCloseTo(42 + 0.3 * 4 - 0.3 * 3, 0);
    // 20 s of writes refill 1.67 M tokens: sending waits that much less, the total grows by less than 20 s.
    const withWrites = at({ initialTokens: 0, warehouseMsPerRow: 20 / 7 });
    expect(withWrites.parts.warehouse).toBeCloseTo(20, 6);
    expect(withWrites.seconds - bound.seconds).toBeLessThan(20);
    expect(withWrites.seconds - bound.seconds).toBeGreaterThan(0);
  });

  it('the provider\'s work per token, spread over the requests that overlap', () => {
    const serial = at({ msPerToken: 0.002 });
    expect(serial.parts.sending).toBeCloseTo(1.2 + 7, 6);
    const parallel = at({ msPerToken: 0.002, parallelism: (n) => n });
    // Pages of 8, 8, 8 and 4 requests: each page's work spread over its requests.
    expect(parallel.parts.sending).toBeCloseTo(4 * (0.3 + 0.25), 6);
  });

  it('nothing to embed: only the set-up', () => {
    expect(at({ items: 0, setupMs: 200, upsertMsPerRow: 5 }).seconds).toBe(0.2);
  });
});

describe('count time at the run\'s size, from two timed sizes', () => {
  it('follows the measured growth: linear stays linear, quadratic stays quadratic', () => {
    expect(scaledCountMs([1000, 2000], [100, 200], 7000)).toBeCloseTo(700, 6);
    expect(scaledCountMs([1000, 2000], [100, 400], 7000)).toBeCloseTo(400 * 3.5 ** 2, 6);
  });

  it('holds a noisy pair within linear and quadratic growth (a filtered count reads every row)', () => {
    // Faster at the larger size (a stall at the first): read as linear, never as shrinking.
    expect(scaledCountMs([1000, 2000], [300, 200], 8000)).toBeCloseTo(800, 6);
    expect(scaledCountMs([1000, 2000], [100, 150], 8000)).toBeCloseTo(600, 6);
    expect(scaledCountMs([1000, 2000], [100, 1600], 4000)).toBeCloseTo(1600 * 4, 6);
  });

  it('at the second size (the run\'s own), the time measured there', () => {
    expect(scaledCountMs([250, 5250], [20, 600], 5250)).toBeCloseTo(600, 6);
    expect(scaledCountMs([250, 5250], [20, 600], 7000)).toBeGreaterThan(600 * (7000 / 5250));
    // Another count at that size (right after the flush), grown as the pair grew.
    expect(scaledCountMs([1000, 2000], [100, 400], 4000, 500)).toBeCloseTo(500 * 4, 6);
  });

  it('no rows: no time', () => {
    expect(scaledCountMs([1000, 2000], [100, 200], 0)).toBe(0);
  });
});
