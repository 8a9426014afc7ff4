// One embedAll call: sends batches concurrently, paced by the provider's rate limits, retries what
// is worth retrying, and hands finished batches to the caller one at a time.
//
// Pacing. Until the first x-ratelimit-* report arrives, at most `initialConcurrency` requests are
// in flight. From then on the window opens fully and the RateLimitMirror decides: the next batch
// goes out as soon as the estimated request and token buckets hold it, so concurrency grows while
// the remaining counts leave room and drops to zero when they run low (a timer waits for the
// refill the reports predict or, without a limit header, until the reported reset). A 429 pauses
// all sending for its retry-after and, like a 5xx, halves the window (once per burst), which then
// grows by one per success. `maxBatchesAhead` only bounds memory: in flight plus not yet reported.
import { OpsError } from '../../shared/errors.ts';
import type { Failure } from './api-errors.ts';
import { backoffMs, classifyError } from './api-errors.ts';
import type { Batch, EmbedItem } from './batches.ts';
import { describeBadRequest } from './diagnose.ts';
import type { RateLimitMirror } from './rate-limits.ts';
import { readRateLimitHeaders } from './rate-limits.ts';

export interface SendResult {
  vectors: number[][];
  /** usage.prompt_tokens: what the request is billed. */
  tokens: number;
  requestId: string | null;
  headers: Headers;
}

export type SendFn = (batch: Batch, signal: AbortSignal) => Promise<SendResult>;

export interface BatchResult<T extends EmbedItem = EmbedItem> {
  batch: Batch<T>;
  /** vectors[i] embeds batch.items[i]. */
  vectors: number[][];
  /** Billed tokens (usage.prompt_tokens). */
  tokens: number;
  requestId: string | null;
  /** Requests it took, including retries. */
  attempts: number;
  /** What `admit` returned for this batch (a budget reservation to settle). */
  admission?: unknown;
}

export interface EmbedAllOptions<T extends EmbedItem = EmbedItem> {
  signal?: AbortSignal;
  /** Called once per completed batch, in completion order, never concurrently; awaited. */
  onBatch?: (result: BatchResult<T>) => void | Promise<void>;
  /**
   * Called once per batch right before it is first sent (the budget check). Throwing stops
   * sending: batches in flight finish and are reported, then the run rejects with that error.
   */
  admit?: (batch: Batch<T>) => unknown;
}

export interface EmbedRunSummary {
  batches: number;
  inputs: number;
  /** Tokens of the reported batches (usage.prompt_tokens). */
  tokens: number;
  /** Tokens of every successful response, including any dropped by a stop: what was billed. */
  billedTokens: number;
  requests: number;
  /** 429s from rate limits (not quota). */
  rateLimited: number;
  /** 5xx, timeouts and dropped connections that were retried. */
  transientErrors: number;
  elapsedMs: number;
}

export interface RunSettings {
  model: string;
  /** Expected vector length, if known. */
  dimensions?: number;
  initialConcurrency: number;
  maxConcurrency: number;
  maxAttempts: number;
  maxRateLimitRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** In flight plus finished-but-not-yet-reported batches (vectors held in memory). */
  maxBatchesAhead: number;
  random: () => number;
  /** Removes secrets from provider messages. */
  sanitize: (message: string) => string;
  host: string;
}

interface Job {
  batch: Batch;
  admitted?: boolean;
  admission?: unknown;
  attempts: number;
  failures: number;
  rateLimited: number;
  readyAt: number;
}

// Timers may fire a millisecond early against performance.now().
const SLACK_MS = 2;

export class EmbedRun<T extends EmbedItem> {
  private readonly queue: Job[];
  private readonly results: BatchResult<T>[] = [];
  private readonly abort = new AbortController();
  private readonly startedAt = performance.now();
  private inFlight = 0;
  private window: number;
  private congested = false;
  private lastShrinkSeq = -1;
  private pauseUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private delivering = false;
  private stopped = false;
  private settled = false;
  /** The first error; `fromCaller` when onBatch threw it (passed back unchanged). */
  private failure: { error: unknown; fromCaller: boolean } | undefined;
  /** Set when `admit` refused a batch: nothing more is sent, what is in flight still lands. */
  private draining: unknown = undefined;
  private readonly done = { batches: 0, inputs: 0, tokens: 0 };
  private readonly counts = { billedTokens: 0, requests: 0, rateLimited: 0, transientErrors: 0 };
  private resolve!: (summary: EmbedRunSummary) => void;
  private reject!: (error: unknown) => void;
  private readonly total: number;
  private readonly settings: RunSettings;
  private readonly mirror: RateLimitMirror;
  private readonly send: SendFn;
  private readonly options: EmbedAllOptions<T>;

  constructor(batches: readonly Batch<T>[], settings: RunSettings, mirror: RateLimitMirror, send: SendFn, options: EmbedAllOptions<T>) {
    this.settings = settings;
    this.mirror = mirror;
    this.send = send;
    this.options = options;
    this.total = batches.length;
    this.queue = batches.map((batch) => ({ batch, attempts: 0, failures: 0, rateLimited: 0, readyAt: 0 }));
    this.window = mirror.known ? settings.maxConcurrency : settings.initialConcurrency;
  }

