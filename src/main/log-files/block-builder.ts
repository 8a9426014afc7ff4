// Streaming block builder: consumes consecutive file bytes (starting at a line start)
// and cuts them into line-aligned blocks of ~targetBytes, each with level counts and a
// Bloom filter of its distinct tokens. Used by the worker threads and, for small
// amounts of data, inline on the calling thread. Memory: one block's token set plus the
// first LEVEL_SCAN_CHARS bytes of a line that spans pushes, whatever the line length.
import { HEADER_BYTES, writeHeader } from './block-format.ts';
import { LEVEL_SCAN_CHARS, detectLevelBytes } from './levels.ts';
import { BLOOM_HASHES, HASH_PRIME, HASH_SEED, TOKEN_CHAR, bloomAdd, bloomBytesFor, finishHash } from './tokens.ts';

export const DEFAULT_BLOCK_BYTES = 64 * 1024;
const SET_INITIAL = 4096;

export interface BuiltBlocks {
  /** HEADER_BYTES per block, exactly as stored in headers.seg. */
  headers: Uint8Array;
  /** Concatenated blooms, exactly as stored in blooms.seg. */
  blooms: Uint8Array;
  blocks: number;
  lines: number;
  /** File offset just past the last emitted block. */
  end: number;
}

class GrowBuf {
  bytes = new Uint8Array(1024);
  length = 0;
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

export class BlockBuilder {
  private readonly target: number;
  private pos: number;
  private blockStart: number;
  private lineStart: number;
  private blockLines = 0;
  private readonly levelCounts = new Uint32Array(7);
  private set = new Int32Array(SET_INITIAL);
  private setCount = 0;
  private inTok = false;
  private hash = HASH_SEED;
  /** Head of the current line when it started in an earlier push. */
  private linePrefix: Buffer | null = null;
  private readonly headers = new GrowBuf();
  private readonly blooms = new GrowBuf();
  private outBlocks = 0;
  private outLines = 0;
  private outEnd: number;

  constructor(start: number, targetBytes = DEFAULT_BLOCK_BYTES) {
    this.target = targetBytes;
    this.pos = this.blockStart = this.lineStart = this.outEnd = start;
  }

  /** Feeds the next bytes of the file. */
  push(buf: Buffer): void {
    const n = buf.length;
    let lineStartIdx = this.lineStart - this.pos; // negative: line began in an earlier push
    let h = this.hash;
    let inTok = this.inTok;
    for (let i = 0; i < n; i++) {
      const c = buf[i];
      const t = TOKEN_CHAR[c];
      if (t !== 0) {
        if (!inTok) { inTok = true; h = HASH_SEED; }
        h = Math.imul(h ^ t, HASH_PRIME);
        continue;
      }
      if (inTok) { inTok = false; this.addToken(finishHash(h)); }
      if (c === 10) {
        this.endLine(buf, lineStartIdx, i);
        lineStartIdx = i + 1;
        const end = this.pos + i + 1;
        if (end - this.blockStart >= this.target) this.closeBlock(end);
      }
    }
    this.hash = h;
    this.inTok = inTok;
    if (lineStartIdx < n) this.keepLinePrefix(buf, lineStartIdx);
    if (lineStartIdx >= 0) this.lineStart = this.pos + lineStartIdx;
    this.pos += n;
  }

  /** Closes the current block at a line boundary (end of a segment). */
  flush(): void {
    if (this.lineStart !== this.pos) throw new Error('flush() inside a line');
    this.closeBlock(this.pos);
  }

  /** Ends an unterminated last line (provisional tail) and closes the block. */
  finishPartial(): void {
    if (this.pos > this.lineStart) {
      if (this.inTok) { this.inTok = false; this.addToken(finishHash(this.hash)); }
      this.endLine(null, -1, 0);
      this.lineStart = this.pos;
    }
    this.closeBlock(this.pos);
  }

  take(): BuiltBlocks {
    const out = { headers: this.headers.take(), blooms: this.blooms.take(), blocks: this.outBlocks, lines: this.outLines, end: this.outEnd };
    this.outBlocks = 0;
    this.outLines = 0;
    return out;
  }

  private keepLinePrefix(buf: Buffer, lineStartIdx: number): void {
    const have = lineStartIdx >= 0 ? 0 : (this.linePrefix?.length ?? 0);
    const room = LEVEL_SCAN_CHARS + 1 - have;
    if (room <= 0) return;
    const from = Math.max(0, lineStartIdx);
    const part = buf.subarray(from, Math.min(buf.length, from + room));
    this.linePrefix = have > 0 && this.linePrefix ? Buffer.concat([this.linePrefix, part]) : Buffer.from(part);
  }

  private endLine(buf: Buffer | null, startIdx: number, endIdx: number): void {
    let code: number;
    if (buf && startIdx >= 0) {
      code = detectLevelBytes(buf, startIdx, endIdx);
    } else {
      // The line started in an earlier push: its head is in linePrefix (≤ LEVEL_SCAN_CHARS+1
      // bytes, enough to detect exactly as a reader of the whole line would).
      let head = this.linePrefix ?? Buffer.alloc(0);
      if (buf && head.length <= LEVEL_SCAN_CHARS) head = Buffer.concat([head, buf.subarray(0, Math.min(endIdx, LEVEL_SCAN_CHARS + 1 - head.length))]);
      code = detectLevelBytes(head, 0, head.length);
    }
    this.linePrefix = null;
    this.levelCounts[code]++;
    this.blockLines++;
  }

  private addToken(h: number): void {
    const set = this.set;
    const mask = set.length - 1;
    let i = h & mask;
    for (;;) {
      const v = set[i];
      if (v === 0) {
        set[i] = h;
        if (++this.setCount * 2 > set.length) this.growSet();
        return;
      }
      if (v === h) return;
      i = (i + 1) & mask;
    }
  }

  private growSet(): void {
    const old = this.set;
    const next = new Int32Array(old.length * 2);
    const mask = next.length - 1;
    for (let j = 0; j < old.length; j++) {
      const v = old[j];
      if (v === 0) continue;
      let i = v & mask;
      while (next[i] !== 0) i = (i + 1) & mask;
      next[i] = v;
    }
    this.set = next;
  }

  private closeBlock(end: number): void {
    if (this.blockLines === 0) return;
    const bloomLen = bloomBytesFor(this.setCount);
    this.blooms.reserve(bloomLen);
    const bits = this.blooms.bytes;
    const off = this.blooms.length;
    bits.fill(0, off, off + bloomLen);
    const set = this.set;
    for (let j = 0; j < set.length; j++) if (set[j] !== 0) bloomAdd(bits, off, bloomLen, BLOOM_HASHES, set[j]);
    this.blooms.length += bloomLen;

    this.headers.reserve(HEADER_BYTES);
    const view = new DataView(this.headers.bytes.buffer);
    writeHeader(view, this.headers.length, {
      start: this.blockStart, byteLen: end - this.blockStart, lines: this.blockLines,
      bloomLen, hashes: BLOOM_HASHES, levelCounts: this.levelCounts,
    });
    this.headers.length += HEADER_BYTES;

    this.outBlocks++;
    this.outLines += this.blockLines;
    this.outEnd = end;
    this.blockStart = end;
    this.blockLines = 0;
    this.levelCounts.fill(0);
    if (set.length > SET_INITIAL * 4) this.set = new Int32Array(SET_INITIAL);
    else set.fill(0);
    this.setCount = 0;
  }
}
