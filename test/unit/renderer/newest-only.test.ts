import { describe, expect, it } from 'vitest';
import { newestOnly } from '../../../src/renderer/src/lib/newest-only.ts';

// A promise settled from the test, in the order the test chooses.
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('newestOnly: a page shows the answer to its newest filter', () => {
  it('an older call answering last is dropped; the newer answer stays', async () => {
    const run = newestOnly();
    const shown: string[] = [];
    const last30 = deferred<string>();
    const all = deferred<string>();
    const first = run(() => last30.promise, (v) => shown.push(v));
    const second = run(() => all.promise, (v) => shown.push(v));
    all.resolve('all time: 71 merged');
    await second;
    last30.resolve('30 days: 0 merged');
    await first;
    expect(shown).toEqual(['all time: 71 merged']);
  });

  it('answers in order are each applied', async () => {
    const run = newestOnly();
    const shown: number[] = [];
    await run(async () => 1, (v) => shown.push(v));
    await run(async () => 2, (v) => shown.push(v));
    expect(shown).toEqual([1, 2]);
  });

  it('the newest call’s error reaches the caller; an older call’s error is dropped with its answer', async () => {
    const run = newestOnly();
    const older = deferred<number>();
    const first = run(() => older.promise, () => {});
    const second = run(() => Promise.reject(new Error('warehouse unreachable')), () => {});
    await expect(second).rejects.toThrow('warehouse unreachable');
    older.reject(new Error('stale failure'));
    await expect(first).resolves.toBeUndefined();
  });

  it('each loader keeps its own count: one page’s calls do not drop another’s', async () => {
    const a = newestOnly();
    const b = newestOnly();
    const shown: string[] = [];
    const slow = deferred<string>();
    const pa = a(() => slow.promise, (v) => shown.push(v));
    await b(async () => 'b', (v) => shown.push(v));
    slow.resolve('a');
    await pa;
    expect(shown).toEqual(['b', 'a']);
  });
});