  run(): Promise<EmbedRunSummary> {
    const promise = new Promise<EmbedRunSummary>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const { signal } = this.options;
    if (signal?.aborted) this.fail(this.cancelled());
    else {
      signal?.addEventListener('abort', this.onAbort, { once: true });
      this.pump();
    }
    this.settle();
    return promise;
  }

  private readonly onAbort = (): void => this.fail(this.cancelled());

  private cancelled(): OpsError {
    return new OpsError('cancelled', 'Embedding cancelled');
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    let wakeAt = Infinity;
    while (this.draining === undefined && this.inFlight < this.window && this.ahead() < this.settings.maxBatchesAhead && this.queue.length > 0) {
      if (now < this.pauseUntil) {
        wakeAt = this.pauseUntil;
        break;
      }
      const i = this.queue.findIndex((j) => j.readyAt <= now);
      if (i < 0) {
        wakeAt = this.queue.reduce((t, j) => Math.min(t, j.readyAt), Infinity);
        break;
      }
      const job = this.queue[i];
      const wait = this.mirror.waitMs(job.batch.tokens, now);
      if (wait === Infinity) {
        const limit = this.mirror.tokens.limit;
        this.fail(new OpsError('invalid_input', `Batch ${job.batch.index} has ${job.batch.tokens} tokens but this OpenAI account allows only ${limit} tokens per minute; pack smaller batches`));
        return;
      }
      if (wait > 0) {
        // Only in-flight reports or the refill can change this; both wake the pump.
        wakeAt = now + wait + SLACK_MS;
        break;
      }
      // The budget check, as late as possible: right before the batch is paid for.
      if (!job.admitted && this.options.admit) {
        try {
          job.admission = this.options.admit(job.batch as Batch<T>);
          job.admitted = true;
        } catch (err) {
          this.draining = err;
          break;
        }
      }
      this.queue.splice(i, 1);
      this.dispatch(job, now);
    }
    if (wakeAt !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(0, wakeAt - now));
    if (this.draining !== undefined) this.settle();
  }

  // Batches whose vectors exist or are coming but are not yet handed over: the memory held.
  private ahead(): number {
    return this.inFlight + this.results.length + (this.delivering ? 1 : 0);
  }

  private dispatch(job: Job, now: number): void {
    const seq = this.mirror.ticket();
    this.mirror.charge(seq, job.batch.tokens, now);
    this.inFlight++;
    this.counts.requests++;
    job.attempts++;
    this.send(job.batch, this.abort.signal)
      .then(
        (ok) => this.onSuccess(job, seq, now, ok),
        (err: unknown) => this.onFailure(job, seq, err),
      )
      .catch((bug: unknown) => this.fail(new OpsError('internal', `Embedding scheduler failed: ${bug instanceof Error ? bug.message : String(bug)}`)));
  }

  private onSuccess(job: Job, seq: number, sentAt: number, ok: SendResult): void {
    this.inFlight--;
    if (this.stopped) return this.settle();
    const processingMs = Number.parseFloat(ok.headers.get('openai-processing-ms') ?? '');
    const report = readRateLimitHeaders(ok.headers);
    if (report) this.mirror.observe(report, seq, this.mirror.admittedAt(sentAt, performance.now(), Number.isNaN(processingMs) ? undefined : processingMs));
    else this.mirror.settle(seq);
    const problem = this.checkVectors(job.batch, ok.vectors);
    if (problem) return this.fail(new OpsError('internal', problem));
    this.results.push({ batch: job.batch as Batch<T>, vectors: ok.vectors, tokens: ok.tokens, requestId: ok.requestId, attempts: job.attempts, admission: job.admission });
    this.counts.billedTokens += ok.tokens;
    this.window = !this.congested && this.mirror.known ? this.settings.maxConcurrency : Math.min(this.settings.maxConcurrency, this.window + 1);
    void this.deliver();
    this.pump();
  }

  private checkVectors(batch: Batch, vectors: number[][]): string | undefined {
    if (vectors.length !== batch.items.length) return `OpenAI returned ${vectors.length} vectors for ${batch.items.length} inputs (batch ${batch.index})`;
    const want = this.settings.dimensions;
    for (const v of vectors) {
      if (!Array.isArray(v) || v.length === 0) return `OpenAI returned an empty vector (batch ${batch.index})`;
      if (want !== undefined && v.length !== want) return `OpenAI returned ${v.length}-dimensional vectors, expected ${want} (model ${this.settings.model})`;
    }
    return undefined;
  }

