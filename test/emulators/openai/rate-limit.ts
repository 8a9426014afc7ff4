// OpenAI-style limits: a bucket holding `limit` units that refills continuously, reaching full
// again one minute after being emptied.

const MINUTE_MS = 60_000;

export class TokenBucket {
  readonly limit: number;
  private level: number;
  private updatedAt: number;

  /** `fill` (0..1): how full the bucket starts; a busy account mid-backfill starts near 0. */
  constructor(limit: number, now: number, fill = 1) {
    this.limit = limit;
    this.level = limit * Math.min(1, Math.max(0, fill));
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.level = Math.min(this.limit, this.level + ((now - this.updatedAt) * this.limit) / MINUTE_MS);
      this.updatedAt = now;
    }
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.level);
  }

  /** Units in use (limit minus what is left), as the 429 message's "Used". */
  used(now: number): number {
    this.refill(now);
    return Math.ceil(this.limit - this.level);
  }

  /** Milliseconds until `amount` units are available (0 if they are now). */
  waitMs(amount: number, now: number): number {
    this.refill(now);
    return amount <= this.level ? 0 : Math.ceil(((amount - this.level) * MINUTE_MS) / this.limit);
  }

  /** Milliseconds until the bucket is full again. */
  resetMs(now: number): number {
    this.refill(now);
    return Math.ceil(((this.limit - this.level) * MINUTE_MS) / this.limit);
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }
}

/** Go's time.Duration format at millisecond precision, as OpenAI prints it: 20ms, 1s, 1.5s, 6m0s, 1h2m3s. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const rest = total % 60_000;
  const whole = Math.floor(rest / 1000);
  const frac = rest % 1000;
  const s = frac === 0 ? `${whole}s` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}
