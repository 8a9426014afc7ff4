import type pg from 'pg';
import type { AlertPolicy, Rule, RuleKind } from '../../shared/contract/alerts.ts';
import type { Logger } from '../logging/logger.ts';
import { enqueue } from './outbox.ts';
import { globMatch, listChannels, listRules, readPolicy, snapshot, type AlertRow } from './store.ts';
import type { ChannelRow } from './types.ts';

/** Something a source saw: a health result, a job's end, a budget's level … */
export interface Observation {
  kind: RuleKind;
  /** Identify what it is about (system + service, job kind + scope, budget …). */
  labels: Record<string, string>;
  /** health: status; job: outcome; budget: level; secret_rotation: overdue|ok; github_rate_limit: remaining %; schedule: a tick's outcome (ok, missed, skipped, failed, deadline_exceeded). */
  value: string | number;
  summary: string;
  details?: Record<string, unknown>;
}

export function ruleActive(rule: Rule, o: Observation): boolean | null {
  const p = rule.params;
  switch (rule.kind) {
    case 'health':
      if ((p.system && !globMatch(p.system, o.labels.system)) || (p.service && !globMatch(p.service, o.labels.service))) return null;
      return (p.statuses ?? ['down']).includes(o.value as 'down');
    case 'job':
      if (p.kinds?.length && !p.kinds.some((k) => globMatch(k, o.labels.kind))) return null;
      return (p.outcomes ?? ['failed']).includes(o.value as 'failed');
    case 'budget':
      return (p.levels ?? ['critical', 'exceeded']).includes(o.value as 'critical');
    case 'secret_rotation':
      return o.value === 'overdue';
    case 'github_rate_limit':
      return typeof o.value === 'number' && o.value < (p.belowPct ?? 10);
    case 'schedule':
      if (p.kinds?.length && !p.kinds.some((k) => globMatch(k, o.labels.kind))) return null;
      return (p.tickOutcomes ?? ['missed', 'skipped']).includes(o.value as 'missed');
  }
}

/** Stable identity of a label set. */
export const fingerprintOf = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))));

interface OpenAlert {
  id: number;
  state: 'pending' | 'firing';
  pendingSince: number;
  notifiedAt: number | null;
  acked: boolean;
}

export interface Context {
  /** Open alerts by `rule|fingerprint`, read at most a second ago and kept current by this process. */
  open: Map<string, OpenAlert>;
  at: number;
  /** Alerts seen again with nothing to do: their last_seen_at is bumped once per batch. */
  seen: Set<number>;
  rules: Rule[];
  channels: ChannelRow[];
  silences: { id: string; matchers: Record<string, string> }[];
  policy: AlertPolicy;
}

/**
 * The rules' state machine over the warehouse (Alertmanager's vocabulary): pending while a
 * `for` duration runs, firing, resolved; notifications on firing, every `repeat` while
 * unacknowledged, and on resolve. Row locks make concurrent processes agree: each transition
 * happens, and is notified, once.
 */
export class Evaluator {
  private readonly log: Logger;
  private readonly onQueued: () => void;
  private readonly onContext: (c: Context) => void;
  constructor(o: { log: Logger; onQueued: () => void; onContext?: (c: Context) => void }) {
    this.log = o.log;
    this.onQueued = o.onQueued;
    this.onContext = o.onContext ?? (() => {});
  }

  private cached: { pool: pg.Pool; ctx: Context } | null = null;

  /** Configuration changed here: read it afresh on the next observation. */
  invalidate(): void {
    this.cached = null;
  }

  /** Rules, channels, silences and open alerts; re-read when older than a second (other processes' changes). */
  private async context(pool: pg.Pool): Promise<Context> {
    if (this.cached?.pool === pool && Date.now() - this.cached.ctx.at < 1000) return this.cached.ctx;
    const [open, rules, channels, silences, policy] = await Promise.all([
      pool.query("SELECT id, rule_id || '|' || fingerprint AS k, state, pending_since, last_notified_at, acknowledged_at IS NOT NULL AS acked FROM alerts WHERE state <> 'resolved'").then(
        (r) => new Map(r.rows.map((x) => [x.k as string, { id: Number(x.id), state: x.state, pendingSince: (x.pending_since as Date).getTime(), notifiedAt: (x.last_notified_at as Date | null)?.getTime() ?? null, acked: x.acked as boolean }])),
      ),
      listRules(pool),
      listChannels(pool),
      pool.query('SELECT id::text, matchers FROM alert_silences WHERE starts_at <= now() AND ends_at > now()').then((r) => r.rows as Context['silences']),
      readPolicy(pool),
    ]);
    const ctx: Context = { open, at: Date.now(), seen: new Set(), rules: rules.filter((r) => r.enabled), channels: channels.filter((c) => c.enabled), silences, policy };
    this.onContext(ctx);
    this.cached = { pool, ctx };
    return ctx;
  }

