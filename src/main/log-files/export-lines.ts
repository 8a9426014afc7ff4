// export: streams every line matching a filter, in bounded chunks, including the part
// of the file that is not indexed yet.
import { forEachLine, lineText, readRange, scanLines } from './file-io.ts';
import { candidate, candidateRun, type IndexView } from './index-view.ts';
import { detectLevelBytes, levelMask } from './levels.ts';
import { matchesLower, parseQuery } from './query.ts';
import type { ExportFilter } from './types.ts';

const RUN_BYTES = 256 * 1024;
const FLUSH_CHARS = 256 * 1024;

export async function exportLines(v: IndexView, filter: ExportFilter, write: (chunk: string) => void | Promise<void>): Promise<number> {
  const q = parseQuery(filter.query ?? '');
  const mask = levelMask(filter.levels);
  const t = v.table;
  let out = '';
  let written = 0;
  const flush = async (force: boolean): Promise<void> => {
    if (out.length === 0 || (!force && out.length < FLUSH_CHARS)) return;
    const chunk = out;
    out = '';
    await write(chunk);
  };
  const take = (buf: Buffer, s: number, e: number): void => {
    if (mask !== 0 && (mask & (1 << detectLevelBytes(buf, s, e))) === 0) return;
    const text = lineText(buf, s, e);
    if (q.terms.length > 0 && !matchesLower(text.toLowerCase(), q)) return;
    out += text + '\n';
    written++;
  };
  const complete = t.end >= v.fileSize;
  const blocks = complete || !t.hasTail ? t.count : t.committed; // a stale tail is re-read below
  for (let b = 0; b < blocks;) {
    const c = candidate(v, b, mask, q);
    if (!(typeof c === 'boolean' ? c : await c)) { b++; continue; }
    const end = await candidateRun(v, b, blocks, RUN_BYTES, mask, q);
    const buf = await readRange(v.fh, t.start[b], t.start[end - 1] + t.byteLen[end - 1] - t.start[b]);
    v.check();
    forEachLine(buf, true, (s, e) => take(buf, s, e));
    await flush(false);
    b = end;
  }
  const rawFrom = blocks === 0 ? 0 : t.start[blocks - 1] + t.byteLen[blocks - 1];
  if (rawFrom < v.fileSize) {
    await scanLines(v.fh, rawFrom, v.fileSize, { partialToo: true, afterChunk: () => flush(false) }, (buf, s, e) => { take(buf, s, e); });
  }
  await flush(true);
  return written;
}
