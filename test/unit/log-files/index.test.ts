import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFileIndex, type Level, type OpenOptions } from '../../../src/main/log-files/index.ts';
import { allLines, levelTotals, modelOf, randomLine, rng, tempDir } from './helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => { while (cleanups.length) cleanups.pop()?.(); });

function setup(content: string | Buffer): { file: string; cacheDir: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'app.log');
  writeFileSync(file, content);
  return { file, cacheDir: join(t.dir, 'cache') };
}

function generated(lines: number, seed: number, crlfEvery = 0): string {
  const rand = rng(seed);
  let s = '';
  for (let i = 0; i < lines; i++) s += randomLine(rand, i) + (crlfEvery && i % crlfEvery === 0 ? '\r\n' : '\n');
  return s;
}

async function indexed(content: string | Buffer, opts: Partial<OpenOptions> = {}): Promise<LogFileIndex> {
  const { file, cacheDir } = setup(content);
  const idx = await LogFileIndex.open(file, { cacheDir, blockBytes: 2048, ...opts });
  cleanups.push(() => void idx.close());
  await idx.indexMore();
  return idx;
}

describe('LogFileIndex indexing and reading', () => {
  const content = generated(6000, 1, 7);
  const model = modelOf(content);

  it('counts lines and levels exactly (inline)', async () => {
    const idx = await indexed(content);
    expect(idx.lineCount).toBe(6000);
    expect(idx.indexedBytes).toBe(Buffer.byteLength(content));
    expect(idx.levelCounts()).toEqual(levelTotals(model));
    expect(Object.values(idx.levelCounts()).filter((n) => n > 0).length).toBe(7); // the fixture covers every level
  });

  it('gives the same index on worker threads, with lines spanning several chunks', async () => {
    const rand = rng(9);
    const long = `{"level":50,"msg":"${Array.from({ length: 40_000 }, (_, i) => `w${Math.floor(rand() * 1e6)}_${i}`).join(' ')} needle_at_the_end"}`;
    const cut = content.indexOf('\n', 200_000) + 1;
    const big = content.slice(0, cut) + long + '\n' + content.slice(cut);
    const idx = await indexed(big, { workers: 2, inlineBelowBytes: 0, chunkBytes: 64 * 1024 });
    const bigModel = modelOf(big);
    expect(long.length).toBeGreaterThan(3 * 64 * 1024);
    expect(idx.lineCount).toBe(bigModel.length);
    expect(idx.levelCounts()).toEqual(levelTotals(bigModel));
    expect(await allLines(idx)).toEqual(bigModel);
    const s = await idx.search('needle_at_the_end', {});
    expect(s.matches.map((m) => [m.n, m.level, m.text.length])).toEqual([[bigModel.findIndex((l) => l.text === long), 'error', long.length]]);
  });

  it('reads pages without a filter at the start, middle and end', async () => {
    const idx = await indexed(content);
    for (const [start, count] of [[0, 50], [2999, 100], [5950, 100], [6000, 10], [12_000, 5]]) {
      const r = await idx.readLines(start, count);
      expect(r.total).toBe(6000);
      expect(r.complete).toBe(true);
      expect(r.lines).toEqual(model.slice(start, start + count));
    }
    expect(await allLines(idx)).toEqual(model);
  });

  it('addresses the filtered sequence with a level filter', async () => {
    const idx = await indexed(content);
    const filters: Level[][] = [['error'], ['warn', 'error', 'fatal'], ['unknown'], ['trace', 'debug', 'info']];
    for (const levels of filters) {
      const expected = model.filter((l) => levels.includes(l.level));
      for (const start of [0, Math.floor(expected.length / 2), Math.max(0, expected.length - 20)]) {
        const r = await idx.readLines(start, 40, { levels });
        expect(r.total).toBe(expected.length);
        expect(r.lines).toEqual(expected.slice(start, start + 40));
      }
      expect(await allLines(idx, levels, 211)).toEqual(expected);
    }
  });

  it('strips CR of CRLF lines', async () => {
    const idx = await indexed('INFO one\r\nERROR two\r\n{"level":40}\r\n');
    const r = await idx.readLines(0, 10);
    expect(r.lines.map((l) => [l.text, l.level])).toEqual([['INFO one', 'info'], ['ERROR two', 'error'], ['{"level":40}', 'warn']]);
    expect((await idx.search('two', {})).matches.map((m) => m.text)).toEqual(['ERROR two']);
  });

  it('handles a multi-MB single line file without a trailing newline', async () => {
    const line = `WARN ${'abc '.repeat(1_200_000)}tail_token`;
    const idx = await indexed(line, { chunkBytes: 1024 * 1024 });
    expect(idx.lineCount).toBe(1);
    expect(idx.levelCounts().warn).toBe(1);
    const r = await idx.readLines(0, 5);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0].text.length).toBe(line.length);
    expect((await idx.search('tail_token', {})).matches.map((m) => m.n)).toEqual([0]);
    expect((await idx.search('abc', { levels: ['error'] })).matches).toEqual([]);
  });

  it('counts an unterminated last line', async () => {
    const idx = await indexed('INFO a\nERROR b\nWARN partial');
    expect(idx.lineCount).toBe(3);
    expect(idx.levelCounts()).toMatchObject({ info: 1, error: 1, warn: 1 });
    expect((await idx.readLines(1, 5)).lines.map((l) => l.text)).toEqual(['ERROR b', 'WARN partial']);
    expect((await idx.search('partial', {})).matches.map((m) => m.n)).toEqual([2]);
  });

  it('serves the first screen from the file before indexing', async () => {
    const { file, cacheDir } = setup(content);
    const idx = await LogFileIndex.open(file, { cacheDir });
    cleanups.push(() => void idx.close());
    expect(idx.lineCount).toBe(0);
    const r = await idx.readLines(0, 100);
    expect(r.complete).toBe(false);
    expect(r.lines).toEqual(model.slice(0, 100));
    const errors = model.filter((l) => l.level === 'error');
    expect((await idx.readLines(0, 10, { levels: ['error'] })).lines).toEqual(errors.slice(0, 10));
  });

  it('handles an empty file', async () => {
    const idx = await indexed('');
    expect(idx.lineCount).toBe(0);
    expect(await idx.readLines(0, 10)).toEqual({ total: 0, lines: [], complete: true });
    expect(await idx.search('x', {})).toEqual({ matches: [], nextLine: null, scannedBytes: 0, done: true });
  });

  it('exports filtered lines in bounded chunks', async () => {
    const big = generated(30_000, 3);
    const idx = await indexed(big, { blockBytes: 64 * 1024 });
    const bigModel = modelOf(big);
    const chunks: string[] = [];
    const n = await idx.export({}, async (c) => { chunks.push(c); });
    expect(n).toBe(bigModel.length);
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(600 * 1024);
    expect(chunks.join('')).toBe(bigModel.map((l) => l.text + '\n').join(''));

    let filtered = '';
    const m = await idx.export({ levels: ['warn', 'error'], query: 'timeout' }, (c) => { filtered += c; });
    const expected = bigModel.filter((l) => (l.level === 'warn' || l.level === 'error') && /(?<![a-z0-9])timeout(?![a-z0-9])/.test(l.text.toLowerCase()));
    expect(m).toBe(expected.length);
    expect(m).toBeGreaterThan(10);
    expect(filtered).toBe(expected.map((l) => l.text + '\n').join(''));
  });
});
