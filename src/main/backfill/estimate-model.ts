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
