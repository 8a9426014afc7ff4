import type { OpenAIEmbedder } from '../embeddings/index.ts';

/** What one live embedding probe measured: the provider's time per token, and how it scales with requests in flight. */
export interface EmbedProbe {
  /** Sampled texts sent per probe request, and their tokens. */
  inputs: number;
  tokens: number;
  /** One request alone, then two identical ones at once (ms). */
  aloneMs: number;
  pairMs: number;
  /** Milliseconds per token beyond the bare round trip (tokenizing, vectors, transfer, parsing). */
  msPerToken: number;
  /** How much of the per-token work two requests in flight overlap: 1 (serialized) to 2 (fully parallel). */
  pairSpeedup: number;
}

// A few thousand tokens of the texts the run will send: a fraction of a cent on any model.
const PROBE_TOKENS = 4000;
const PROBE_INPUTS = 64;

/**
 * Sends a slice of the sampled texts three times (alone, then two at once) and times them: the
 * request time that grows with the tokens sent, over the one-token round trip `baseMs`, and how
 * much of it overlaps when requests run concurrently. Null when there is nothing to send.
 */
export async function probeEmbedding(embedder: OpenAIEmbedder, texts: readonly { text: string; tokens: number }[], baseMs: number): Promise<EmbedProbe | null> {
  const items: { id: string; text: string; tokens: number }[] = [];
  let tokens = 0;
  for (const t of texts) {
    if (items.length >= PROBE_INPUTS || tokens >= PROBE_TOKENS) break;
    items.push({ id: `probe-${items.length}`, text: t.text, tokens: t.tokens });
    tokens += t.tokens;
  }
  if (!items.length) return null;
  const batch = () => [{ index: 0, items, tokens }];
  const t0 = performance.now();
  await embedder.embedAll(batch());
  const aloneMs = performance.now() - t0;
  const t1 = performance.now();
  await Promise.all([embedder.embedAll(batch()), embedder.embedAll(batch())]);
  const pairMs = performance.now() - t1;
  return {
    inputs: items.length,
    tokens,
    aloneMs,
    pairMs,
    msPerToken: Math.max(0, aloneMs - baseMs) / tokens,
    // The overlap of the work itself, not of the round trips: only measurable when the work is at
    // least a round trip long; otherwise none is assumed (the slower, safer reading).
    pairSpeedup: aloneMs - baseMs < baseMs ? 1 : Math.min(2, Math.max(1, (2 * (aloneMs - baseMs)) / Math.max(1, pairMs - baseMs))),
  };
}

/**
 * Effective requests in flight for a run that keeps `window` requests going, from the pair's
 * speedup s: s^log2(window) (1 when the provider serializes work, `window` when it scales).
 */
export function effectiveParallelism(pairSpeedup: number, window: number): number {
  return Math.max(1, Math.pow(Math.max(1, window), Math.log2(Math.min(2, Math.max(1, pairSpeedup)))));
}
