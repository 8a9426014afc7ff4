import { describe, expect, it } from 'vitest';
import { BusyTime } from '../../src/main/sync/busy-time.ts';

// Reference: the union's length by brute force over 1 ms cells.
function unionMs(intervals: [number, number][]): number {
  const cells = new Set<number>();
  for (const [s, e] of intervals) for (let t = s; t < e; t++) cells.add(t);
  return cells.size;
}

describe('BusyTime (the union of overlapping write intervals)', () => {
  it('counts shared time once and gaps not at all', () => {
    const b = new BusyTime();
    b.add(0, 10);
    b.add(5, 12); // overlaps: +2
    b.add(20, 25); // gap: +5
    b.add(2, 30); // covers a gap between spans: the gaps 12–20 and 25–30
    expect(b.ms).toBe(30 - 0);
  });

  it('matches a brute-force union on random intervals added in order of their end', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const xs = Array.from({ length: 40 }, () => {
        const s = Math.floor(rnd() * 500);
        return [s, s + 1 + Math.floor(rnd() * 60)] as [number, number];
      }).sort((a, b) => a[1] - b[1]);
      const b = new BusyTime();
      for (const [s, e] of xs) b.add(s, e);
      expect(b.ms).toBe(unionMs(xs));
    }
  });
});
