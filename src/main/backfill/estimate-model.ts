import { DEFAULT_MAX_INPUTS, MAX_TOKENS_PER_REQUEST } from '../embeddings/index.ts';
import type { RequestTiming } from '../sync/size-scan.ts';

/** A figure with its uncertainty band (about 95 %). */
export interface Range {
  value: number;
  low: number;
  high: number;
}

export const exact = (value: number): Range => ({ value, low: value, high: value });
export const band = (value: number, relative: number, absolute = 0): Range => ({ value, low: Math.max(0, value * (1 - relative) - absolute), high: value * (1 + relative) + absolute });
export const sum = (...rs: Range[]): Range => ({ value: rs.reduce((n, r) => n + r.value, 0), low: rs.reduce((n, r) => n + r.low, 0), high: rs.reduce((n, r) => n + r.high, 0) });
export const scale = (r: Range, k: number): Range => ({ value: r.value * k, low: r.low * k, high: r.high * k });
export const rounded = (r: Range, digits = 0): Range => {
  const f = 10 ** digits;
  const round = (x: number) => Math.round(x * f) / f;
  return { value: round(r.value), low: round(r.low), high: round(r.high) };
};

/**
 * The rows the workspace totals and the verification pass over, as the run leaves the tables. A
 * pass reads every version of a row that no vacuum has removed yet, and the run rewrites rows right
 * before these steps: the sync's upserts rewrite the stored rows it fetches again (`storedShare` of
 * what it fetches), and the embedding step marks every item it embeds (a new version of the PR or
 * issue). `people`: the people tables (items, reviews, comments); `items`: the PRs and issues alone.
 */
export function rowVisits(r: { peopleRows: number; items: number; peopleRowsFetched: number; itemsFetched: number; storedShare: number; embedded: number }): { people: number; items: number } {
  const share = Math.min(1, Math.max(0, r.storedShare));
  return {
    people: r.peopleRows + r.peopleRowsFetched * share + r.embedded,
    items: r.items + r.itemsFetched * share + r.embedded,
  };
}

/**
 * The mean of a sample and the 95 % band of a population total from it: z·s/√n with the
 * finite-population correction (a sample of everything is exact).
 */
export function totalFromSample(values: number[], population: number): Range {
  const n = values.length;
  if (n === 0 || population === 0) return exact(0);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : mean * mean;
  const fpc = population > 1 ? Math.sqrt(Math.max(0, (population - n) / (population - 1))) : 0;
  const se = (Math.sqrt(variance / n) * fpc) * population;
  const value = mean * population;
  return { value, low: Math.max(0, value - 1.96 * se), high: value + 1.96 * se };
}

/** Relative standard error of a sample's mean (stops the sampling when small enough). */
export function relativeError(values: number[], population: number): number {
  const r = totalFromSample(values, population);
  return r.value > 0 ? (r.high - r.value) / 1.96 / r.value : 0;
}

/**
 * GitHub latency as base + per-node cost, least squares over the estimate's own timed requests
 * (counts, size scans, samples: from a few nodes to hundreds). Real and emulated GitHub both
 * answer bigger queries more slowly. Residuals give the model's spread.
 */
export function fitLatency(timings: RequestTiming[]): { baseMs: number; perNodeMs: number; spread: number } {
  const n = timings.length;
  const mx = timings.reduce((a, t) => a + t.nodes, 0) / n;
  const my = timings.reduce((a, t) => a + t.ms, 0) / n;
  const sxx = timings.reduce((a, t) => a + (t.nodes - mx) ** 2, 0);
  const sxy = timings.reduce((a, t) => a + (t.nodes - mx) * (t.ms - my), 0);
  let perNodeMs = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  let baseMs = my - perNodeMs * mx;
  if (baseMs < 0) {
    baseMs = 0;
    perNodeMs = my / Math.max(1, mx);
  }
  const residual = Math.sqrt(timings.reduce((a, t) => a + (t.ms - (baseMs + perNodeMs * t.nodes)) ** 2, 0) / Math.max(1, n - 2));
  return { baseMs, perNodeMs, spread: my > 0 ? residual / my / Math.sqrt(n) : 0 };
}

/**
 * Requests the embedding step sends: what is due streams in pages of 2,000 and each page is
 * packed greedily (256 inputs, 300,000 tokens per request), as packBatches does.
 */
export function embeddingRequests(tokens: number[], pageSize = 2000, maxInputs = DEFAULT_MAX_INPUTS, maxTokens = MAX_TOKENS_PER_REQUEST): number {
  let requests = 0;
  for (let p = 0; p < tokens.length; p += pageSize) {
    let inputs = 0;
    let sum = 0;
    for (const t of tokens.slice(p, p + pageSize)) {
      if (inputs === 0 || inputs >= maxInputs || sum + t > maxTokens) {
        requests++;
        inputs = 0;
        sum = 0;
      }
      inputs++;
      sum += t;
    }
  }
  return requests;
}

