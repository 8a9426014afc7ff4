// Several log files interleaved by time (lnav's merged view). Each file is read forward
// from its cursor a page at a time; the next line out is always the earliest head. A line
// without a time (a stack trace, a continuation) keeps its predecessor's time, so it stays
// glued to the line it belongs to. Equal times keep the order of the files given.
import type { MergeCursor } from '../../shared/contract/log-files.ts';
import { lineTime } from '../../shared/log-record.ts';
import type { LogLine, ReadLinesResult } from './types.ts';

export interface MergeSource {
  id: string;
  /** Lines [pos, pos+count) of the (level-filtered) sequence. */
  read(pos: number, count: number): Promise<ReadLinesResult>;
}
export interface Merged extends LogLine { source: string; time: number | null }

export async function mergeByTime(sources: MergeSource[], cursor: MergeCursor, limit: number): Promise<{ lines: Merged[]; cursor: MergeCursor; done: boolean }> {
  const pages = await Promise.all(sources.map((s, i) => s.read(cursor[i]!.pos, limit)));
  const state = sources.map((s, i) => {
    let last = cursor[i]!.time;
    // Times are carried forward here once, so the merge loop compares numbers only.
    const lines = pages[i]!.lines.map((l) => {
      const t = lineTime(l.text);
      if (t !== null) last = t;
      return { line: l, time: t, key: last ?? -Infinity };
    });
    const exhausted = pages[i]!.complete && lines.length < limit;
    return { source: s.id, lines, at: 0, pos: cursor[i]!.pos, time: cursor[i]!.time, exhausted };
  });
  const out: Merged[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < state.length; i++) {
      const s = state[i]!;
      if (s.at >= s.lines.length) {
        // A file whose page ran out but has more lines: its next time is unknown, stop here.
        if (!s.exhausted) return finish();
        continue;
      }
      if (best < 0 || s.lines[s.at]!.key < state[best]!.lines[state[best]!.at]!.key) best = i;
    }
    if (best < 0) break;
    const s = state[best]!;
    const head = s.lines[s.at++]!;
    s.pos++;
    if (head.time !== null) s.time = head.time;
    out.push({ ...head.line, source: s.source, time: head.time });
  }
  return finish();

  function finish() {
    return { lines: out, cursor: state.map((s) => ({ pos: s.pos, time: s.time })), done: state.every((s) => s.exhausted && s.at >= s.lines.length) };
  }
}
