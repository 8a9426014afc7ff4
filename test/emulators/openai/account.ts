// Account-level admission: the token quota, then per-model RPM and TPM buckets (as OpenAI keeps them).
import * as errors from './errors.ts';
import type { ApiError } from './errors.ts';
import { TokenBucket, formatDuration } from './rate-limit.ts';

export interface AccountLimits {
  rpm: number;
  tpm: number;
  /** Tokens the account may spend in total; Infinity for no quota. */
  quotaTokens: number;
  organization: string;
  /** How full new buckets start (0..1). */
  initialFill: number;
}

interface ModelBuckets {
  requests: TokenBucket;
  tokens: TokenBucket;
}

export class Account {
  private limits: AccountLimits;
  private readonly buckets = new Map<string, ModelBuckets>();
  /** Tokens spent against the quota. */
  spentTokens = 0;

  constructor(limits: AccountLimits) {
    this.limits = limits;
  }

  /** Changed RPM/TPM limits start with full buckets. */
  configure(limits: AccountLimits): void {
    if (limits.rpm !== this.limits.rpm || limits.tpm !== this.limits.tpm) this.buckets.clear();
    this.limits = limits;
  }

  private bucketsFor(model: string, now: number): ModelBuckets {
    let b = this.buckets.get(model);
    if (!b) {
      b = { requests: new TokenBucket(this.limits.rpm, now, this.limits.initialFill), tokens: new TokenBucket(this.limits.tpm, now, this.limits.initialFill) };
      this.buckets.set(model, b);
    }
    return b;
  }

  /** Charges the request and returns undefined, or returns the 429 to send (nothing charged). */
  admit(model: string, tokens: number, now: number): ApiError | undefined {
    const { tpm, quotaTokens, organization } = this.limits;
    if (this.spentTokens + tokens > quotaTokens) return errors.insufficientQuota();
    if (tokens > tpm) return errors.requestTooLarge(model, organization, tpm, tokens);
    const b = this.bucketsFor(model, now);
    const kind = b.requests.waitMs(1, now) > 0 ? 'requests' : b.tokens.waitMs(tokens, now) > 0 ? 'tokens' : undefined;
    if (kind) {
      const bucket = b[kind];
      const requested = kind === 'requests' ? 1 : tokens;
      const wait = bucket.waitMs(requested, now);
      const err = errors.rateLimitReached({ kind, model, organization, limit: bucket.limit, used: bucket.used(now), requested, retryIn: formatDuration(wait) });
      err.headers = { 'retry-after': String(Math.ceil(wait / 1000)), 'retry-after-ms': String(wait) };
      return err;
    }
    b.requests.take(1, now);
    b.tokens.take(tokens, now);
    this.spentTokens += tokens;
    return undefined;
  }

  /** The x-ratelimit-* headers for `model` as of `now`. */
  headers(model: string, now: number): Record<string, string> {
    const b = this.bucketsFor(model, now);
    return {
      'x-ratelimit-limit-requests': String(b.requests.limit),
      'x-ratelimit-limit-tokens': String(b.tokens.limit),
      'x-ratelimit-remaining-requests': String(b.requests.remaining(now)),
      'x-ratelimit-remaining-tokens': String(b.tokens.remaining(now)),
      'x-ratelimit-reset-requests': formatDuration(b.requests.resetMs(now)),
      'x-ratelimit-reset-tokens': formatDuration(b.tokens.resetMs(now)),
    };
  }
}
