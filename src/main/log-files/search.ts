// search: lines matching a query (query.ts), in file order, paged by line number.
// Blocks are skipped on their level counts and Bloom filters; candidates are read in
// runs (one read for consecutive candidate blocks) and verified line by line.
import { forEachLine, lineText, readRange } from './file-io.ts';
import { candidate, candidateRun, type IndexView } from './index-view.ts';
import { LEVELS, detectLevelBytes, levelMask } from './levels.ts';
import { blockMayMatch, matchesLower, parseQuery, type Query } from './query.ts';
import type { LogLine, SearchOptions, SearchResult } from './types.ts';

const SEARCH_SCAN_BYTES = 64 * 1024 * 1024;
const RUN_BYTES = 1024 * 1024;

export async function search(v: IndexView, query: string, opts: SearchOptions): Promise<SearchResult> {
  const q = parseQuery(query);
  const mask = levelMask(opts.levels);
  const limit = Math.max(1, opts.limit ?? 100);
  const maxScan = opts.maxScanBytes ?? SEARCH_SCAN_BYTES;
  const from = Math.max(0, Math.floor(opts.fromLine ?? 0));
  const t = v.table;
  const complete = t.end >= v.fileSize;
  // A provisional tail of a file that has grown since is stale: leave it to a later page.
  const blocks = complete ? t.count : t.committed;
  const matches: LogLine[] = [];
  let scanned = 0;
  for (let b = t.blockAt(t.firstLine, from); b < blocks;) {
    opts.signal?.throwIfAborted();
    if (scanned >= maxScan) return { matches, nextLine: Math.max(from, t.firstLine[b]), scannedBytes: scanned, done: false };
    const c = candidate(v, b, mask, q);
    if (!(typeof c === 'boolean' ? c : await c)) { b++; continue; }
    const end = await candidateRun(v, b, blocks, Math.min(RUN_BYTES, maxScan - scanned), mask, q);
    const base = t.start[b];
    const buf = await readRange(v.fh, base, t.start[end - 1] + t.byteLen[end - 1] - base);
    v.check();
    scanned += buf.length;
    for (let k = b; k < end; k++) {
      const block = buf.subarray(t.start[k] - base, t.start[k] - base + t.byteLen[k]);
      if (q.terms.length > 0 && !blockMayMatch(block.toString('utf8').toLowerCase(), q)) continue;
      const stopAt = matchBlock(block, t.firstLine[k], from, mask, q, limit, matches);
      if (stopAt >= 0) return { matches, nextLine: stopAt, scannedBytes: scanned, done: false };
    }
    b = end;
  }
  if (complete) return { matches, nextLine: null, scannedBytes: scanned, done: true };
  return { matches, nextLine: Math.max(from, t.firstLine[blocks]), scannedBytes: scanned, done: false };
}

/** Appends the matching lines of one block; returns the next line once `limit` is reached, else -1. */
function matchBlock(buf: Buffer, firstLine: number, from: number, mask: number, q: Query, limit: number, matches: LogLine[]): number {
  let n = firstLine;
  let stopAt = -1;
  forEachLine(buf, true, (s, e) => {
    const line = n++;
    if (line < from) return;
    const text = lineText(buf, s, e);
    if (!matchesLower(text.toLowerCase(), q)) return;
    const code = detectLevelBytes(buf, s, e);
    if (mask !== 0 && (mask & (1 << code)) === 0) return;
    matches.push({ n: line, level: LEVELS[code], text });
    if (matches.length >= limit) { stopAt = line + 1; return false; }
  });
  return stopAt;
}
