// Shared set-up for the embedding client's tests: the OpenAI emulator, items and a collector.
import { afterEach } from 'vitest';
import { makeText, seededRandom } from '../../emulators/openai/fixtures.ts';
import { startOpenAIEmulator } from '../../emulators/openai/server.ts';
import type { OpenAIEmulator, OpenAIEmulatorOptions } from '../../emulators/openai/server.ts';
import { packBatches } from '../../../src/main/embeddings/batches.ts';
import type { Batch, EmbedItem, PackLimits } from '../../../src/main/embeddings/batches.ts';
import type { BatchResult, EmbedAllOptions, EmbedRunSummary } from '../../../src/main/embeddings/embed-run.ts';
import { OpenAIEmbedder } from '../../../src/main/embeddings/openai-embedder.ts';
import type { OpenAIEmbedderOptions } from '../../../src/main/embeddings/openai-embedder.ts';
import { countTokens } from '../../../src/main/embeddings/tokens.ts';

export const KEY = 'sk-proj-embeddingsTest0123456789abcdefghijkl';
export const MODEL = 'text-embedding-3-small';

const running: OpenAIEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

export async function emulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  const emu = await startOpenAIEmulator({ apiKeys: [KEY], ...options });
  running.push(emu);
  return emu;
}

export function embedderFor(emu: OpenAIEmulator, options: Partial<OpenAIEmbedderOptions> = {}): OpenAIEmbedder {
  return new OpenAIEmbedder({ apiKey: KEY, baseURL: emu.baseUrl, model: MODEL, retryBaseMs: 10, random: seededRandom(7), ...options });
}

/** `n` PR-like items of about `words` words each, with exact local token counts. */
export function makeItems(n: number, words = 60, seed = 1): EmbedItem[] {
  return Array.from({ length: n }, (_, i) => {
    const text = makeText(seed * 100_000 + i, i, words);
    return { id: `item-${i}`, text, tokens: countTokens(text) };
  });
}

/** A text of exactly n cl100k tokens. */
export const textOf = (n: number): string => 'a' + ' a'.repeat(n - 1);

export function batchesOf(items: EmbedItem[], limits: PackLimits): Batch[] {
  return packBatches(items, limits);
}

export interface Collected {
  results: BatchResult[];
  summary?: EmbedRunSummary;
  error?: unknown;
  ms: number;
}

/** Runs embedAll, keeping every reported batch and the outcome instead of throwing. */
export async function collect(embedder: OpenAIEmbedder, batches: Batch[], options: EmbedAllOptions = {}): Promise<Collected> {
  const results: BatchResult[] = [];
  const started = performance.now();
  try {
    const summary = await embedder.embedAll(batches, {
      ...options,
      onBatch: async (r) => {
        results.push(r);
        await options.onBatch?.(r);
      },
    });
    return { results, summary, ms: performance.now() - started };
  } catch (error) {
    return { results, error, ms: performance.now() - started };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
