// What stops a run, what is retried, and that nothing is half-reported or sent after a stop.
import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../src/shared/errors.ts';
import type { EmbedItem } from '../../../src/main/embeddings/batches.ts';
import { batchesOf, collect, embedderFor, emulator, makeItems, sleep, textOf } from './helpers.ts';

const complete = (r: { vectors: number[][]; batch: { items: unknown[] } }): boolean => r.vectors.length === r.batch.items.length && r.vectors.every((v) => v.length === 1536);

/**
 * After a stop, requests sent just before it may still land (aborted, but already on the wire) and
 * a loaded machine can delay them, so wait until the emulator's count settles: it must never exceed
 * what the client had sent when it stopped.
 */
async function expectNothingSentAfterStop(emu: { stats: { requests: number } }, error: unknown): Promise<void> {
  const sent = ((error as OpsError).details as { requests: number }).requests;
  let seen = -1;
  for (let waited = 0; waited < 3000 && seen !== emu.stats.requests; waited += 150) {
    seen = emu.stats.requests;
    await sleep(150);
  }
  expect(emu.stats.requests).toBeLessThanOrEqual(sent);
}

describe('retries', () => {
  it('retries 500, 502, 503, 504 and a dropped connection, embedding each batch once', async () => {
    const emu = await emulator({
      faults: [
        { kind: 'status', status: 500, atRequests: [1] },
        { kind: 'status', status: 502, atRequests: [2] },
        { kind: 'status', status: 503, atRequests: [3], retryAfterMs: 30 },
        { kind: 'status', status: 504, atRequests: [5] },
        { kind: 'disconnect', atRequests: [6] },
      ],
    });
    const batches = batchesOf(makeItems(40), { maxInputs: 10 });
    const run = await collect(embedderFor(emu), batches);
    expect(run.error).toBeUndefined();
    expect(emu.stats.byStatus).toMatchObject({ 200: 4, 500: 1, 502: 1, 503: 1, 504: 1, 0: 1 });
    expect(emu.stats.inputsEmbedded).toBe(40);
    expect(run.results.map((r) => r.batch.index).sort()).toEqual([0, 1, 2, 3]);
    expect(run.results.every(complete)).toBe(true);
    expect(run.summary).toMatchObject({ requests: 9, transientErrors: 5 });
    expect(run.results.reduce((n, r) => n + r.attempts, 0)).toBe(9);
  });

  it('gives up after maxAttempts with backoff between them', async () => {
    const emu = await emulator({ faults: [{ kind: 'status', status: 503, every: 1 }] });
    const run = await collect(embedderFor(emu, { maxAttempts: 4, retryBaseMs: 20 }), batchesOf(makeItems(3), {}));
    expect(run.error).toBeInstanceOf(OpsError);
    expect(run.error).toMatchObject({ code: 'unavailable' });
    expect((run.error as Error).message).toMatch(/failed 4 times for batch 0 .*overloaded.*\(0 of 1 batches were completed and reported\)/);
    expect(emu.stats.requests).toBe(4);
    expect(run.ms).toBeGreaterThan(10 + 20 + 40); // equal jitter: at least half of 20, 40, 80
    expect(run.results).toEqual([]);
  });
});

