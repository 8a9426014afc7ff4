import type pg from 'pg';
import { AlertPolicy } from '../../shared/contract/alerts.ts';
import type { Logger } from '../logging/logger.ts';
import { escalate } from './outbox.ts';
import { SENDERS } from './senders/index.ts';
import { listChannels, readPolicy, toNotification, type OutboxRow } from './store.ts';
import type { ChannelRow, Notification, SendOutcome } from './types.ts';

export interface DelivererDeps {
  /** The warehouse pool for delivery (its own small pool: a hung receiver never starves jobs). */
  pool(): Promise<pg.Pool | null>;
  /** The channel's credentials on this machine, or null when this process cannot deliver to it. */
  credentials(channel: ChannelRow): Promise<Record<string, string> | null>;
  /** Desktop notifications: whether a window listens here, and the hand-off to it. */
  desktop: { listening(): boolean; show(n: Notification): void };
  log: Logger;
  onChange(): void;
}

interface ChannelStateRow {
  consecutive_failures: number;
  open_until: Date | null;
  tokens: number | null;
  tokens_at: Date | null;
  db_now: Date;
}

const sleep = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(t);
      resolve();
    };
  });

/**
 * The delivery loop of one process. Any number of processes may run it on one warehouse: a
 * channel is served by whoever holds its state row's lock (FOR UPDATE SKIP LOCKED), and each
 * notification is sent and marked delivered inside that lock — delivered once. Retries back
 * off (base × attempts), failures open the channel's circuit, a token bucket paces each channel.
 */
export class Deliverer {
  private readonly d: DelivererDeps;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly waker: { wake?: () => void } = {};
  private readonly busy = new Set<string>();
  private policyCache: { at: number; policy: AlertPolicy } | null = null;

  constructor(d: DelivererDeps) {
    this.d = d;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    this.loop = null;
  }

  /** Something was queued here: look now rather than at the next poll. */
  poke(): void {
    this.waker.wake?.();
  }

  /**
   * Delivers what is queued now (ignoring the group wait: this process is about to exit) until
   * nothing is due or the deadline passes. For one-shot commands such as `repo-ops health`.
   */
  async flush(deadlineMs: number): Promise<void> {
    const end = Date.now() + deadlineMs;
    while (Date.now() < end) {
      const next = await this.round(true);
      // Nothing queued, or only retries due after the deadline: a later run (or the agent) sends those.
      if (next === null || next > end - Date.now()) return;
      await new Promise((r) => setTimeout(r, Math.min(next, end - Date.now(), 200)));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let wait: number;
      try {
        const next = await this.round(false);
        wait = Math.min(next ?? Infinity, (await this.policy()).pollIntervalMs);
      } catch (e) {
        this.d.log.warn('alert_delivery_round_failed', `Alert delivery: ${(e as Error).message}`);
        wait = 2000;
      }
      if (this.running) await sleep(Math.max(5, wait), this.waker);
    }
  }

  private async policy(): Promise<AlertPolicy> {
    const pool = await this.d.pool();
    if (!pool) return readPolicyDefault();
    if (this.policyCache && Date.now() - this.policyCache.at < 1000) return this.policyCache.policy;
    this.policyCache = { at: Date.now(), policy: await readPolicy(pool) };
    return this.policyCache.policy;
  }

  /** One pass over every channel with due work; returns ms until something may be due (null: nothing queued). */
  async round(flushing: boolean): Promise<number | null> {
    const pool = await this.d.pool();
    if (!pool) return null;
    const policy = await this.policy();
    if ((await escalate(pool, policy)) > 0) this.d.onChange();
    // A desktop notice nobody saw within the hour is stale: no flood when a window opens tomorrow.
    await pool.query(
      `UPDATE alert_outbox o SET status = 'failed', last_error = 'no console window was open within an hour' FROM alert_channels c
       WHERE o.channel_id = c.id AND c.type = 'desktop' AND o.status IN ('pending', 'retrying') AND o.created_at < now() - interval '1 hour'`,
    );
    const channels = (await listChannels(pool)).filter((c) => c.enabled);
    const usable: { channel: ChannelRow; secrets: Record<string, string> }[] = [];
    for (const channel of channels) {
      if (channel.type === 'desktop') {
        if (this.d.desktop.listening()) usable.push({ channel, secrets: {} });
        continue;
      }
      const secrets = await this.d.credentials(channel);
      if (secrets) usable.push({ channel, secrets });
    }
    if (!usable.length) return null;
    const { rows } = await pool.query(
      `SELECT channel_id, GREATEST(0, EXTRACT(EPOCH FROM (min(CASE WHEN $2 AND attempts = 0 THEN now() ELSE next_attempt_at END) - now())) * 1000)::float8 AS wait_ms
       FROM alert_outbox WHERE status IN ('pending', 'retrying') AND channel_id = ANY($1) GROUP BY channel_id`,
      [usable.map((u) => u.channel.id), flushing],
    );
    if (!rows.length) return null;
    let next = Infinity;
    const work: Promise<void>[] = [];
    for (const r of rows as { channel_id: string; wait_ms: number }[]) {
      if (r.wait_ms > 0) {
        next = Math.min(next, r.wait_ms);
        continue;
      }
      const u = usable.find((x) => x.channel.id === r.channel_id)!;
      if (this.busy.has(u.channel.id)) continue;
      this.busy.add(u.channel.id);
      work.push(
        this.serveChannel(pool, policy, u.channel, u.secrets, flushing)
          .then((w) => void (next = Math.min(next, w)))
          .finally(() => this.busy.delete(u.channel.id)),
      );
    }
    await Promise.all(work);
    return next === Infinity ? policy.pollIntervalMs : next;
  }