  /** Evaluates observations; returns how many notifications were queued. */
  async observe(pool: pg.Pool, observations: Observation[]): Promise<number> {
    if (!observations.length) return 0;
    const ctx = await this.context(pool);
    let queued = 0;
    for (const o of observations) {
      for (const rule of ctx.rules) {
        if (rule.kind !== o.kind) continue;
        const active = ruleActive(rule, o);
        if (active === null) continue;
        queued += await (active ? this.fire(pool, ctx, rule, o) : this.resolve(pool, ctx, rule, o));
      }
    }
    if (ctx.seen.size) {
      await pool.query('UPDATE alerts SET last_seen_at = now() WHERE id = ANY($1)', [[...ctx.seen]]);
      ctx.seen.clear();
    }
    if (queued) this.onQueued();
    return queued;
  }

  /** Repeats of firing alerts nobody acknowledged, and alerts whose silence ended. */
  async tick(pool: pg.Pool): Promise<number> {
    const { rows } = await pool.query(
      `SELECT a.id FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
       WHERE a.state = 'firing' AND a.acknowledged_at IS NULL AND r.enabled AND (a.last_notified_at IS NULL OR a.last_notified_at <= now() - r.repeat_seconds * interval '1 second')`,
    );
    if (!rows.length) return 0;
    const ctx = await this.context(pool);
    let queued = 0;
    for (const { id } of rows) {
      queued += await tx(pool, async (c) => {
        const row = (await c.query("SELECT a.*, r.repeat_seconds FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = $1 AND a.state = 'firing' FOR UPDATE OF a SKIP LOCKED", [id])).rows[0] as (AlertRow & { repeat_seconds: number }) | undefined;
        const rule = row && ctx.rules.find((r) => r.id === row.rule_id);
        if (!row || !rule || row.acknowledged_at || (row.last_notified_at && Date.now() - row.last_notified_at.getTime() < rule.repeatSeconds * 1000)) return 0;
        return this.notify(c, ctx, rule, row, 'firing');
      });
    }
    if (queued) this.onQueued();
    return queued;
  }

