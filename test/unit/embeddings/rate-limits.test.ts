import { describe, expect, it } from 'vitest';
import { parseDurationMs, retryAfterMs } from '../../../src/main/embeddings/durations.ts';
import { BucketMirror, RateLimitMirror, readRateLimitHeaders } from '../../../src/main/embeddings/rate-limits.ts';

describe('parseDurationMs', () => {
  it("reads OpenAI's Go-style durations", () => {
    expect(parseDurationMs('20ms')).toBe(20);
    expect(parseDurationMs('1s')).toBe(1000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('6m0s')).toBe(360_000);
    expect(parseDurationMs('1h2m3s')).toBe(3_723_000);
    expect(parseDurationMs('2m30.25s')).toBe(150_250);
    expect(parseDurationMs('0s')).toBe(0);
    expect(parseDurationMs('250us')).toBeCloseTo(0.25);
    expect(parseDurationMs('3')).toBe(3000);
  });

  it('rejects anything else', () => {
    for (const bad of ['', '  ', 'soon', '5 s', '1x', 'ms', '1s2', '-1s', undefined, null]) expect(parseDurationMs(bad)).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('prefers retry-after-ms, then retry-after seconds or date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '71', 'retry-after': '1' }))).toBe(71);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4000)).toBe(6000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'later' }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('readRateLimitHeaders', () => {
  it('reads both buckets', () => {
    const h = new Headers({
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-limit-tokens': '5000000',
      'x-ratelimit-remaining-requests': '4999',
      'x-ratelimit-remaining-tokens': '4990000',
      'x-ratelimit-reset-requests': '12ms',
      'x-ratelimit-reset-tokens': '120ms',
    });
    expect(readRateLimitHeaders(h)).toEqual({ requests: { limit: 5000, remaining: 4999, resetMs: 12 }, tokens: { limit: 5_000_000, remaining: 4_990_000, resetMs: 120 } });
    expect(readRateLimitHeaders(new Headers())).toBeUndefined();
  });
});

describe('BucketMirror', () => {
  it('knows nothing before a report', () => {
    const b = new BucketMirror();
    expect(b.available(0)).toBe(Infinity);
    expect(b.waitMs(1e9, 0)).toBe(0);
  });

  it('refills at limit per minute from the report, minus what was sent after it', () => {
    const b = new BucketMirror();
    b.charge(0, 100, 0);
    b.charge(1, 200, 10);
    b.observe({ limit: 6000, remaining: 5900 }, 0, 0); // report of request 0 includes its own 100
    expect(b.available(10)).toBeCloseTo(5900 + 1 - 200);
    // Never above the limit; charges made after the bucket would have been full still count.
    expect(b.available(600_000)).toBe(6000);
    expect(b.waitMs(5000, 10)).toBe(0);
    b.charge(2, 5000, 10);
    // 5900 + 1 − 200 − 5000 = 701 left at t=10; 1,000 (+ 50 ms of refill as margin) needs
    // 304 more at 0.1 per ms.
    expect(b.waitMs(1000, 10)).toBe(3040);
    expect(b.waitMs(6001, 10)).toBe(Infinity);
  });

  it('ignores reports older than the one it holds, and drops refunded (429) charges', () => {
    const b = new BucketMirror();
    b.charge(5, 1000, 0);
    b.observe({ limit: 60_000, remaining: 100 }, 4, 0);
    b.observe({ limit: 60_000, remaining: 50_000 }, 3, 0);
    expect(b.available(0)).toBe(100 - 1000);
    b.refund(5);
    expect(b.available(0)).toBe(100);
  });

  it('orders reports by what they show, not by send order, and settles each charge by its own report', () => {
    // 60,000/min = 1 per ms. Requests 0, 1, 2 (10,000 each) sent together; admitted as 2, 0, 1.
    const reports = { 2: { limit: 60_000, remaining: 50_000, at: 1 }, 0: { limit: 60_000, remaining: 40_001, at: 2 }, 1: { limit: 60_000, remaining: 30_002, at: 3 } };
    for (const arrival of [[2, 0, 1], [1, 2, 0], [0, 1, 2]] as const) {
      const b = new BucketMirror();
      for (const seq of [0, 1, 2]) b.charge(seq, 10_000, 0);
      const seen: number[] = [];
      for (const seq of arrival) {
        const { at, ...report } = reports[seq];
        b.observe(report, seq, at);
        seen.push(Math.round(b.available(3)));
      }
      // Never above the truth (30,002 at t=3); exact once every report is in.
      expect(seen.every((v) => v <= 30_002), `arrival ${arrival}`).toBe(true);
      expect(seen.at(-1)).toBe(30_002);
    }
  });

  it('keeps a charge that ended without a report until a report from a request sent after it', () => {
    const b = new BucketMirror();
    b.charge(0, 1000, 0);
    b.observe({ limit: 60_000, remaining: 59_000 }, 0, 0);
    b.charge(1, 5000, 0);
    b.charge(2, 1000, 0);
    b.settle(1, 3); // e.g. a 503 without headers: charged or not, unknown
    b.observe({ limit: 60_000, remaining: 53_000 }, 2, 0); // sent before 1 ended: may not include it
    expect(b.available(0)).toBe(48_000);
    b.charge(3, 1000, 0);
    b.observe({ limit: 60_000, remaining: 52_000 }, 3, 0); // sent after: includes it
    expect(b.available(0)).toBe(52_000);
  });

  it('without a limit header, waits until the reported reset', () => {
    const b = new BucketMirror();
    b.observe({ remaining: 0, resetMs: 1500 }, 0, 100);
    expect(b.available(200)).toBe(0);
    expect(b.waitMs(1, 200)).toBe(1400);
    expect(b.available(1600)).toBe(Infinity);
  });

  it('believes a reset time that shows a window longer than a minute', () => {
    const b = new BucketMirror();
    // 1,000 per day: 900 used, full again in 21.6 h → one more every 86.4 s (not every 60 ms).
    b.observe({ limit: 1000, remaining: 100, resetMs: 77_760_000 }, 0, 0);
    expect(Math.abs(b.waitMs(101, 0) - 86_450)).toBeLessThanOrEqual(1); // + the 50 ms margin
  });
});

describe('RateLimitMirror', () => {
  it('waits for the scarcer bucket', () => {
    const m = new RateLimitMirror();
    const seq = m.ticket();
    m.charge(seq, 10, 0);
    m.observe({ requests: { limit: 60, remaining: 0 }, tokens: { limit: 600_000, remaining: 599_990 } }, seq, 0);
    expect(m.known).toBe(true);
    expect(m.waitMs(10, 0)).toBe(1050); // one request per second, + the 50 ms margin
    expect(m.ticket()).toBe(seq + 1);
  });
});
