import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketWidth, histogram } from '../../../src/main/log-files/histogram.ts';
import { LogFileIndex } from '../../../src/main/log-files/index.ts';
import { mergeByTime } from '../../../src/main/log-files/merge.ts';
import type { MergeCursor } from '../../../src/shared/contract/log-files.ts';
import { rng, tempDir } from './helpers.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const t = tempDir('log-hist-');
const files: LogFileIndex[] = [];
/** Per file: its lines and the (unique, increasing) time of each dated line, null for continuation lines. */
const content: { text: string; time: number | null }[][] = [];

function writeLog(name: string, seed: number, format: 'pino' | 'iso'): string {
  const rand = rng(seed);
  const lines: { text: string; time: number | null }[] = [];
  let time = T0;
  for (let i = 0; i < 1500; i++) {
    time += 1 + Math.floor(rand() * 4000);
    const word = rand() < 0.1 ? 'needle' : 'hay';
    lines.push({ text: format === 'pino' ? JSON.stringify({ level: 30, time, msg: `${name} ${word} ${i}` }) : `${new Date(time).toISOString()} INFO ${name} ${word} ${i}`, time });
    if (rand() < 0.05) lines.push({ text: `    at frame ${name} ${i} needle`, time: null });
  }
  writeFileSync(join(t.dir, name), lines.map((l) => l.text).join('\n') + '\n');
  content.push(lines);
  return join(t.dir, name);
}

beforeAll(async () => {
  for (const [name, seed, format] of [['a.log', 1, 'pino'], ['b.log', 2, 'iso'], ['c.log', 3, 'pino']] as const) {
    const idx = await LogFileIndex.open(writeLog(name, seed, format), { cacheDir: join(t.dir, 'cache'), blockBytes: 2048 });
    await idx.indexMore();
    files.push(idx);
  }
});
afterAll(async () => {
  for (const f of files) await f.close();
  t.cleanup();
});

describe('time histogram of matches', () => {
  it('picks a nice bucket width covering the span in at most the asked number of buckets', () => {
    expect(bucketWidth(0, 59_000, 60)).toBe(1000);
    expect(bucketWidth(0, 3_600_000, 60)).toBe(2 * 60_000);
    expect(bucketWidth(0, 10 * 86_400_000, 20)).toBe(86_400_000);
  });

  it('counts each match in the bucket of its own time, undated matches apart (checked against a brute-force count)', async () => {
    const idx = files[0]!;
    const h = await histogram((q, o) => idx.search(q, o), 'needle', { buckets: 50 });
    const matches = content[0]!.map((l, i) => ({ ...l, i })).filter((l) => /needle/.test(l.text));
    const dated = matches.filter((l) => l.time !== null);
    expect(h.complete).toBe(true);
    expect(h.matched).toBe(matches.length);
    expect(h.undated).toBe(matches.length - dated.length);
    expect(h.undated).toBeGreaterThan(0);
    expect(h.counts.length).toBeLessThanOrEqual(50);
    const expected = new Array<number>(h.counts.length).fill(0);
    for (const l of dated) expected[Math.floor((l.time! - h.from!) / h.bucketMs)]!++;
    expect(h.counts).toEqual(expected);
    expect(h.from! % h.bucketMs).toBe(0);
  });

  it('histograms every line without a query, and stops at the scan budget saying so', async () => {
    const idx = files[1]!;
    const all = await histogram((q, o) => idx.search(q, o), '', { buckets: 120 });
    expect(all.matched).toBe(content[1]!.length);
    expect(all.counts.reduce((a, b) => a + b, 0)).toBe(content[1]!.filter((l) => l.time !== null).length);
    const part = await histogram((q, o) => idx.search(q, o), '', { buckets: 120, maxScanBytes: 8 * 1024 });
    expect(part.complete).toBe(false);
    expect(part.matched).toBeGreaterThan(0);
    expect(part.matched).toBeLessThan(all.matched);
  });
});

describe('merging files by time', () => {
  /** Reference: every line of every file, ordered by (carried time, file order), continuation lines after their predecessor. */
  function reference(): string[] {
    const rows: { key: number; file: number; seq: number; text: string }[] = [];
    content.forEach((lines, file) => {
      let last = -Infinity;
      lines.forEach((l, seq) => {
        if (l.time !== null) last = l.time;
        rows.push({ key: last, file, seq, text: l.text });
      });
    });
    rows.sort((a, b) => a.key - b.key || a.file - b.file || a.seq - b.seq);
    return rows.map((r) => r.text);
  }

  it('interleaves three files (JSON and plain text) by timestamp across pages, losing and repeating nothing', async () => {
    const sources = files.map((f, i) => ({ id: String(i), read: (pos: number, count: number) => f.readLines(pos, count) }));
    let cursor: MergeCursor = files.map(() => ({ pos: 0, time: null }));
    const out: string[] = [];
    for (let pages = 0; pages < 100; pages++) {
      const r = await mergeByTime(sources, cursor, 173);
      out.push(...r.lines.map((l) => l.text));
      cursor = r.cursor;
      if (r.done) break;
    }
    expect(out.length).toBe(content.flat().length);
    expect(out).toEqual(reference());
  });

  it('merges only the chosen levels', async () => {
    const sources = files.map((f, i) => ({ id: String(i), read: (pos: number, count: number) => f.readLines(pos, count, { levels: ['info'] }) }));
    const r = await mergeByTime(sources, files.map(() => ({ pos: 0, time: null })), 2000);
    expect(r.lines.length).toBe(2000);
    expect(r.lines.every((l) => l.level === 'info')).toBe(true);
    const times = r.lines.map((l) => l.time!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
