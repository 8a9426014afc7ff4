// What the read paths (readLines, search, export) see of an open index, and the
// block pre-filter they share: level counts first, then the block's Bloom filter.
import type { FileHandle } from 'node:fs/promises';
import type { BlockTable } from './block-table.ts';
import type { BloomCache, BloomRef } from './bloom-cache.ts';
import type { Query } from './query.ts';
import { bloomHas } from './tokens.ts';

export interface IndexView {
  table: BlockTable;
  blooms: BloomCache;
  fh: FileHandle;
  /** File size when the view was taken. */
  fileSize: number;
  /** Throws when the index was reset (file rotated) since the view was taken. */
  check(): void;
}

/** Whether block b may hold matches. Synchronous when its bloom is cached (the usual case). */
export function candidate(v: IndexView, b: number, mask: number, q: Query): boolean | Promise<boolean> {
  if (mask !== 0 && v.table.maskCount(b, mask) === 0) return false;
  if (q.tokenHashes.length === 0) return true;
  const check = (r: BloomRef): boolean => {
    for (const h of q.tokenHashes) if (!bloomHas(r.bits, r.off, r.len, r.hashes, h)) return false;
    return true;
  };
  const ref = v.blooms.get(b);
  return ref instanceof Promise ? ref.then(check) : check(ref);
}

/** End (exclusive) of the run of candidate blocks from candidate b, spanning ≤ maxBytes, before `limit`. */
export async function candidateRun(v: IndexView, b: number, limit: number, maxBytes: number, mask: number, q: Query): Promise<number> {
  const t = v.table;
  let end = b + 1;
  while (end < limit && t.start[end] + t.byteLen[end] - t.start[b] <= maxBytes) {
    const c = candidate(v, end, mask, q);
    if (!(typeof c === 'boolean' ? c : await c)) break;
    end++;
  }
  return end;
}
