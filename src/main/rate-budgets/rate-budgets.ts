import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';

/** What one process respects for a credential; shared, every process together respects it. */
export interface BudgetLimits {
  /** Requests in flight at once. */
  concurrent?: number;
  /** Points per minute by resource (a bucket of that size refilling continuously). */
  perMinute?: Record<string, number>;
}

/** Points of one resource a request spends. */
export interface Take {
  resource: string;
  points: number;
}

/**
 * A request's way through a shared budget: `acquire` waits until the points and a slot are free and
 * takes them (before the request goes out); `charge` adds what turned out to cost more; `observe`
 * passes on the server's own count of a fixed window (GitHub's primary limit) or a learned per-minute
 * limit (OpenAI's TPM), so every process sharing the credential stops at the same point.
 */
export interface RequestGate {
  acquire(takes: Take[], signal?: AbortSignal): Promise<() => void>;
  charge(resource: string, points: number): void;
  /** `limit`: the window's size; reports far from its end are not written (nothing to coordinate yet). */
  observeWindow(resource: string, remaining: number, resetAtMs: number, limit?: number): void;
  learnPerMinute(resource: string, limit: number): void;
}

const SLOT_TTL_S = 30;
/** A primary window is coordinated once this little (or 10 %) is left. */
const WINDOW_WATCH_FROM = 200;
const RENEW_EVERY_MS = 10_000;
const POLL_MIN_MS = 15;
const POLL_MAX_MS = 250;

// Refill since the last take, capped; one statement decides and takes every resource of a request or
// none (the row locks, taken in resource order, order the takers). Resources without a row are unlimited.
const TAKE_SQL = `
WITH req AS (SELECT * FROM unnest($2::text[], $3::float8[]) AS t(resource, points)),
b AS (
  SELECT r.budget, r.resource, r.capacity, r.window_reset, q.points, LEAST(q.points, COALESCE(r.capacity, q.points)) AS need,
    CASE WHEN r.capacity IS NULL THEN NULL ELSE LEAST(r.capacity, r.level + r.capacity / 60.0 * extract(epoch FROM clock_timestamp() - r.at)) END AS lvl,
    CASE WHEN r.window_reset > clock_timestamp() THEN r.window_remaining END AS win
  FROM rate_buckets r JOIN req q USING (resource) WHERE r.budget = $1 ORDER BY r.resource FOR UPDATE OF r
), ok AS (
  SELECT *, (lvl IS NULL OR lvl >= need) AND (win IS NULL OR win >= points) AS fits FROM b
), go AS (SELECT COALESCE(bool_and(fits), true) AS all_fit FROM ok),
u AS (
  UPDATE rate_buckets r SET level = COALESCE(ok.lvl - ok.points, r.level), at = clock_timestamp(), window_remaining = COALESCE(ok.win - ok.points, r.window_remaining)
  FROM ok, go WHERE go.all_fit AND r.budget = ok.budget AND r.resource = ok.resource RETURNING 1
)
SELECT (SELECT all_fit FROM go) AS fits, (SELECT count(*) FROM u)::int AS taken,
  COALESCE((SELECT max(GREATEST(
    CASE WHEN lvl < need THEN (need - lvl) / (capacity / 60.0) * 1000 ELSE 0 END,
    CASE WHEN win < points THEN extract(epoch FROM window_reset - clock_timestamp()) * 1000 + 500 ELSE 0 END)) FROM ok WHERE NOT fits), 0)::float8 AS wait_ms`;

