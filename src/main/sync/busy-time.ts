/**
 * Time during which at least one of several overlapping activities ran (the union of their
 * intervals): the streams write pages at the same time, so summing their transactions would
 * count the shared seconds twice. Intervals are added as they end (end times never decrease).
 */
export class BusyTime {
  private readonly spans: [number, number][] = []; // disjoint, sorted
  private totalMs = 0;

  add(startMs: number, endMs: number): void {
    let start = startMs;
    let end = endMs;
    // The new interval ends last, so it can only overlap a suffix of the disjoint spans.
    while (this.spans.length && this.spans.at(-1)![1] >= start) {
      const [s, e] = this.spans.pop()!;
      this.totalMs -= e - s;
      start = Math.min(start, s);
      end = Math.max(end, e);
    }
    this.spans.push([start, end]);
    this.totalMs += end - start;
  }

  get ms(): number {
    return this.totalMs;
  }
}