describe('stops', () => {
  it('401: unauthorized, no key in the message, nothing reported, nothing sent afterwards', async () => {
    const emu = await emulator({ latencyMs: 5 });
    const wrongKey = 'sk-proj-wrongWrongWrong0123456789abcdefghij';
    const run = await collect(embedderFor(emu, { apiKey: wrongKey }), batchesOf(makeItems(200), { maxInputs: 10 }));
    expect(run.error).toBeInstanceOf(OpsError);
    expect(run.error).toMatchObject({ code: 'unauthorized' });
    const message = (run.error as Error).message;
    expect(message).toMatch(/^OpenAI key invalid/);
    expect(message).not.toContain(wrongKey.slice(8, -4));
    expect(JSON.stringify((run.error as OpsError).details)).not.toContain(wrongKey.slice(8, -4));
    expect(run.results).toEqual([]);
    expect(emu.stats.requests).toBeLessThanOrEqual(4); // just the first wave
    await expectNothingSentAfterStop(emu, run.error);
  });

  it('insufficient_quota: stops everything with a clear message; reported batches are whole', async () => {
    const items = makeItems(300);
    const perBatch = batchesOf(items, { maxInputs: 10 })[0].tokens;
    const emu = await emulator({ latencyMs: 30, quotaTokens: perBatch * 6 });
    const run = await collect(embedderFor(emu), batchesOf(items, { maxInputs: 10 }));
    expect(run.error).toBeInstanceOf(OpsError);
    expect(run.error).toMatchObject({ code: 'unavailable' });
    expect((run.error as Error).message).toMatch(/^OpenAI quota exhausted/);
    expect(run.results.length).toBeGreaterThanOrEqual(1);
    expect(run.results.length).toBeLessThanOrEqual(6);
    expect(run.results.every(complete)).toBe(true);
    const quota429s = emu.stats.byStatus[429] ?? 0;
    expect(quota429s).toBeGreaterThanOrEqual(1);
    expect((run.error as OpsError).details).toMatchObject({ batches: run.results.length, totalBatches: 30 });
    await expectNothingSentAfterStop(emu, run.error);
  });

  it('400: names the input and the reason', async () => {
    const emu = await emulator();
    const items: EmbedItem[] = makeItems(5);
    items[3] = { id: 'octo/app#42', text: textOf(9000), tokens: 100 }; // lies about its size, so packing lets it through
    const run = await collect(embedderFor(emu), [{ index: 0, items, tokens: 500 }]);
    expect(run.error).toMatchObject({ code: 'invalid_input' });
    expect((run.error as Error).message).toMatch(/^OpenAI rejected input "octo\/app#42" \(batch 0, position 3\): it has 9000 tokens, over the model's limit of 8191 — This model's maximum context length is 8192 tokens/);
    expect(emu.stats.requests).toBe(1); // not retried
  });

  it('400 not about an input: says which parameter', async () => {
    const emu = await emulator({
      models: [{ id: 'custom-embed', dimensions: 768, supportsDimensions: false, maxInputTokens: 8192, created: 0, ownedBy: 'me' }],
    });
    const run = await collect(embedderFor(emu, { model: 'custom-embed', dimensions: 256 }), batchesOf(makeItems(2), {}));
    expect(run.error).toMatchObject({ code: 'invalid_input' });
    expect((run.error as Error).message).toMatch(/^OpenAI rejected the embeddings request: This model does not support specifying dimensions\./);
  });

  it('404: an unknown model is named', async () => {
    const emu = await emulator();
    const run = await collect(embedderFor(emu, { model: 'text-embedding-9' }), batchesOf(makeItems(2), {}));
    expect(run.error).toMatchObject({ code: 'invalid_input' });
    expect((run.error as Error).message).toMatch(/^OpenAI model "text-embedding-9" does not exist/);
  });

  it('a batch over the account TPM: clear advice instead of endless 429s', async () => {
    const emu = await emulator({ tpm: 60_000 });
    const small = { index: 0, items: [{ id: 's', text: textOf(1000), tokens: 1000 }], tokens: 1000 };
    const bigItems = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, text: textOf(8000), tokens: 8000 }));
    const big = { index: 1, items: bigItems, tokens: 80_000 };
    // Limits not yet known: the API's "Request too large" 429 says so.
    const first = await collect(embedderFor(emu), [small, big]);
    expect(first.error).toMatchObject({ code: 'invalid_input' });
    expect((first.error as Error).message).toMatch(/^Batch 1 \(80000 tokens\) is larger than this account's tokens-per-minute limit: Request too large .*pack smaller batches/);
    // Limits known: refused before sending.
    const embedder = embedderFor(emu);
    await collect(embedder, [small]);
    emu.resetStats();
    const second = await collect(embedder, [big]);
    expect((second.error as Error).message).toMatch(/^Batch 1 has 80000 tokens but this OpenAI account allows only 60000 tokens per minute; pack smaller batches/);
    expect(emu.stats.requests).toBe(0);
  });

  it("the caller's onBatch error stops the run and comes back as is", async () => {
    const emu = await emulator({ latencyMs: 10 });
    const boom = new Error('disk full');
    const run = await collect(embedderFor(emu), batchesOf(makeItems(100), { maxInputs: 5 }), {
      onBatch: () => {
        throw boom;
      },
    });
    expect(run.error).toBe(boom);
    expect(run.results).toHaveLength(1);
    await sleep(300);
    expect(emu.stats.requests).toBeLessThanOrEqual(1 + 32); // the first wave, then at most maxBatchesAhead
  });
});

describe('cancellation', () => {
  it('abort mid-run: stops quickly, aborts in-flight requests, reports only completed batches', async () => {
    // In-flight requests take 2 s: stopping well under that shows they were aborted, not awaited,
    // with room for a busy machine's event-loop delays.
    const emu = await emulator({ latencyMs: 2000 });
    const batches = batchesOf(makeItems(400), { maxInputs: 10 });
    const controller = new AbortController();
    let abortedAt = 0;
    const run = await collect(embedderFor(emu), batches, {
      signal: controller.signal,
      onBatch: () => {
        if (!abortedAt) {
          abortedAt = performance.now();
          setTimeout(() => controller.abort(), 50); // mid-flight: the second wave was just sent
        }
      },
    });
    const stoppedAfter = performance.now() - abortedAt - 50;
    expect(run.error).toMatchObject({ code: 'cancelled' });
    expect(stoppedAfter).toBeLessThan(1000); // did not wait out the 2 s in flight
    expect(run.results.length).toBeGreaterThanOrEqual(1);
    expect(run.results.length).toBeLessThan(batches.length);
    expect(run.results.every(complete)).toBe(true);
    expect((run.error as OpsError).details).toMatchObject({ batches: run.results.length });
    await expectNothingSentAfterStop(emu, run.error);
  });

  it('an already aborted signal sends nothing', async () => {
    const emu = await emulator();
    const run = await collect(embedderFor(emu), batchesOf(makeItems(10), {}), { signal: AbortSignal.abort() });
    expect(run.error).toMatchObject({ code: 'cancelled' });
    expect(emu.stats.requests).toBe(0);
  });
});

describe('checkpointing', () => {
  it('does not run ahead of a slow onBatch by more than maxPendingResults', async () => {
    const emu = await emulator({ latencyMs: 5 });
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const done = collect(embedderFor(emu, { maxBatchesAhead: 3 }), batchesOf(makeItems(100), { maxInputs: 5 }), {
      onBatch: async () => {
        if (calls++ === 0) await gate;
      },
    });
    await sleep(200);
    // The first result is being persisted; with it, at most 3 batches are held or in flight.
    expect(calls).toBe(1);
    expect(emu.stats.requests).toBe(3);
    release();
    const run = await done;
    expect(run.error).toBeUndefined();
    expect(run.results).toHaveLength(20);
    expect(run.summary?.inputs).toBe(100);
  });
});
