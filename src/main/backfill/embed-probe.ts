import type { OpenAIEmbedder } from '../embeddings/index.ts';

/** What one live embedding probe measured: the provider's time per token, and how it scales with requests in flight. */
export interface EmbedProbe {
  /** Sampled texts sent per probe request, and their tokens. */
  inputs: number;
  tokens: number;
  /** A one-token request, the slice alone (the fastest of three tries each), then the slice twice at once (ms). */
  baseMs: number;
  aloneMs: number;
  pairMs: number;
  /** Every token the probe sent (the slice each time and the one-token requests): what it cost. */
  tokensSent: number;
  /** Milliseconds per token beyond the bare round trip (tokenizing, vectors, transfer, parsing). */
  msPerToken: number;
  /** How much of the per-token work two requests in flight overlap: 1 (serialized) to 2 (fully parallel). */
  pairSpeedup: number;
  /** The vectors the provider returned: what the write probe stores, as the run will. */
  vectors: number[][];
}

// Tens of thousands of tokens of the texts the run will send (a fraction of a cent on any model):
// enough that the work per token stands out of a round trip's jitter on a busy machine.
const PROBE_TOKENS = 20_000;
const PROBE_INPUTS = 256;
const TINY = { id: 'probe-tiny', text: 'probe', tokens: 1 };
// Each timed alone this often, the fastest counts: the slice's own work is a few ms over a round
// trip, and a collector pause of the core (tens of ms) in each of two tries tripled it in 1 run of 5.
const TRIES = 3;
/** How often the probe sends the sampled slice: alone `TRIES` times, then twice at once. */
export const PROBE_SENDS = TRIES + 2;

/**
 * Sends a slice of the sampled texts and times it against a one-token request (each `TRIES` times,
 * the fastest counts: a passing stall on a shared machine is not the provider's speed): the request time
 * that grows with the tokens sent, over the bare round trip. Then the slice twice at once: how much
 * of the work overlaps when requests run concurrently. Null when there is nothing to send.
 */
export async function probeEmbedding(embedder: OpenAIEmbedder, texts: readonly { text: string; tokens: number }[]): Promise<EmbedProbe | null> {
  const items: { id: string; text: string; tokens: number }[] = [];
  let tokens = 0;
  for (const t of texts) {
    if (items.length >= PROBE_INPUTS || tokens >= PROBE_TOKENS) break;
    items.push({ id: `probe-${items.length}`, text: t.text, tokens: t.tokens });
    tokens += t.tokens;
  }
  if (!items.length) return null;
  const batch = () => [{ index: 0, items, tokens }];
  const vectors: number[][] = [];
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  let baseMs = Infinity;
  let aloneMs = Infinity;
  for (let i = 0; i < TRIES; i++) {
    baseMs = Math.min(baseMs, await time(() => embedder.embedAll([{ index: 0, items: [TINY], tokens: 1 }])));
    aloneMs = Math.min(aloneMs, await time(() => embedder.embedAll(batch(), { onBatch: (r) => void (vectors.length ? undefined : vectors.push(...r.vectors)) })));
  }
  const pairMs = await time(() => Promise.all([embedder.embedAll(batch()), embedder.embedAll(batch())]));
  return {
    inputs: items.length,
    tokens,
    baseMs,
    aloneMs,
    pairMs,
    tokensSent: PROBE_SENDS * tokens + TRIES * TINY.tokens,
    msPerToken: Math.max(0, aloneMs - baseMs) / tokens,
    vectors,
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
