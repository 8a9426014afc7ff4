import { describe, expect, it } from 'vitest';
import { TokenBucket, formatDuration } from './rate-limit.ts';

describe('formatDuration', () => {
  it('prints like Go / OpenAI headers', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [0.2, '1ms'],
      [20, '20ms'],
      [999, '999ms'],
      [1000, '1s'],
      [1500, '1.5s'],
      [1242, '1.242s'],
      [60_000, '1m0s'],
      [360_000, '6m0s'],
      [61_234, '1m1.234s'],
      [3_723_000, '1h2m3s'],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms)).toBe(text);
  });
});

describe('TokenBucket', () => {
  it('drains, then refills continuously to full over a minute', () => {
    const b = new TokenBucket(60, 0);
    expect(b.remaining(0)).toBe(60);
    b.take(60, 0);
    expect(b.remaining(0)).toBe(0);
    expect(b.used(0)).toBe(60);
    expect(b.waitMs(1, 0)).toBe(1000);
    expect(b.resetMs(0)).toBe(60_000);
    expect(b.remaining(500)).toBe(0);
    expect(b.remaining(1000)).toBe(1);
    expect(b.remaining(30_000)).toBe(30);
    expect(b.waitMs(40, 30_000)).toBe(10_000);
    expect(b.remaining(600_000)).toBe(60);
    expect(b.resetMs(600_000)).toBe(0);
  });
});