/** The embedding step's work and the rates it runs at, each measured at estimate time. */
export interface EmbedStepInputs {
  items: number;
  tokens: number;
  requests: number;
  /** Candidates per page (the job reads, sends and stores page by page). */
  pageSize: number;
  /** Vectors per write (the Milvus batch: one upsert and one warehouse transaction each). */
  batchSize: number;
  /** Reading and tokenizing one item's text; the plan and the embedding pass each do it once. */
  textMsPerItem: number;
  /** Collection set-up before the first page: creating, indexing and loading it when it does not exist. */
  setupMs: number;
  /** The provider: its limits, the buckets when the step starts, round trip, work per token and overlap. */
  tpm: number;
  rpm: number;
  initialTokens: number;
  initialRequests: number;
  latencyMs: number;
  msPerToken: number;
  /** Requests in flight that overlap, for a page of n requests. */
  parallelism: (requests: number) => number;
  /** Per vector: Milvus upsert, warehouse marks, the final flush. */
  upsertMsPerRow: number;
  warehouseMsPerRow: number;
  flushMsPerRow: number;
  /** The step's closing count of the repository's entities, over the collection as the run leaves it. */
  countMs: number;
}

export interface EmbedStepTime {
  seconds: number;
  parts: { setup: number; text: number; sending: number; milvus: number; warehouse: number; finish: number };
}

/**
 * The embedding step as it runs: set-up, the plan's pass over the texts, then page by page (read
 * and tokenize, send within the rate limits, store every `batchSize` vectors in Milvus and the
 * warehouse, one after the other), then the flush and counts. The provider's buckets refill while
 * the step reads and stores, so sending waits only for what the buckets lack.
 */
export function embedStepSeconds(x: EmbedStepInputs): EmbedStepTime {
  const parts = { setup: x.setupMs / 1000, text: 0, sending: 0, milvus: 0, warehouse: 0, finish: 0 };
  if (x.items <= 0) return { seconds: parts.setup, parts };
  const tokPerS = x.tpm / 60;
  const reqPerS = x.rpm / 60;
  let tokens = Math.min(x.tpm, x.initialTokens);
  let requests = Math.min(x.rpm, x.initialRequests);
  const pass = (s: number) => {
    tokens = Math.min(x.tpm, tokens + s * tokPerS);
    requests = Math.min(x.rpm, requests + s * reqPerS);
  };
  pass(parts.setup);
  const plan = (x.items * x.textMsPerItem) / 1000;
  parts.text += plan;
  pass(plan);
  let pending = 0;
  for (let start = 0; start < x.items; start += x.pageSize) {
    const n = Math.min(x.pageSize, x.items - start);
    const read = (n * x.textMsPerItem) / 1000;
    parts.text += read;
    pass(read);
    const t = (x.tokens * n) / x.items;
    const r = Math.max(1, Math.round((x.requests * n) / x.items));
    const work = x.latencyMs / 1000 + (x.msPerToken * t) / 1000 / Math.max(1, x.parallelism(r));
    const wait = Math.max((t - tokens) / tokPerS, (r - requests) / reqPerS, 0) + x.latencyMs / 1000;
    const send = Math.max(work, wait);
    parts.sending += send;
    pass(send);
    tokens = Math.max(0, tokens - t);
    requests = Math.max(0, requests - r);
    // Stored every batchSize vectors; the rest waits for the next page, the last for the end.
    pending += n;
    const last = start + n >= x.items;
    const stored = last ? pending : pending - (pending % x.batchSize);
    pending -= stored;
    const milvus = (stored * x.upsertMsPerRow) / 1000;
    const warehouse = (stored * x.warehouseMsPerRow) / 1000;
    parts.milvus += milvus;
    parts.warehouse += warehouse;
    pass(milvus + warehouse);
  }
  parts.finish = (x.items * x.flushMsPerRow + x.countMs) / 1000;
  return { seconds: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/**
 * A count's time at `rows`: `atSecondMs`, timed at the second size, grown as `growthMs` grew from
 * the first size to the second: t = atSecond·(rows/n2)^b, the exponent b held within 1–2: a
 * filtered count reads every row (at least linear), and a noisy pair says at most quadratic. The
 * second size is the run's own, up to the probe's cap.
 */
export function scaledCountMs(sizes: readonly [number, number], growthMs: readonly [number, number], rows: number, atSecondMs = growthMs[1]): number {
  const [n1, n2] = sizes;
  const [t1, t2] = growthMs;
  if (rows <= 0) return 0;
  const b = t1 > 0 && t2 > 0 && n2 > n1 ? Math.log(t2 / t1) / Math.log(n2 / n1) : 1;
  return atSecondMs * (rows / n2) ** Math.min(2, Math.max(1, b));
}
