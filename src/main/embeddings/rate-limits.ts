// A client-side mirror of OpenAI's per-model rate limits. The API reports, with every response,
// the request and token buckets as they were when that request was admitted
// (x-ratelimit-limit-*, -remaining-*, -reset-*). The buckets refill continuously at limit per
// minute. From the newest report we estimate the level now: the reported remaining, plus refill
// since that request was admitted, minus what we sent that it does not include. That tells how much
// more can be sent without a 429, and how long to wait when it is not enough.
import { parseDurationMs } from './durations.ts';

const MINUTE_MS = 60_000;
const MARGIN_MS = 50;

export interface BucketReport {
  limit?: number;
  remaining?: number;
  resetMs?: number;
}

export interface RateLimitReport {
  requests: BucketReport;
  tokens: BucketReport;
}

function num(headers: Headers, name: string): number | undefined {
  const v = headers.get(name);
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function readRateLimitHeaders(headers: Headers | undefined): RateLimitReport | undefined {
  if (!headers) return undefined;
  const bucket = (kind: string): BucketReport => ({
    limit: num(headers, `x-ratelimit-limit-${kind}`),
    remaining: num(headers, `x-ratelimit-remaining-${kind}`),
    resetMs: parseDurationMs(headers.get(`x-ratelimit-reset-${kind}`)),
  });
  const report = { requests: bucket('requests'), tokens: bucket('tokens') };
  return report.requests.remaining === undefined && report.tokens.remaining === undefined ? undefined : report;
}

interface Charge {
  seq: number;
  at: number;
  amount: number;
  /** When the request ended without a report of its own: the seq the next request got. */
  settledBefore?: number;
}

/**
 * One bucket. With a known limit the estimate is exact for a continuous bucket (refill rate
 * r = limit/min, capped at the limit): level(now) = min(limit, R + r·(now − t₀) − Σ charges,
 * min over our charges k of [limit + r·(now − t_k) − Σ charges from k on]), where R is the
 * remaining of the newest report, t₀ the admission of the request it came with, and the charges
 * (the ledger) are our requests that report may not include. Every term but the cap grows at r,
 * so the wait for `amount` is (amount − level)/r.
 *
 * Which report is newest, and what it includes: requests sent together reach the server in any
 * order (each on its own connection), so send order says little. The reports themselves do:
 * V = R − r·t₀ drops by each admitted request's charge and is unmoved by refill, so of two
 * reports the one with the lower V was admitted later and includes the other request. A charge
 * leaves the ledger when its own report arrives (it is in that report, or in a newer one), when it
 * is refunded (429), or, for a request that ended without a report, once the newest report comes
 * from a request sent after it ended. Until then it counts, which errs on the safe side.
 */
export class BucketMirror {
  limit: number | undefined;
  /** Refill per ms: limit per minute, unless the reset times show a longer window. */
  private rate = 0;
  private reported = 0;
  private reportedAt = 0;
  /** R − r·t₀ of the held report (see above). */
  private consumed = Infinity;
  private fullAt = Infinity;
  private seq = -1;
  private ledger: Charge[] = [];

  get known(): boolean {
    return this.seq >= 0;
  }

  /**
   * The report that came with request `seq`, describing the bucket as of `at` (its admission).
   * `accountsForOwn`: false when the request failed and may or may not have been charged.
   */
  observe(report: BucketReport, seq: number, at: number, accountsForOwn = true): void {
    if (report.remaining === undefined) return;
    // Without a limit only the reset time says when the remaining comes back; with neither, no use.
    const limit = report.limit ?? this.limit;
    if (limit === undefined && report.resetMs === undefined) return;
    const rate = limit === undefined ? 0 : refillRate(limit, report);
    const v = report.remaining - rate * at;
    // Without a rate, fall back to send order.
    const newer = !this.known || (limit !== undefined ? v < this.consumed : seq > this.seq);
    if (accountsForOwn) this.refund(seq); // in this report, or (older) in the held one
    if (!newer) return;
    this.limit = limit;
    this.rate = rate;
    this.reported = report.remaining;
    this.reportedAt = at;
    this.consumed = v;
    this.fullAt = report.resetMs === undefined ? Infinity : at + report.resetMs;
    this.seq = seq;
    this.ledger = this.ledger.filter((c) => c.settledBefore === undefined || c.settledBefore > seq);
  }

  charge(seq: number, amount: number, at: number): void {
    this.ledger.push({ seq, at, amount });
  }

  /** Drops a charge: a rejected (429) request was not charged; a reported one is accounted for. */
  refund(seq: number): void {
    this.ledger = this.ledger.filter((c) => c.seq !== seq);
  }

  /** Request `seq` ended without a report of its own; `nextSeq` is the seq the next request gets. */
  settle(seq: number, nextSeq: number): void {
    // Before any report, nothing would ever prune it; the first report covers what it can.
    if (!this.known) return this.refund(seq);
    const c = this.ledger.find((x) => x.seq === seq);
    if (c) c.settledBefore = nextSeq;
  }

  // min of the linear terms above (all grow at the refill rate), i.e. the level before the cap.
  private uncapped(now: number): number {
    const limit = this.limit as number;
    const rate = this.rate;
    let after = 0;
    for (const c of this.ledger) after += c.amount;
    let level = this.reported + rate * (now - this.reportedAt) - after;
    for (const c of this.ledger) {
      level = Math.min(level, limit + rate * (now - c.at) - after);
      after -= c.amount;
    }
    return level;
  }

  /** Estimated units available at `now`; Infinity while nothing is known. */
  available(now: number): number {
    if (!this.known) return Infinity;
    if (this.limit === undefined) {
      let pending = 0;
      for (const c of this.ledger) pending += c.amount;
      return now >= this.fullAt ? Infinity : this.reported - pending;
    }
    return Math.min(this.limit, this.uncapped(now));
  }

  /**
   * Milliseconds until `amount` is available (0: now; Infinity: never, it exceeds the limit), with
   * MARGIN_MS of refill to spare: the admission time behind a report is an estimate (off by a few
   * ms under load), and being early costs a 429 while being 50 ms late costs nothing in the long
   * run (the refill accrued meanwhile counts for the next request).
   */
  waitMs(amount: number, now: number): number {
    if (this.limit === undefined) return this.available(now) >= amount ? 0 : Math.ceil(this.fullAt - now); // "wait until the reset time"
    if (amount > this.limit) return Infinity;
    const need = Math.min(this.limit, amount + this.rate * MARGIN_MS);
    if (this.rate <= 0) return this.uncapped(now) >= need ? 0 : Infinity;
    return Math.max(0, Math.ceil((need - this.uncapped(now)) / this.rate));
  }
}

// OpenAI's embedding limits are per minute. A reset time (≥ 1 s, so rounding does not mislead)
// implying a much slower refill means a longer window, e.g. a per-day limit: believe it then.
function refillRate(limit: number, report: BucketReport): number {
  const perMinute = limit / MINUTE_MS;
  const { remaining, resetMs } = report;
  if (remaining === undefined || resetMs === undefined || resetMs < 1000 || remaining >= limit) return perMinute;
  const implied = (limit - remaining) / resetMs;
  return implied < perMinute / 2 ? implied : perMinute;
}

/** Both buckets of one model. */
export class RateLimitMirror {
  readonly requests = new BucketMirror();
  readonly tokens = new BucketMirror();
  private nextSeq = 0;
  private readonly rtts: number[] = [];

  /** Numbers requests in send order (reports are tied to them). */
  ticket(): number {
    return this.nextSeq++;
  }

  get known(): boolean {
    return this.requests.known || this.tokens.known;
  }

  /**
   * When a successful request was admitted (the moment its report describes), never before it was
   * sent. A busy server or client can hold a request long before admission, so send time
   * overstates the refill since. `openai-processing-ms` is the server's time from receiving the
   * request to answering, so response − processing is at or just after admission (errs safe).
   * Without it, the smallest recent round trip stands in for the time after admission.
   */
  admittedAt(sentAt: number, receivedAt: number, processingMs?: number): number {
    this.rtts.push(receivedAt - sentAt);
    if (this.rtts.length > 32) this.rtts.shift();
    const after = processingMs !== undefined && Number.isFinite(processingMs) && processingMs >= 0 ? processingMs : Math.min(...this.rtts);
    return Math.max(sentAt, receivedAt - after);
  }

  /** A report from request `seq`, describing the buckets at `at` (see admittedAt and BucketMirror.observe). */
  observe(report: RateLimitReport | undefined, seq: number, at: number, accountsForOwn = true): void {
    if (!report) return;
    this.requests.observe(report.requests, seq, at, accountsForOwn);
    this.tokens.observe(report.tokens, seq, at, accountsForOwn);
  }

  charge(seq: number, tokens: number, at: number): void {
    this.requests.charge(seq, 1, at);
    this.tokens.charge(seq, tokens, at);
  }

  refund(seq: number): void {
    this.requests.refund(seq);
    this.tokens.refund(seq);
  }

  /** Request `seq` ended without a report (5xx without headers, dropped connection). */
  settle(seq: number): void {
    this.requests.settle(seq, this.nextSeq);
    this.tokens.settle(seq, this.nextSeq);
  }

  /** Milliseconds until a request of `tokens` can be sent (Infinity: larger than the TPM limit). */
  waitMs(tokens: number, now: number): number {
    return Math.max(this.requests.waitMs(1, now), this.tokens.waitMs(tokens, now));
  }
}