const SLOT_SQL = `
INSERT INTO rate_slots (budget, slot, holder, expires_at)
SELECT $1, s, $2, clock_timestamp() + make_interval(secs => $4)
FROM generate_series(1, $3::int) s
WHERE NOT EXISTS (SELECT 1 FROM rate_slots r WHERE r.budget = $1 AND r.slot = s AND r.expires_at > clock_timestamp())
ORDER BY random() LIMIT 1
ON CONFLICT (budget, slot) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE rate_slots.expires_at <= clock_timestamp()
RETURNING slot`;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new OpsError('cancelled', 'Cancelled'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new OpsError('cancelled', 'Cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Rate budgets in the warehouse, shared by every process (console or worker) that uses the same
 * credential: N workers on one token never exceed what one respects. A budget is named by a hash
 * of the credential, never the credential.
 */
export class RateBudgets {
  readonly holder: string;
  private renewTimer: NodeJS.Timeout | null = null;
  private held = 0;
  /** `describeError`: a driver error of the warehouse as the operator should read it (the warehouse named). */
  private readonly d: { pool: () => Promise<pg.Pool>; logger: Logger; holder?: string; describeError?: (e: unknown) => Error };

  constructor(d: RateBudgets['d']) {
    this.d = d;
    this.holder = d.holder ?? `${hostname()}:${process.pid}`;
  }

  static budgetName(service: string, credential: string): string {
    return `${service}:${createHash('sha256').update(credential).digest('hex').slice(0, 24)}`;
  }

  /** A gate on the credential's shared budget; the limits given are written as the budget's. */
  async gate(service: string, credential: string, limits: BudgetLimits): Promise<RequestGate> {
    const pool = await this.d.pool();
    const budget = RateBudgets.budgetName(service, credential);
    for (const [resource, capacity] of Object.entries(limits.perMinute ?? {})) {
      if (!(capacity > 0)) throw new OpsError('invalid_input', `${service} ${resource}: points per minute must be positive, got ${capacity}`);
      await pool.query(
        `INSERT INTO rate_buckets (budget, resource, capacity, level) VALUES ($1, $2, $3::float8, $3::float8)
         ON CONFLICT (budget, resource) DO UPDATE SET capacity = excluded.capacity, level = LEAST(rate_buckets.level, excluded.capacity)`,
        [budget, resource, capacity],
      );
    }
    const concurrent = limits.concurrent;
    if (concurrent !== undefined && !(Number.isInteger(concurrent) && concurrent > 0)) throw new OpsError('invalid_input', `${service}: concurrent requests must be a positive integer, got ${concurrent}`);
    const log = this.d.logger;
    const learned = new Map<string, number>();
    const quiet = (what: string) => (e: Error) => log.debug('rate_budget_write_failed', `Shared rate budget (${what}): ${e.message}`);
    return {
      acquire: async (takes, signal) => {
        let slot: number;
        try {
          await this.take(pool, budget, takes, signal);
          if (!concurrent) return () => {};
          slot = await this.slot(pool, budget, concurrent, signal);
        } catch (e) {
          // The budget lives in the warehouse: its failure is the warehouse's, named so (the caller
          // would otherwise blame the service the request was for).
          throw signal?.aborted || !this.d.describeError ? e : this.d.describeError(e);
        }
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.held--;
          void pool.query('DELETE FROM rate_slots WHERE budget = $1 AND slot = $2 AND holder = $3', [budget, slot, this.holder]).catch(quiet('release'));
        };
      },
      charge: (resource, points) => {
        if (!(points > 0)) return;
        void pool
          .query(
            `UPDATE rate_buckets SET level = CASE WHEN capacity IS NULL THEN level ELSE LEAST(capacity, level + capacity / 60.0 * extract(epoch FROM clock_timestamp() - at)) - $3::float8 END,
               at = clock_timestamp(), window_remaining = CASE WHEN window_reset > clock_timestamp() THEN window_remaining - $3::float8 ELSE window_remaining END
             WHERE budget = $1 AND resource = $2`,
            [budget, resource, points],
          )
          .catch(quiet('charge'));
      },
      observeWindow: (resource, remaining, resetAtMs, limit) => {
        if (!Number.isFinite(remaining) || !Number.isFinite(resetAtMs)) return;
        // Far from the end of the window nobody needs to wait: skip the write (a stored window of a
        // lower count expires by itself at its reset). Near the end every report counts.
        if (limit !== undefined && Number.isFinite(limit) && remaining > Math.max(WINDOW_WATCH_FROM, limit * 0.1)) return;
        // Within one window the count only goes down (a report can be older than our own takes);
        // a report of an older window never replaces a newer one.
        void pool
          .query(
            `INSERT INTO rate_buckets (budget, resource, window_remaining, window_reset) VALUES ($1, $2, $3::float8, to_timestamp($4 / 1000.0))
             ON CONFLICT (budget, resource) DO UPDATE SET
               window_remaining = CASE WHEN rate_buckets.window_reset = excluded.window_reset THEN LEAST(rate_buckets.window_remaining, excluded.window_remaining) ELSE excluded.window_remaining END,
               window_reset = excluded.window_reset
             WHERE rate_buckets.window_reset IS NULL OR excluded.window_reset >= rate_buckets.window_reset`,
            [budget, resource, remaining, resetAtMs],
          )
          .catch(quiet('window'));
      },
      learnPerMinute: (resource, limit) => {
        if (!(limit > 0) || learned.get(resource) === limit) return;
        learned.set(resource, limit);
        void pool
          .query(
            `INSERT INTO rate_buckets (budget, resource, capacity, level) VALUES ($1, $2, $3::float8, $3::float8)
             ON CONFLICT (budget, resource) DO UPDATE SET capacity = excluded.capacity, level = LEAST(rate_buckets.level, excluded.capacity)
             WHERE rate_buckets.capacity IS DISTINCT FROM excluded.capacity`,
            [budget, resource, limit],
          )
          .catch(quiet('limit'));
      },
    };
  }

  private async take(pool: pg.Pool, budget: string, takes: Take[], signal?: AbortSignal): Promise<void> {
    if (!takes.length) return;
    for (;;) {
      const row = (await pool.query<{ fits: boolean; wait_ms: number }>(TAKE_SQL, [budget, takes.map((t) => t.resource), takes.map((t) => t.points)])).rows[0]!;
      if (row.fits) return;
      const wait = Math.min(row.wait_ms, 60_000);
      this.d.logger.debug('rate_budget_wait', `Shared ${budget.split(':')[0]} budget: waiting ${Math.round(wait)} ms (${takes.map((t) => t.resource).join(', ')})`, { waitMs: Math.round(wait) });
      await sleep(Math.max(POLL_MIN_MS, wait), signal);
    }
  }

  private async slot(pool: pg.Pool, budget: string, concurrent: number, signal?: AbortSignal): Promise<number> {
    let backoff = POLL_MIN_MS;
    for (;;) {
      const r = await pool.query<{ slot: number }>(SLOT_SQL, [budget, this.holder, concurrent, SLOT_TTL_S]);
      if (r.rows[0]) {
        this.held++;
        this.renewWhileHeld(pool);
        return r.rows[0].slot;
      }
      await sleep(backoff * (0.5 + Math.random()), signal);
      backoff = Math.min(POLL_MAX_MS, backoff * 1.5);
    }
  }

  // Slots of a living holder never expire under it; a killed holder's slots free up within SLOT_TTL_S.
  private renewWhileHeld(pool: pg.Pool): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      if (this.held <= 0) {
        clearInterval(this.renewTimer!);
        this.renewTimer = null;
        return;
      }
      void pool.query('UPDATE rate_slots SET expires_at = clock_timestamp() + make_interval(secs => $2) WHERE holder = $1', [this.holder, SLOT_TTL_S]).catch(() => {});
    }, RENEW_EVERY_MS);
    this.renewTimer.unref();
  }

  close(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }
}
