// In-memory block directory: one row per block in growable typed columns (≈90 bytes a
// block, no per-line data). Rows [0, committed) are in the segment files; an optional
// last row is the provisional tail (unterminated last line), kept only in memory.
import { HEADER_BYTES, HEADER_MAGIC, headerView } from './block-format.ts';
import { LEVEL_COUNT } from './levels.ts';

interface FilterPrefix { pre: Float64Array; upto: number }

function grow<T extends Float64Array | Uint32Array | Uint8Array>(a: T, cap: number): T {
  const next = new (a.constructor as new (n: number) => T)(cap);
  next.set(a);
  return next;
}

export class BlockTable {
  count = 0;
  committed = 0;
  start = new Float64Array(64);
  byteLen = new Uint32Array(64);
  lines = new Uint32Array(64);
  firstLine = new Float64Array(65);
  bloomOff = new Float64Array(64);
  bloomLen = new Uint32Array(64);
  hashes = new Uint8Array(64);
  levels = new Uint32Array(64 * LEVEL_COUNT);
  tailBloom: Uint8Array | null = null;
  /** Bytes of blooms.seg used by committed rows. */
  bloomBytes = 0;
  private readonly filters = new Map<number, FilterPrefix>();

  get hasTail(): boolean { return this.count > this.committed; }
  get totalLines(): number { return this.firstLine[this.count]; }
  get committedLines(): number { return this.firstLine[this.committed]; }
  /** File offset just past the last row (tail included). */
  get end(): number { return this.count === 0 ? 0 : this.start[this.count - 1] + this.byteLen[this.count - 1]; }
  get committedEnd(): number { return this.committed === 0 ? 0 : this.start[this.committed - 1] + this.byteLen[this.committed - 1]; }

  levelTotals(): Float64Array {
    const out = new Float64Array(LEVEL_COUNT);
    for (let b = 0; b < this.count; b++) for (let l = 0; l < LEVEL_COUNT; l++) out[l] += this.levels[b * LEVEL_COUNT + l];
    return out;
  }

  /** Appends committed rows parsed from header records (throws on a torn/foreign record). */
  appendCommitted(headers: Uint8Array): void {
    this.clearTail();
    this.addRows(headers, false);
  }

  setTail(headers: Uint8Array, bloom: Uint8Array): void {
    this.clearTail();
    if (headers.length === 0) return;
    this.addRows(headers, true);
    this.tailBloom = bloom;
  }

  clearTail(): void {
    if (!this.hasTail) return;
    this.count = this.committed;
    this.tailBloom = null;
    for (const f of this.filters.values()) f.upto = Math.min(f.upto, this.count);
  }

  reset(): void {
    this.count = this.committed = 0;
    this.bloomBytes = 0;
    this.tailBloom = null;
    this.filters.clear();
  }

  private addRows(headers: Uint8Array, tail: boolean): void {
    const n = headers.length / HEADER_BYTES;
    if (!Number.isInteger(n)) throw new Error('Block headers: partial record');
    if (tail && n !== 1) throw new Error('Provisional tail must be one block');
    this.reserve(this.count + n);
    const view = headerView(headers);
    let bloomOff = this.bloomBytes;
    for (let i = 0; i < n; i++) {
      const at = i * HEADER_BYTES;
      if (view.getUint32(at + 52, true) !== HEADER_MAGIC) throw new Error('Block headers: bad magic');
      const b = this.count;
      const start = view.getFloat64(at, true);
      if (start !== this.end) throw new Error(`Block headers: gap at ${start} (expected ${this.end})`);
      this.start[b] = start;
      this.byteLen[b] = view.getUint32(at + 8, true);
      this.lines[b] = view.getUint32(at + 12, true);
      this.bloomLen[b] = view.getUint32(at + 16, true);
      this.hashes[b] = view.getUint8(at + 20);
      let sum = 0;
      for (let l = 0; l < LEVEL_COUNT; l++) {
        const c = view.getUint32(at + 24 + l * 4, true);
        this.levels[b * LEVEL_COUNT + l] = c;
        sum += c;
      }
      if (sum !== this.lines[b] || this.lines[b] === 0) throw new Error('Block headers: inconsistent counts');
      this.bloomOff[b] = tail ? 0 : bloomOff;
      if (!tail) bloomOff += this.bloomLen[b];
      this.firstLine[b + 1] = this.firstLine[b] + this.lines[b];
      this.count++;
    }
    if (!tail) {
      this.committed = this.count;
      this.bloomBytes = bloomOff;
    }
  }

  private reserve(n: number): void {
    if (n <= this.start.length) return;
    let cap = this.start.length * 2;
    while (cap < n) cap *= 2;
    this.start = grow(this.start, cap);
    this.byteLen = grow(this.byteLen, cap);
    this.lines = grow(this.lines, cap);
    this.firstLine = grow(this.firstLine, cap + 1);
    this.bloomOff = grow(this.bloomOff, cap);
    this.bloomLen = grow(this.bloomLen, cap);
    this.hashes = grow(this.hashes, cap);
    this.levels = grow(this.levels, cap * LEVEL_COUNT);
  }

  /** Lines of block b whose level is in mask (0 = all). */
  maskCount(b: number, mask: number): number {
    if (mask === 0) return this.lines[b];
    let n = 0;
    for (let l = 0; l < LEVEL_COUNT; l++) if (mask & (1 << l)) n += this.levels[b * LEVEL_COUNT + l];
    return n;
  }

  /** Prefix sums of filtered line counts: pre[b] = matching lines before block b (length count+1). */
  filterPrefix(mask: number): Float64Array {
    if (mask === 0) return this.firstLine;
    let f = this.filters.get(mask);
    if (!f) {
      if (this.filters.size >= 16) this.filters.delete(this.filters.keys().next().value as number);
      f = { pre: new Float64Array(this.count + 1), upto: 0 };
      this.filters.set(mask, f);
    }
    if (f.pre.length < this.count + 1) f.pre = grow(f.pre, Math.max(this.count + 1, f.pre.length * 2));
    for (let b = f.upto; b < this.count; b++) f.pre[b + 1] = f.pre[b] + this.maskCount(b, mask);
    f.upto = this.count;
    return f.pre;
  }

  /** Block holding position pos of a prefix array (pre[b] ≤ pos < pre[b+1]), or count if none. */
  blockAt(pre: Float64Array, pos: number): number {
    let lo = 0;
    let hi = this.count; // invariant: answer in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pre[mid + 1] <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