  /** Sends due notifications of one channel while its circuit and rate allow; returns ms until it can go on. */
  private async serveChannel(pool: pg.Pool, policy: AlertPolicy, channel: ChannelRow, secrets: Record<string, string>, flushing: boolean): Promise<number> {
    await pool.query('INSERT INTO alert_channel_state (channel_id) VALUES ($1) ON CONFLICT DO NOTHING', [channel.id]);
    const client = await pool.connect();
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      for (let sent = 0; sent < 500; sent++) {
        await client.query('BEGIN');
        let committed = false;
        try {
          const state = (await client.query('SELECT *, now() AS db_now FROM alert_channel_state WHERE channel_id = $1 FOR UPDATE SKIP LOCKED', [channel.id])).rows[0] as ChannelStateRow | undefined;
          if (!state) return policy.pollIntervalMs; // another process is serving this channel
          const now = state.db_now.getTime();
          if (state.open_until && state.open_until.getTime() > now) return state.open_until.getTime() - now;
          const rate = channel.ratePerSecond ?? policy.ratePerSecond;
          const burst = Math.max(1, rate);
          const tokens = state.tokens === null || !state.tokens_at ? burst : Math.min(burst, state.tokens + ((now - state.tokens_at.getTime()) / 1000) * rate);
          if (tokens < 1) return ((1 - tokens) / rate) * 1000;
          const row = (
            await client.query(
              `SELECT * FROM alert_outbox WHERE channel_id = $1 AND status IN ('pending', 'retrying') AND (next_attempt_at <= now() OR ($2 AND attempts = 0))
               ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
              [channel.id, flushing],
            )
          ).rows[0] as OutboxRow | undefined;
          if (!row) return policy.pollIntervalMs;
          const n = toNotification(row);
          const outcome = await this.send(n, channel, secrets, policy);
          const halfOpen = state.consecutive_failures >= policy.circuitFailures;
          await this.record(client, policy, row, channel, outcome, tokens - 1, halfOpen);
          await client.query('COMMIT');
          committed = true;
          this.d.onChange();
          if (!outcome.ok && (halfOpen || state.consecutive_failures + 1 >= policy.circuitFailures)) return policy.circuitOpenSeconds * 1000;
        } finally {
          if (!committed) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        }
      }
      return 0;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  private async send(n: Notification, channel: ChannelRow, secrets: Record<string, string>, policy: AlertPolicy): Promise<SendOutcome> {
    if (channel.type === 'desktop') {
      if (!this.d.desktop.listening()) return { ok: false, code: null, ms: 0, error: 'no console window is open', permanent: false };
      this.d.desktop.show(n);
      return { ok: true, code: null, ms: 0, error: null, permanent: false };
    }
    try {
      return await SENDERS[channel.type](n, channel, secrets, { timeoutMs: policy.requestTimeoutMs });
    } catch (e) {
      return { ok: false, code: null, ms: 0, error: (e as Error).message, permanent: false };
    }
  }

  private async record(client: pg.PoolClient, policy: AlertPolicy, row: OutboxRow, channel: ChannelRow, o: SendOutcome, tokens: number, probe: boolean): Promise<void> {
    const attempts = row.attempts + 1;
    if (o.ok) {
      await client.query("UPDATE alert_outbox SET status = 'delivered', attempts = $2, delivered_at = now(), last_attempt_at = now(), response_code = $3, response_ms = $4, last_error = NULL WHERE id = $1", [row.id, attempts, o.code, o.ms]);
      await client.query('UPDATE alert_channel_state SET consecutive_failures = 0, open_until = NULL, tokens = $2, tokens_at = now(), last_success_at = now() WHERE channel_id = $1', [channel.id, tokens]);
      return;
    }
    // A channel that is down does not use up its notifications' retries: only failures while
    // its circuit is closed count, so an outage of any length loses nothing.
    const probeFailures = row.probe_failures + (probe ? 1 : 0);
    const failed = o.permanent || attempts - probeFailures > policy.maxRetries;
    // pgGit's backoff: base × (retry + 1); a Retry-After answer wins when it is longer.
    const delayMs = Math.max(policy.retryBaseSeconds * 1000 * (attempts - probeFailures || 1), o.retryAfterMs ?? 0);
    await client.query(
      `UPDATE alert_outbox SET status = $2, attempts = $3, probe_failures = $8, last_attempt_at = now(), next_attempt_at = now() + $4 * interval '1 millisecond', response_code = $5, response_ms = $6, last_error = $7 WHERE id = $1`,
      [row.id, failed ? 'failed' : 'retrying', attempts, delayMs, o.code, o.ms, o.error, probeFailures],
    );
    await client.query(
      `UPDATE alert_channel_state SET consecutive_failures = consecutive_failures + 1, tokens = $2, tokens_at = now(), last_failure_at = now(), last_error = $3,
         open_until = CASE WHEN consecutive_failures + 1 >= $4 THEN now() + $5 * interval '1 second' ELSE NULL END WHERE channel_id = $1`,
      [channel.id, tokens, o.error, policy.circuitFailures, policy.circuitOpenSeconds],
    );
    const what = failed ? (o.permanent ? 'failed permanently' : `failed after ${attempts} attempts`) : `failed (attempt ${attempts}), retrying in ${Math.round(delayMs / 100) / 10} s`;
    this.d.log.warn('alert_delivery_failed', `Notification ${row.id} to ${channel.name} ${what}: ${o.error}`, { channel: channel.id, attempts, code: o.code });
  }
}

const readPolicyDefault = (): AlertPolicy => AlertPolicy.parse({});
