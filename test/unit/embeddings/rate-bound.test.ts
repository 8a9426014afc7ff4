import { describe, expect, it } from 'vitest';
import { minWallSeconds } from '../../../src/main/embeddings/rate-bound.ts';

describe('minWallSeconds', () => {
  it('is one latency when the work fits the full starting buckets', () => {
    expect(minWallSeconds({ tokens: 2_500_000, requests: 20, rpm: 5000, tpm: 5_000_000, latencyMs: 300 })).toBeCloseTo(0.3);
  });

  it('adds the refill time for what exceeds the starting buckets', () => {
    // 12.5 M tokens at 5 M/min: 7.5 M must be refilled → 90 s.
    expect(minWallSeconds({ tokens: 12_500_000, requests: 100, rpm: 5000, tpm: 5_000_000, latencyMs: 300 })).toBeCloseTo(90.3);
    // 130 requests at 60 RPM: 70 beyond the bucket → 70 s.
    expect(minWallSeconds({ tokens: 1000, requests: 130, rpm: 60, tpm: 1e6, latencyMs: 0 })).toBeCloseTo(70);
  });

  it('uses the scarcer limit and honours a partly used bucket', () => {
    expect(minWallSeconds({ tokens: 62_500, requests: 10, rpm: 600, tpm: 60_000, latencyMs: 50 })).toBeCloseTo(2.55);
    expect(minWallSeconds({ tokens: 10_000, requests: 10, rpm: 600, tpm: 60_000, latencyMs: 0, initialTokens: 0 })).toBeCloseTo(10);
  });
});
