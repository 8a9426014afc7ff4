import { appendFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFileIndex } from '../../../src/main/log-files/index.ts';
import { allLines, levelTotals, modelOf, randomLine, rng, tempDir } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()?.(); });

function lines(n: number, seed: number, from = 0): string {
  const rand = rng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += randomLine(rand, from + i) + '\n';
  return s;
}

async function setup(content: string): Promise<{ file: string; cacheDir: string; idx: LogFileIndex }> {
  const t = tempDir();
  const file = join(t.dir, 'follow.log');
  const cacheDir = join(t.dir, 'cache');
  writeFileSync(file, content);
  const idx = await LogFileIndex.open(file, { cacheDir, blockBytes: 2048 });
  cleanups.push(t.cleanup, () => idx.close());
  await idx.indexMore();
  return { file, cacheDir, idx };
}

async function expectMatches(idx: LogFileIndex, content: string): Promise<void> {
  const model = modelOf(content);
  expect(idx.lineCount).toBe(model.length);
  expect(idx.indexedBytes).toBe(Buffer.byteLength(content));
  expect(idx.levelCounts()).toEqual(levelTotals(model));
  expect(await allLines(idx)).toEqual(model);
}

describe('follow mode', () => {
  it('makes appended lines visible after refresh + indexMore', async () => {
    let content = lines(500, 1);
    const { file, idx } = await setup(content);
    expect(await idx.refresh()).toEqual({ grown: false, rotated: false });
    for (let round = 0; round < 5; round++) {
      const more = lines(37 + round, 100 + round, 10_000 * (round + 1));
      appendFileSync(file, more);
      content += more;
      expect(await idx.refresh()).toEqual({ grown: true, rotated: false });
      await idx.indexMore();
      await expectMatches(idx, content);
    }
    const lastId = /id[0-9a-z]+z[0-9a-z]+/.exec(content.trimEnd().split('\n').at(-1) as string)?.[0] as string;
    expect((await idx.search(lastId, {})).matches.map((m) => m.n)).toEqual([idx.lineCount - 1]);
  });

  it('shows a partial last line provisionally and replaces it once completed', async () => {
    const { file, cacheDir, idx } = await setup('INFO first\nWARN second is part');
    expect(idx.lineCount).toBe(2);
    expect((await idx.readLines(1, 1)).lines[0]).toEqual({ n: 1, level: 'warn', text: 'WARN second is part' });

    appendFileSync(file, 'ial still');
    expect(await idx.refresh()).toEqual({ grown: true, rotated: false });
    await idx.indexMore();
    expect(idx.lineCount).toBe(2);
    expect((await idx.readLines(1, 1)).lines[0].text).toBe('WARN second is partial still');

    appendFileSync(file, ' done\nERROR third\n');
    await idx.refresh();
    await idx.indexMore();
    const content = 'INFO first\nWARN second is partial still done\nERROR third\n';
    await expectMatches(idx, content);
    expect(idx.levelCounts()).toMatchObject({ info: 1, warn: 1, error: 1 });
    expect((await idx.search('partial', {})).matches.map((m) => m.n)).toEqual([1]);

    // The provisional line was never persisted: a reopened index agrees too.
    await idx.close();
    const again = await LogFileIndex.open(file, { cacheDir, blockBytes: 2048 });
    cleanups.push(() => again.close());
    await again.indexMore();
    await expectMatches(again, content);
  });

  it('reindexes after rotation by rename + recreate', async () => {
    const { file, idx } = await setup(lines(800, 2));
    renameSync(file, `${file}.1`);
    expect(await idx.refresh()).toEqual({ grown: false, rotated: false }); // nothing at the path yet
    const fresh = lines(120, 3, 50_000);
    writeFileSync(file, fresh);
    expect(await idx.refresh()).toEqual({ grown: true, rotated: true });
    expect(idx.lineCount).toBe(0);
    await idx.indexMore();
    await expectMatches(idx, fresh);
  });

  it('reindexes after truncation, and after truncation + regrowth past the old size', async () => {
    const { file, idx } = await setup(lines(300, 4));
    truncateSync(file, 0);
    const small = lines(20, 5, 70_000);
    appendFileSync(file, small);
    expect(await idx.refresh()).toEqual({ grown: true, rotated: true });
    await idx.indexMore();
    await expectMatches(idx, small);

    // copytruncate where the writer refills the file beyond the old size before we look
    truncateSync(file, 0);
    const bigger = lines(400, 6, 90_000);
    appendFileSync(file, bigger);
    expect(await idx.refresh()).toEqual({ grown: true, rotated: true });
    await idx.indexMore();
    await expectMatches(idx, bigger);
  });

  it('survives a rotation while a large backlog is being indexed', async () => {
    const t = tempDir();
    const file = join(t.dir, 'busy.log');
    writeFileSync(file, lines(40_000, 7));
    const idx = await LogFileIndex.open(file, { cacheDir: join(t.dir, 'cache'), workers: 2, inlineBelowBytes: 0, chunkBytes: 64 * 1024 });
    cleanups.push(t.cleanup, () => idx.close());
    const fresh = lines(50, 8, 200_000);
    let refreshed: Promise<{ grown: boolean; rotated: boolean }> | undefined;
    let progressAfterRotation = 0;
    await idx.indexMore({
      onProgress: () => {
        if (refreshed) { progressAfterRotation++; return; }
        unlinkSync(file);
        writeFileSync(file, fresh);
        refreshed = idx.refresh();
      },
    }); // superseded quietly
    expect(await refreshed).toEqual({ grown: true, rotated: true });
    expect(progressAfterRotation).toBeLessThan(8);
    await idx.indexMore();
    await expectMatches(idx, fresh);
  });
});

describe('reopening a persisted index', () => {
  it('resumes the same file without reindexing', async () => {
    const content = lines(3000, 9);
    const { file, cacheDir, idx } = await setup(content);
    await idx.close();
    const again = await LogFileIndex.open(file, { cacheDir, blockBytes: 2048 });
    cleanups.push(() => again.close());
    expect(again.indexedBytes).toBe(Buffer.byteLength(content));
    const progress: number[] = [];
    await again.indexMore({ onProgress: (p) => progress.push(p.indexedBytes) });
    expect(progress).toEqual([Buffer.byteLength(content)]); // only the final report, nothing re-read
    await expectMatches(again, content);
  });

  it('does not mistake a different file at the same path for the old one', async () => {
    const original = lines(3000, 10);
    const { file, cacheDir, idx } = await setup(original);
    await idx.close();

    // Same head (first 8 KB), different rest, bigger: only the edge hash can tell.
    const sameHead = original.slice(0, original.indexOf('\n', 8192) + 1) + lines(3500, 11, 400_000);
    unlinkSync(file);
    writeFileSync(file, sameHead);
    const second = await LogFileIndex.open(file, { cacheDir, blockBytes: 2048 });
    expect(second.indexedBytes).toBe(0);
    await second.indexMore();
    await expectMatches(second, sameHead);
    await second.close();

    // Completely different content, recreated (inode numbers are often reused).
    const other = lines(4000, 12, 800_000);
    unlinkSync(file);
    writeFileSync(file, other);
    const third = await LogFileIndex.open(file, { cacheDir, blockBytes: 2048 });
    cleanups.push(() => third.close());
    expect(third.indexedBytes).toBe(0);
    await third.indexMore();
    await expectMatches(third, other);
  });
});
