// The product's OpenAI embeddings client: the official SDK for transport (no SDK retries; EmbedRun
// retries and paces), plus local estimates for --dry-run.
import OpenAI from 'openai';
import { OpsError } from '../../shared/errors.ts';
import { Redactor } from '../logging/redact.ts';
import type { Batch, EmbedItem } from './batches.ts';
import { EmbedRun } from './embed-run.ts';
import type { EmbedAllOptions, EmbedRunSummary, RunSettings, SendFn } from './embed-run.ts';
import { effectiveDimensions, modelInfo } from './models.ts';
import { costUsd } from './pricing.ts';
import type { PriceTable } from './pricing.ts';
import type { RequestGate } from '../rate-budgets/rate-budgets.ts';
import { RateLimitMirror, readRateLimitHeaders } from './rate-limits.ts';
import { countTokens } from './tokens.ts';

export { minWallSeconds } from './rate-bound.ts';
export type { WorkloadShape } from './rate-bound.ts';
export type { BatchResult, EmbedAllOptions, EmbedRunSummary } from './embed-run.ts';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** Default https://api.openai.com/v1. */
  baseURL?: string;
  model: string;
  /** Vector length for text-embedding-3-*; leave unset for ada-002 (which rejects it). */
  dimensions?: number;
  /** Requests in flight before the first rate-limit report. Default 4. */
  initialConcurrency?: number;
  /** Ceiling on requests in flight (sockets), not a pacing knob. Default 256. */
  maxConcurrency?: number;
  /** Requests per batch for 5xx, timeouts and dropped connections. Default 6. */
  maxAttempts?: number;
  /** 429s per batch before giving up. Default 50. */
  maxRateLimitRetries?: number;
  /** First backoff after a transient error (doubles, with jitter). Default 500 ms. */
  retryBaseMs?: number;
  /** Longest backoff. Default 30 s. */
  retryMaxMs?: number;
  /** Per request. Default 120 s. */
  requestTimeoutMs?: number;
  /**
   * Batches in flight plus finished ones not yet through onBatch. Bounds memory (their vectors) and
   * how far sending runs ahead of persisting. Not a pacing knob: the rate limits pace. Default 32.
   */
  maxBatchesAhead?: number;
  /** Price overrides, US$ per 1M tokens. */
  prices?: PriceTable;
  /** Jitter source; tests pass a seeded one. */
  random?: () => number;
  /**
   * The key's tokens and requests per minute shared with every other process using it (through the
   * warehouse): each request takes its tokens there first, so N workers stay within one key's TPM.
   */
  gate?: RequestGate;
}

export interface EmbeddingEstimate {
  inputs: number;
  tokens: number;
  costUsd: number;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export class OpenAIEmbedder {
  readonly model: string;
  readonly dimensions: number | undefined;
  private readonly client: OpenAI;
  private readonly prices: PriceTable | undefined;
  private readonly gate: RequestGate | undefined;
  private readonly settings: RunSettings;
  // Kept across runs: a second run starts with the limits the first one learned.
  private readonly mirror = new RateLimitMirror();

  constructor(options: OpenAIEmbedderOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') throw new OpsError('unauthorized', 'No OpenAI API key configured');
    if (!options.model) throw new OpsError('invalid_input', 'No embedding model configured');
    checkDimensions(options.model, options.dimensions);
    const baseURL = options.baseURL ?? DEFAULT_BASE_URL;
    let host: string;
    try {
      host = new URL(baseURL).host;
    } catch {
      throw new OpsError('invalid_input', `OpenAI base URL is not a URL: ${baseURL}`);
    }
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.prices = options.prices;
    this.gate = options.gate;
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL, maxRetries: 0, timeout: positive(options.requestTimeoutMs, 120_000) });
    const redactor = new Redactor();
    redactor.add(options.apiKey);
    this.settings = {
      model: options.model,
      dimensions: effectiveDimensions(options.model, options.dimensions),
      initialConcurrency: positive(options.initialConcurrency, 4),
      maxConcurrency: positive(options.maxConcurrency, 256),
      maxAttempts: positive(options.maxAttempts, 6),
      maxRateLimitRetries: positive(options.maxRateLimitRetries, 50),
      retryBaseMs: positive(options.retryBaseMs, 500),
      retryMaxMs: positive(options.retryMaxMs, 30_000),
      maxBatchesAhead: positive(options.maxBatchesAhead, 32),
      random: options.random ?? Math.random,
      sanitize: (m) => redactor.string(m),
      host,
    };
  }

  /**
   * Embeds every batch; resolves when all were handed to `onBatch`. Rejects with an OpsError
   * (unauthorized, unavailable for quota or persistent failures, invalid_input for a rejected input,
   * cancelled) after in-flight requests were aborted; batches reported before that stay valid.
   */
  embedAll<T extends EmbedItem>(batches: readonly Batch<T>[], options: EmbedAllOptions<T> = {}): Promise<EmbedRunSummary> {
    return new EmbedRun(batches, this.settings, this.mirror, this.send, options).run();
  }

  /** Tokens and US$ computed locally (no request); items without `tokens` are counted here. */
  estimate(items: readonly { text: string; tokens?: number }[]): EmbeddingEstimate {
    let tokens = 0;
    for (const item of items) tokens += item.tokens ?? countTokens(item.text);
    return { inputs: items.length, tokens, costUsd: costUsd(this.model, tokens, this.prices) };
  }

  /** The key's per-minute limits as OpenAI reports them, for the shared budget. */
  private learn(headers: Headers | undefined): void {
    if (!this.gate || !headers || typeof headers.get !== 'function') return;
    const report = readRateLimitHeaders(headers);
    if (report?.requests.limit) this.gate.learnPerMinute('requests/min', report.requests.limit);
    if (report?.tokens.limit) this.gate.learnPerMinute('tokens/min', report.tokens.limit);
  }

  private readonly send: SendFn = async (batch: Batch, signal: AbortSignal) => {
    const input = batch.items.map((item) => item.text);
    const body = this.dimensions === undefined ? { model: this.model, input } : { model: this.model, input, dimensions: this.dimensions };
    const release = await this.gate?.acquire([{ resource: 'requests/min', points: 1 }, { resource: 'tokens/min', points: batch.tokens }], signal);
    // Default base64 transport: 4 bytes per float on the wire instead of ~20 of JSON text.
    let answer;
    try {
      answer = await this.client.embeddings.create(body, { signal }).withResponse();
    } catch (e) {
      this.learn((e as { headers?: Headers }).headers);
      throw e;
    } finally {
      release?.();
    }
    const { data, response, request_id } = answer;
    this.learn(response.headers);
    const vectors: number[][] = new Array(batch.items.length);
    for (const d of data.data) vectors[d.index] = d.embedding;
    return { vectors, tokens: data.usage.prompt_tokens, requestId: request_id, headers: response.headers };
  };
}

function checkDimensions(model: string, dimensions: number | undefined): void {
  if (dimensions === undefined) return;
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new OpsError('invalid_input', `Embedding dimensions must be a positive integer, got ${dimensions}`);
  const info = modelInfo(model);
  if (info && !info.supportsDimensions) throw new OpsError('invalid_input', `${model} does not support choosing dimensions; leave them unset (${info.nativeDimensions})`);
  if (info && dimensions > info.nativeDimensions) throw new OpsError('invalid_input', `${model} has at most ${info.nativeDimensions} dimensions, got ${dimensions}`);
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new OpsError('invalid_input', `Expected a positive number, got ${value}`);
  return value;
}