  private onFailure(job: Job, seq: number, err: unknown): void {
    this.inFlight--;
    if (this.stopped) return this.settle();
    const now = performance.now();
    const f: Failure = classifyError(err);
    const s = this.settings;
    switch (f.kind) {
      case 'rate_limited': {
        this.counts.rateLimited++;
        this.mirror.refund(seq);
        this.mirror.observe(readRateLimitHeaders(f.headers), seq, now); // a 429 answers at once
        this.shrink(seq);
        if (++job.rateLimited > s.maxRateLimitRetries) {
          return this.fail(new OpsError('unavailable', `OpenAI kept rate-limiting batch ${job.batch.index} (${job.rateLimited} times): ${s.sanitize(f.message)}`));
        }
        // The limit is per account: everyone waits, not just this batch.
        const wait = f.retryAfterMs ?? backoffMs(job.rateLimited, { baseMs: s.retryBaseMs, maxMs: s.retryMaxMs, random: s.random });
        this.pauseUntil = Math.max(this.pauseUntil, now + wait);
        this.requeue(job);
        break;
      }
      case 'transient':
      case 'aborted': {
        // 'aborted' without our stop: the SDK's own timeout; treat like a dropped connection.
        this.counts.transientErrors++;
        // Whether a failed request was charged is unknown: keep its charge until a report settles it.
        const report = f.kind === 'transient' ? readRateLimitHeaders(f.headers) : undefined;
        this.mirror.observe(report, seq, now, false);
        this.mirror.settle(seq);
        this.shrink(seq);
        if (++job.failures >= s.maxAttempts) {
          const what = f.kind === 'transient' ? s.sanitize(f.message) : 'request aborted';
          return this.fail(new OpsError('unavailable', `OpenAI embeddings failed ${job.failures} times for batch ${job.batch.index} (${s.host}): ${what}`));
        }
        const retryAfterMs = f.kind === 'transient' ? f.retryAfterMs : undefined;
        job.readyAt = now + backoffMs(job.failures, { baseMs: s.retryBaseMs, maxMs: s.retryMaxMs, random: s.random, retryAfterMs });
        this.requeue(job);
        break;
      }
      case 'quota':
        return this.fail(new OpsError('unavailable', 'OpenAI quota exhausted (429 insufficient_quota): add credits or raise the usage limit in the OpenAI billing settings, then run again'));
      case 'unauthorized':
        return this.fail(
          f.status === 401
            ? new OpsError('unauthorized', `OpenAI key invalid: ${s.host} answered 401; check or replace the OpenAI API key`)
            : new OpsError('unauthorized', `OpenAI refused this key (403 from ${s.host}): ${s.sanitize(f.message)}`),
        );
      case 'too_large':
        return this.fail(new OpsError('invalid_input', `Batch ${job.batch.index} (${job.batch.tokens} tokens) is larger than this account's tokens-per-minute limit: ${s.sanitize(f.message)}; pack smaller batches`));
      case 'bad_request':
        return this.fail(describeBadRequest(job.batch, { ...f, message: s.sanitize(f.message) }, s.model));
      case 'fatal':
        return this.fail(new OpsError('unavailable', `OpenAI embeddings request failed${f.status ? ` (HTTP ${f.status})` : ''}: ${s.sanitize(f.message)}`));
    }
    this.pump();
  }

  // Multiplicative decrease, once per burst: only for requests sent after the last decrease.
  private shrink(seq: number): void {
    this.congested = true;
    if (seq <= this.lastShrinkSeq) return;
    this.window = Math.max(1, Math.floor((this.inFlight + 1) / 2));
    this.lastShrinkSeq = this.mirror.ticket();
  }

  // Retries keep their place in batch order, ahead of batches not yet sent.
  private requeue(job: Job): void {
    const at = this.queue.findIndex((j) => j.batch.index > job.batch.index);
    this.queue.splice(at < 0 ? this.queue.length : at, 0, job);
  }

  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    while (!this.stopped && this.results.length > 0) {
      const result = this.results.shift() as BatchResult<T>;
      try {
        await this.options.onBatch?.(result);
      } catch (err) {
        this.fail(err, true);
        break;
      }
      this.done.batches++;
      this.done.inputs += result.batch.items.length;
      this.done.tokens += result.tokens;
      this.pump(); // a delivered result frees buffer room
    }
    this.delivering = false;
    this.pump();
    this.settle();
  }

  private fail(error: unknown, fromCaller = false): void {
    if (this.stopped) return;
    this.stopped = true;
    this.failure = { error, fromCaller };
    clearTimeout(this.timer);
    this.abort.abort(); // in-flight requests end now; their results are dropped
    this.settle();
  }

  private settle(): void {
    if (this.settled || this.inFlight > 0 || this.delivering) return;
    if (!this.failure && this.draining !== undefined && this.results.length === 0) this.failure = { error: this.draining, fromCaller: true };
    if (!this.failure && (this.queue.length > 0 || this.results.length > 0)) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.failure) this.reject(this.failure.fromCaller ? this.failure.error : this.finalError(this.failure.error));
    else this.resolve(this.summary());
  }

  private summary(): EmbedRunSummary {
    return { ...this.done, ...this.counts, elapsedMs: performance.now() - this.startedAt };
  }

  private finalError(error: unknown): unknown {
    if (!(error instanceof OpsError)) return error;
    const progress = `${this.done.batches} of ${this.total} batches were completed and reported`;
    return new OpsError(error.code, `${error.message} (${progress})`, { ...this.summary(), totalBatches: this.total });
  }
}
