import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogFileIndex, type OpenOptions } from '../../../src/main/log-files/index.ts';
import { allLines, levelTotals, modelOf, randomLine, rng, tempDir, type ModelLine } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./index-child.ts', import.meta.url));
const OPTS = { blockBytes: 16 * 1024, chunkBytes: 256 * 1024, workers: 2, inlineBelowBytes: 0 } satisfies Partial<OpenOptions>;

describe('resuming an interrupted index', () => {
  const t = tempDir();
  const file = join(t.dir, 'big.log');
  let content = '';
  let model: ModelLine[];
  let clean: LogFileIndex;

  beforeAll(async () => {
    const rand = rng(21);
    const parts: string[] = [];
    for (let i = 0; i < 260_000; i++) parts.push(randomLine(rand, i));
    content = parts.join('\n') + '\n';
    writeFileSync(file, content);
    model = modelOf(content);
    clean = await LogFileIndex.open(file, { cacheDir: join(t.dir, 'clean'), ...OPTS });
    await clean.indexMore();
  });
  afterAll(async () => {
    await clean.close();
    t.cleanup();
  });

  /** The index must describe exactly the first lineCount lines of the file. */
  async function expectConsistentPrefix(idx: LogFileIndex): Promise<void> {
    const prefix = model.slice(0, idx.lineCount);
    expect(idx.indexedBytes).toBe(prefix.reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0));
    expect(idx.levelCounts()).toEqual(levelTotals(prefix));
    const tail = await idx.readLines(Math.max(0, idx.lineCount - 3), 3);
    expect(tail.lines).toEqual(prefix.slice(-3));
  }

  async function expectSameAsClean(idx: LogFileIndex): Promise<void> {
    expect(idx.lineCount).toBe(model.length);
    expect(idx.lineCount).toBe(clean.lineCount);
    expect(idx.indexedBytes).toBe(Buffer.byteLength(content));
    expect(idx.levelCounts()).toEqual(clean.levelCounts());
    expect(idx.levelCounts()).toEqual(levelTotals(model));
    expect(await allLines(idx, undefined, 50_000)).toEqual(model);
    expect(await allLines(idx, ['error', 'fatal'], 20_000)).toEqual(await allLines(clean, ['error', 'fatal'], 20_000));
    for (const q of ['pipeline', 'timeout "rate limit"', 'id1z', model[123_456].text.match(/id[0-9a-z]+z[0-9a-z]+/)?.[0] ?? 'x']) {
      expect(await idx.search(q, { limit: 500 })).toEqual(await clean.search(q, { limit: 500 }));
    }
  }

  it('continues after an aborted indexMore without re-reading or double counting', async () => {
    const cacheDir = join(t.dir, 'aborted');
    const first = await LogFileIndex.open(file, { cacheDir, ...OPTS });
    const ac = new AbortController();
    const checkpoints: number[] = [];
    await expect(first.indexMore({
      signal: ac.signal,
      checkpointEveryBytes: 1024 * 1024,
      onCheckpoint: (c) => checkpoints.push(c.indexedBytes),
      onProgress: (p) => { if (p.indexedBytes > content.length * 0.4) ac.abort(new Error('user cancelled')); },
    })).rejects.toThrow('user cancelled');
    const stoppedAt = first.indexedBytes;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(content.length);
    expect(checkpoints.at(-1)).toBe(stoppedAt); // abort checkpoints what was indexed
    await expectConsistentPrefix(first);
    await first.close();

    const second = await LogFileIndex.open(file, { cacheDir, ...OPTS });
    expect(second.indexedBytes).toBe(stoppedAt);
    await expectConsistentPrefix(second);
    const progress: number[] = [];
    await second.indexMore({ onProgress: (p) => progress.push(p.indexedBytes) });
    expect(progress[0]).toBeGreaterThan(stoppedAt);
    await expectSameAsClean(second);
    await second.close();
  });

  it('recovers from kill -9 of the indexing process', async () => {
    const cacheDir = join(t.dir, 'killed');
    const child = spawn(process.execPath, [CHILD, file, cacheDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let reported = 0;
    let completed = false;
    await new Promise<void>((resolve, reject) => {
      let seen = 0;
      child.on('message', (m: { type: string; indexedBytes?: number }) => {
        if (m.type === 'checkpoint') {
          reported = m.indexedBytes as number;
          // A little after a checkpoint, so the kill lands in the middle of appending blocks.
          if (++seen === 4) setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 15);
        }
        if (m.type === 'done') { completed = true; resolve(); }
      });
      child.once('exit', () => resolve());
      child.once('error', reject);
    });
    expect(await exited).toBe('SIGKILL');
    expect(completed).toBe(false);
    expect(reported).toBeGreaterThan(0);

    const resumed = await LogFileIndex.open(file, { cacheDir, ...OPTS });
    // At least what the child reported as durable, and not the whole file.
    expect(resumed.indexedBytes).toBeGreaterThanOrEqual(reported);
    expect(resumed.indexedBytes).toBeLessThan(content.length);
    await expectConsistentPrefix(resumed);
    const resumedAt = resumed.indexedBytes;
    const progress: number[] = [];
    await resumed.indexMore({ onProgress: (p) => progress.push(p.indexedBytes) });
    expect(progress[0]).toBeGreaterThan(resumedAt);
    await expectSameAsClean(resumed);
    await resumed.close();
  });
});
