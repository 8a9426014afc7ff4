// readLines: a page of lines by position in the file or in the level-filtered sequence.
import { forEachLine, lineText, readRange, scanLines } from './file-io.ts';
import type { IndexView } from './index-view.ts';
import { LEVELS, detectLevelBytes } from './levels.ts';
import type { LogLine, ReadLinesResult } from './types.ts';

/** How far past the indexed part lines are served straight from the file (first screen). */
const RAW_SCAN_BYTES = 8 * 1024 * 1024;

export async function readLines(v: IndexView, start: number, count: number, mask: number): Promise<ReadLinesResult> {
  const t = v.table;
  const pre = t.filterPrefix(mask); // pre[b] = matching lines before block b
  const blocks = t.count;
  const indexedTotal = pre[blocks];
  const lines: LogLine[] = [];
  start = Math.max(0, Math.floor(start));
  for (let b = t.blockAt(pre, start); b < blocks && lines.length < count; b++) {
    if (t.maskCount(b, mask) === 0) continue;
    const buf = await readRange(v.fh, t.start[b], t.byteLen[b]);
    v.check();
    let pos = pre[b];
    let n = t.firstLine[b];
    forEachLine(buf, true, (s, e) => {
      const code = detectLevelBytes(buf, s, e);
      const line = n++;
      if (mask !== 0 && (mask & (1 << code)) === 0) return;
      if (pos++ >= start) lines.push({ n: line, level: LEVELS[code], text: lineText(buf, s, e) });
      return lines.length < count;
    });
  }
  let total = indexedTotal;
  const complete = t.end >= v.fileSize;
  // Past the index (never past a provisional tail: the file grew, its last line is stale).
  if (!complete && !t.hasTail && lines.length < count) {
    total += await readRaw(v, mask, start - indexedTotal, count - lines.length, lines);
  }
  return { total, lines, complete };
}

/** Lines after the indexed part, from the file; returns how many (filtered) lines it went through. */
async function readRaw(v: IndexView, mask: number, skip: number, want: number, out: LogLine[]): Promise<number> {
  const from = v.table.end;
  const to = Math.min(v.fileSize, from + RAW_SCAN_BYTES);
  const target = out.length + want;
  let seen = 0;
  let n = v.table.totalLines;
  await scanLines(v.fh, from, to, { partialToo: to === v.fileSize }, (buf, s, e) => {
    const code = detectLevelBytes(buf, s, e);
    const line = n++;
    if (mask !== 0 && (mask & (1 << code)) === 0) return;
    if (seen++ >= skip) out.push({ n: line, level: LEVELS[code], text: lineText(buf, s, e) });
    return out.length < target;
  });
  return seen;
}