  private async fire(pool: pg.Pool, ctx: Context, rule: Rule, o: Observation): Promise<number> {
    const fp = fingerprintOf(o.labels);
    const key = `${rule.id}|${fp}`;
    const known = ctx.open.get(key);
    // Still firing, already told, not yet due again; or pending and its `for` still runs: nothing to write.
    if (known && ((known.state === 'firing' && known.notifiedAt !== null && (known.acked || Date.now() - known.notifiedAt < rule.repeatSeconds * 1000)) || (known.state === 'pending' && Date.now() - known.pendingSince < rule.forSeconds * 1000))) {
      ctx.seen.add(known.id);
      return 0;
    }
    const out = await tx(pool, async (c) => {
      let row = (
        await c.query(
          `INSERT INTO alerts (rule_id, fingerprint, labels, severity, state, summary, details, pending_since) VALUES ($1, $2, $3, $4, 'pending', $5, $6, now())
           ON CONFLICT (rule_id, fingerprint) WHERE state <> 'resolved' DO NOTHING RETURNING *`,
          [rule.id, fp, JSON.stringify(o.labels), rule.severity, o.summary, JSON.stringify(o.details ?? {})],
        )
      ).rows[0] as AlertRow | undefined;
      if (!row) {
        row = (await c.query("SELECT * FROM alerts WHERE rule_id = $1 AND fingerprint = $2 AND state <> 'resolved' FOR UPDATE", [rule.id, fp])).rows[0] as AlertRow | undefined;
        if (!row) return 0; // resolved between the two statements: the next observation decides
        row = (await c.query('UPDATE alerts SET summary = $2, details = $3, last_seen_at = now() WHERE id = $1 RETURNING *', [row.id, o.summary, JSON.stringify(o.details ?? {})])).rows[0] as AlertRow;
      }
      if (row.state === 'pending') {
        const heldMs = Date.now() - row.pending_since!.getTime();
        if (heldMs < rule.forSeconds * 1000) return { sent: 0, row };
        row = (await c.query("UPDATE alerts SET state = 'firing', fired_at = now() WHERE id = $1 RETURNING *", [row.id])).rows[0] as AlertRow;
        this.log.warn('alert_firing', `[${rule.severity}] ${rule.name}: ${o.summary}`, { rule: rule.id, labels: o.labels });
      }
      const due = !row.last_notified_at || (!row.acknowledged_at && Date.now() - row.last_notified_at.getTime() >= rule.repeatSeconds * 1000);
      const sent = due ? await this.notify(c, ctx, rule, row, 'firing') : 0;
      return { sent, row };
    });
    if (typeof out === 'number') return out;
    const r = out.row;
    // A silenced alert stays "not notified": it is looked at again on every observation (the silence may end).
    const notifiedAt = out.sent > 0 ? Date.now() : r.silenced_by ? null : (r.last_notified_at?.getTime() ?? null);
    ctx.open.set(key, { id: Number(r.id), state: r.state === 'firing' ? 'firing' : 'pending', pendingSince: r.pending_since?.getTime() ?? Date.now(), notifiedAt: r.state === 'firing' ? notifiedAt : null, acked: r.acknowledged_at !== null });
    return out.sent;
  }

  private async resolve(pool: pg.Pool, ctx: Context, rule: Rule, o: Observation): Promise<number> {
    const fp = fingerprintOf(o.labels);
    // Most observations say "still fine" about something that never fired: no query for those.
    if (!ctx.open.delete(`${rule.id}|${fp}`)) return 0;
    return tx(pool, async (c) => {
      const row = (await c.query("SELECT * FROM alerts WHERE rule_id = $1 AND fingerprint = $2 AND state <> 'resolved' FOR UPDATE", [rule.id, fp])).rows[0] as AlertRow | undefined;
      if (!row) return 0;
      const resolved = (await c.query("UPDATE alerts SET state = 'resolved', resolved_at = now(), last_seen_at = now(), summary = $2 WHERE id = $1 RETURNING *", [row.id, o.summary])).rows[0] as AlertRow;
      if (row.state !== 'firing') return 0; // a pending alert that never fired goes quietly (flapping)
      this.log.info('alert_resolved', `[${rule.severity}] ${rule.name} resolved: ${o.summary}`, { rule: rule.id, labels: o.labels });
      return rule.sendResolved && row.last_notified_at ? this.notify(c, ctx, rule, resolved, 'resolved') : 0;
    });
  }

  /** Queues the notification for the rule's channels (or those routed for its severity), unless silenced. */
  async notify(c: pg.PoolClient, ctx: Context, rule: Rule, row: AlertRow, kind: 'firing' | 'resolved'): Promise<number> {
    const silence = ctx.silences.find((s) => Object.entries(s.matchers).every(([k, v]) => globMatch(v, k === 'rule' ? rule.id : k === 'severity' ? rule.severity : row.labels[k])));
    if (silence) {
      await c.query('UPDATE alerts SET silenced_by = $2 WHERE id = $1', [row.id, silence.id]);
      return 0;
    }
    const channels = rule.channels ? ctx.channels.filter((ch) => rule.channels!.includes(ch.id)) : ctx.channels.filter((ch) => ch.severities.includes(rule.severity));
    const snap = snapshot(row, rule.name, kind);
    for (const channel of channels) await enqueue(c, { channel, kind, severity: rule.severity, groupKey: `${rule.id}:${kind}`, alert: snap, policy: ctx.policy });
    await c.query('UPDATE alerts SET last_notified_at = now(), notifications = notifications + 1, silenced_by = NULL WHERE id = $1', [row.id]);
    return channels.length;
  }
}

export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  const ignore = () => {};
  c.on('error', ignore);
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch((err: Error) => (broken = err));
    throw e;
  } finally {
    c.off('error', ignore);
    c.release(broken);
  }
}
