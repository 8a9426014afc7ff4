// cl100k_base byte-pair encoding of one pre-split piece, using gpt-tokenizer's rank table.
// Vocabulary lookups go through an open-addressing table probed straight from a byte range (or,
// for ASCII, a string range) so no key strings are built. Long pieces merge with a heap, so a
// 30k-letter run or a long CJK sentence stays O(n log n) instead of tiktoken's naive O(n²).
import bpeRanks from 'gpt-tokenizer/bpeRanks/cl100k_base';

const TABLE_BITS = 18;
const MASK = (1 << TABLE_BITS) - 1;
const slots = new Int32Array(1 << TABLE_BITS).fill(-1);
const slotHash = new Int32Array(1 << TABLE_BITS);

// Every token's bytes, concatenated; token r is vocabBytes[vocabStart[r] .. vocabStart[r + 1]).
const utf8 = new TextEncoder();
const tokenBytes = bpeRanks.map((t) => (typeof t === 'string' ? utf8.encode(t) : Uint8Array.from(t)));
const vocabStart = new Int32Array(tokenBytes.length + 1);
for (let r = 0; r < tokenBytes.length; r++) vocabStart[r + 1] = vocabStart[r] + tokenBytes[r].length;
const vocabBytes = new Uint8Array(vocabStart[tokenBytes.length]);
tokenBytes.forEach((b, r) => vocabBytes.set(b, vocabStart[r]));

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;
const finish = (h: number): number => h ^ (h >>> 15);

function hashBytes(b: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  return finish(h);
}

/** Hash of a string range's UTF-16 units; for ASCII, equal to hashBytes of its bytes. */
export function hashChars(s: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return finish(h);
}

for (let r = 0; r < tokenBytes.length; r++) {
  const h = hashBytes(vocabBytes, vocabStart[r], vocabStart[r + 1]);
  let idx = h & MASK;
  while (slots[idx] !== -1) idx = (idx + 1) & MASK;
  slots[idx] = r;
  slotHash[idx] = h;
}

/** Rank of the ASCII string range as one token, or -1. */
export function rankOfChars(s: string, from: number, to: number, h: number): number {
  const len = to - from;
  for (let idx = h & MASK; ; idx = (idx + 1) & MASK) {
    const r = slots[idx];
    if (r === -1) return -1;
    if (slotHash[idx] !== h) continue;
    const start = vocabStart[r];
    if (vocabStart[r + 1] - start !== len) continue;
    let k = 0;
    while (k < len && vocabBytes[start + k] === s.charCodeAt(from + k)) k++;
    if (k === len) return r;
  }
}

const NONE = 0x7fffffff;

function rankOfBytes(b: Uint8Array, from: number, to: number): number {
  const h = hashBytes(b, from, to);
  const len = to - from;
  for (let idx = h & MASK; ; idx = (idx + 1) & MASK) {
    const r = slots[idx];
    if (r === -1) return NONE;
    if (slotHash[idx] !== h) continue;
    const start = vocabStart[r];
    if (vocabStart[r + 1] - start !== len) continue;
    let k = 0;
    while (k < len && vocabBytes[start + k] === b[from + k]) k++;
    if (k === len) return r;
  }
}

/** Tokens of one piece's UTF-8 bytes: repeatedly merge the lowest-ranked adjacent pair (leftmost on ties). */
export function mergeBytes(b: Uint8Array): number[] {
  const whole = rankOfBytes(b, 0, b.length);
  if (whole !== NONE) return [whole];
  return b.length <= 64 ? mergeShort(b) : mergeLong(b);
}

// tiktoken's loop: rescans for the minimum after each merge; fastest for short pieces.
function mergeShort(b: Uint8Array): number[] {
  let n = b.length + 1;
  const starts = new Int32Array(n);
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) starts[i] = i;
  for (let i = 0; i < n; i++) ranks[i] = i + 2 < n ? rankOfBytes(b, i, i + 2) : NONE;
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i < n - 1; i++) {
      if (ranks[i] < best) {
        best = ranks[i];
        at = i;
      }
    }
    if (at === -1) break;
    starts.copyWithin(at + 1, at + 2, n);
    ranks.copyWithin(at + 1, at + 2, n);
    n--;
    ranks[at] = at + 2 < n ? rankOfBytes(b, starts[at], starts[at + 2]) : NONE;
    if (at > 0) ranks[at - 1] = rankOfBytes(b, starts[at - 1], starts[at + 1]);
  }
  const out: number[] = [];
  for (let i = 0; i + 1 < n; i++) out.push(rankOfBytes(b, starts[i], starts[i + 1]));
  return out;
}

// Same merge order with a linked list of parts and a min-heap keyed by (rank, start). Parts are
// named by their start byte; a heap entry is stale once its part or its span has changed.
function mergeLong(b: Uint8Array): number[] {
  const n = b.length;
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n + 1).fill(1);
  for (let i = 0; i <= n; i++) {
    next[i] = i < n ? i + 1 : n;
    prev[i] = i - 1;
  }
  const keys: number[] = [];
  const ends: number[] = [];
  const push = (start: number): void => {
    const mid = next[start];
    if (mid >= n) return;
    const end = next[mid];
    const rank = rankOfBytes(b, start, end);
    if (rank === NONE) return;
    heapPush(keys, ends, rank * 2 ** 31 + start, end);
  };
  for (let i = 0; i < n - 1; i++) push(i);
  while (keys.length > 0) {
    const key = keys[0];
    const end = ends[0];
    heapPop(keys, ends);
    const start = key % 2 ** 31;
    const mid = next[start];
    if (!alive[start] || mid >= n || next[mid] !== end) continue;
    alive[mid] = 0;
    next[start] = end;
    prev[end] = start;
    push(start);
    if (prev[start] >= 0) push(prev[start]);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i = next[i]) out.push(rankOfBytes(b, i, next[i]));
  return out;
}

function heapPush(keys: number[], ends: number[], key: number, end: number): void {
  let i = keys.length;
  keys.push(key);
  ends.push(end);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (keys[parent] <= key) break;
    keys[i] = keys[parent];
    ends[i] = ends[parent];
    i = parent;
  }
  keys[i] = key;
  ends[i] = end;
}

function heapPop(keys: number[], ends: number[]): void {
  const lastKey = keys.pop() as number;
  const lastEnd = ends.pop() as number;
  const size = keys.length;
  if (size === 0) return;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && keys[child + 1] < keys[child]) child++;
    if (keys[child] >= lastKey) break;
    keys[i] = keys[child];
    ends[i] = ends[child];
    i = child;
  }
  keys[i] = lastKey;
  ends[i] = lastEnd;
}
