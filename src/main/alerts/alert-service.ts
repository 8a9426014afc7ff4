import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { ChannelInput, RuleInput, Alert, AlertPolicy, Channel, Delivery, Rule, Silence } from '../../shared/contract/alerts.ts';
import { CHANNEL_SECRETS } from '../../shared/contract/alerts.ts';
import { OpsError } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { operator } from '../audit/audit-log.ts';
import type { Logger } from '../logging/logger.ts';
import type { Db } from '../store/database.ts';
import { AlertFallback } from './fallback.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import { createPool } from '../warehouse/pool.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { channelAccount, channelSecrets, checkChannelSecret } from './channels.ts';
import { Deliverer } from './deliverer.ts';
import { ENSURE_DEFAULTS_SQL } from './migrations.ts';
import { Evaluator, tx, type Observation } from './evaluator.ts';
import { titleOf } from './message.ts';
import { enqueue } from './outbox.ts';
import { SENDERS } from './senders/index.ts';
import { listChannels, listRules, readPolicy, snapshot, toAlert, toDelivery, toNotification, toRule, toSilence, writePolicy, type AlertRow, type OutboxRow } from './store.ts';
import type { Notification } from './types.ts';

export interface AlertServiceDeps {
  db: Db;
  warehouse: WarehouseService;
  secrets: SecretService;
  audit: AuditLog;
  logger: Logger;
}

/**
 * Alerts end to end: sources hand in observations, the evaluator turns them into alerts and
 * queued notifications (warehouse outbox), the deliverer sends them. Observations wait in
 * memory until the warehouse is connected, then are evaluated in order.
 */
export class AlertService {
  readonly events = new EventEmitter<{ changed: [{ reason: string }]; desktop: [Notification] }>();
  readonly deliverer: Deliverer;
  private readonly evaluator: Evaluator;
  private readonly d: AlertServiceDeps;
  private own: { key: string; pool: pg.Pool; ready: Promise<void> } | null = null;
  private queue: Observation[] = [];
  private draining: Promise<void> | null = null;
  /** This process queued notifications (a one-shot command flushes them before it exits). */
  queuedHere = false;
  private desktopListeners = 0;
  private readonly fallback: AlertFallback;

  constructor(d: AlertServiceDeps) {
    this.d = d;
    this.events.setMaxListeners(0);
    const credentials = async (ch: Parameters<typeof channelSecrets>[1]) => {
      const s = await channelSecrets(d.secrets, ch);
      return s.complete ? s.values : null;
    };
    const desktop = { listening: () => this.desktopListeners > 0, show: (n: Notification) => this.events.emit('desktop', n) };
    this.fallback = new AlertFallback({ db: d.db, log: d.logger, credentials, desktop });
    this.evaluator = new Evaluator({
      onContext: (c) => this.fallback.remember({ rules: c.rules, channels: c.channels, policy: c.policy }),
      log: d.logger,
      onQueued: () => {
        this.queuedHere = true;
        this.deliverer.poke();
        this.changed('queued');
      },
    });
    this.deliverer = new Deliverer({
      pool: () => this.pool(false),
      credentials,
      desktop,
      log: d.logger,
      onChange: () => this.changed('delivery'),
    });
  }

  private changed(reason: string): void {
    if (reason !== 'queued' && reason !== 'delivery') this.evaluator.invalidate();
    this.events.emit('changed', { reason });
  }

  /** Counts windows listening for desktop notifications (the desktop channel is delivered only where one is). */
  desktopSubscribed(delta: 1 | -1): void {
    this.desktopListeners += delta;
    if (delta > 0) this.deliverer.poke();
  }

  /** The alerts' own small pool on the warehouse; null while nobody connected the warehouse (unless `connect`). */
  async pool(connect = true): Promise<pg.Pool | null> {
    let c = this.d.warehouse.connected();
    if (!c && connect) {
      await this.d.warehouse.connection();
      c = this.d.warehouse.connected();
    }
    if (!c) return null;
    const key = `${c.url}|${c.info.schema}`;
    if (this.own?.key !== key) {
      await this.own?.pool.end().catch(() => {});
      const pool = createPool(c.url, { schema: c.info.schema, max: 5, applicationName: 'repo-ops-alerts', statementTimeoutMs: 30_000 });
      this.own = { key, pool, ready: pool.query(ENSURE_DEFAULTS_SQL).then(() => {}) };
    }
    await this.own.ready;
    return this.own.pool;
  }

  private async need(): Promise<pg.Pool> {
    return (await this.pool(true))!;
  }

  /** Sources call this; evaluation runs in order, in the background. */
  observe(observations: Observation[]): void {
    if (!observations.length) return;
    this.queue.push(...observations);
    // Bounded while the warehouse is away: the newest observations matter.
    if (this.queue.length > 20_000) this.queue.splice(0, this.queue.length - 20_000);
    void this.drain();
  }

  /** Evaluates what is queued (connecting only if `connect`); resolves when the queue is empty. */
  drain(connect = false): Promise<void> {
    if (this.draining) return connect ? this.draining.then(() => this.drain(true)) : this.draining;
    this.draining = (async () => {
      let pool: pg.Pool | null = null;
      try {
        pool = await this.pool(connect);
      } catch (e) {
        // The warehouse is unreachable (often the very thing that is down): alert directly.
        this.d.logger.warn('alert_warehouse_unreachable', `Alerts cannot reach the warehouse: ${(e as Error).message}`);
        await this.fallback.observe(this.queue.splice(0)).catch((err: Error) => this.d.logger.warn('alert_fallback_failed', err.message));
      }
      try {
        if (!pool) return;
        while (this.queue.length) {
          const batch = this.queue.splice(0, 500);
          const ok = await this.evaluator.observe(pool, batch).then(
            () => true,
            (e: Error) => {
              this.d.logger.warn('alert_evaluation_failed', `Alert rules could not be evaluated: ${e.message}`);
              return false;
            },
          );
          if (!ok) await this.fallback.observe(batch);
          // Alerts raised directly while the warehouse was away resolve from fresh observations.
          else if (this.fallback.hasOpen()) await this.fallback.observe(batch, true);
        }
      } catch (e) {
        this.d.logger.debug('alert_evaluation_deferred', `Alert evaluation deferred: ${(e as Error).message}`);
      } finally {
        this.draining = null;
      }
    })();
    return this.draining;
  }

  pendingObservations(): number {
    return this.queue.length;
  }

  async tick(): Promise<void> {
    const pool = await this.pool(false);
    if (pool) await this.evaluator.tick(pool);
  }

  async policy(): Promise<AlertPolicy> {
    return readPolicy(await this.need());
  }

  async updatePolicy(patch: Partial<AlertPolicy>): Promise<AlertPolicy> {
    const pool = await this.need();
    const before = await readPolicy(pool);
    const after = await writePolicy(pool, patch);
    await this.d.audit.record({ action: 'alerts.policy', subject: 'alert-policy', details: { before, after } });
    this.changed('policy');
    this.deliverer.poke();
    return after;
  }

  // Alerts

  async list(state: 'open' | 'all', limit: number): Promise<Alert[]> {
    const pool = await this.need();
    const rules = new Map((await listRules(pool)).map((r) => [r.id, r.name]));
    const { rows } = await pool.query(`SELECT * FROM alerts ${state === 'open' ? "WHERE state <> 'resolved'" : ''} ORDER BY (state = 'resolved'), last_seen_at DESC LIMIT $1`, [limit]);
    return (rows as AlertRow[]).map((r) => toAlert(r, rules.get(r.rule_id) ?? r.rule_id));
  }

  async acknowledge(id: number, actor = operator()): Promise<Alert> {
    const pool = await this.need();
    const rules = await listRules(pool);
    const channels = (await listChannels(pool)).filter((c) => c.enabled && c.type === 'pagerduty');
    const policy = await readPolicy(pool);
    const row = await tx(pool, async (c) => {
      const r = (await c.query("UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND state <> 'resolved' RETURNING *", [id, actor])).rows[0] as AlertRow | undefined;
      if (!r) throw new OpsError('not_found', `No open alert ${id} (already resolved?)`);
      const rule = rules.find((x) => x.id === r.rule_id);
      // PagerDuty hears of it where the alert paged.
      if (rule && r.state === 'firing' && r.last_notified_at) {
        const targets = channels.filter((ch) => (rule.channels ? rule.channels.includes(ch.id) : ch.severities.includes(rule.severity)));
        const snap = snapshot(r, rule.name, 'firing');
        for (const ch of targets) await enqueue(c, { channel: ch, kind: 'acknowledged', severity: r.severity, groupKey: `${rule.id}:ack`, alert: snap, payload: { title: '', text: '', actor }, policy });
      }
      return r;
    });
    await this.d.audit.record({ action: 'alert.acknowledge', subject: `alert:${id}`, actor, details: { rule: row.rule_id, labels: row.labels } });
    this.deliverer.poke();
    this.changed('acknowledged');
    return toAlert(row, rules.find((x) => x.id === row.rule_id)?.name ?? row.rule_id);
  }

  // Channels

  async channels(): Promise<Channel[]> {
    const pool = await this.need();
    const channels = await listChannels(pool);
    const { rows: states } = await pool.query('SELECT *, now() AS db_now FROM alert_channel_state');
    const { rows: counts } = await pool.query(
      `SELECT channel_id, count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'retrying')::int AS retrying,
         count(*) FILTER (WHERE status = 'failed' AND last_attempt_at > now() - interval '24 hours')::int AS failed24h,
         count(*) FILTER (WHERE status = 'delivered' AND delivered_at > now() - interval '24 hours')::int AS delivered24h
       FROM alert_outbox GROUP BY channel_id`,
    );
    const out: Channel[] = [];
    for (const ch of channels) {
      const st = states.find((s) => s.channel_id === ch.id);
      const n = counts.find((c) => c.channel_id === ch.id) ?? { pending: 0, retrying: 0, failed24h: 0, delivered24h: 0 };
      const secrets = ch.type === 'desktop' ? { set: {}, complete: true } : await channelSecrets(this.d.secrets, ch);
      const open = st?.open_until && st.open_until.getTime() > st.db_now.getTime();
      const failures = st?.consecutive_failures ?? 0;
      const status = !ch.enabled ? 'unknown' : open ? 'down' : failures > 0 || n.retrying > 0 ? 'degraded' : st?.last_success_at || n.delivered24h ? 'healthy' : 'unknown';
      out.push({
        id: ch.id,
        name: ch.name,
        type: ch.type,
        config: ch.config,
        severities: ch.severities,
        escalateTo: ch.escalateTo,
        ratePerSecond: ch.ratePerSecond,
        enabled: ch.enabled,
        secretsSet: secrets.set,
        deliverable: ch.type === 'desktop' ? this.desktopListeners > 0 : secrets.complete,
        health: {
          status,
          label: !ch.enabled ? 'disabled' : open ? 'unavailable' : status === 'degraded' ? 'degraded' : status === 'healthy' ? 'healthy' : 'not used yet',
          consecutiveFailures: failures,
          circuitOpenUntil: open ? st.open_until.toISOString() : null,
          lastSuccessAt: st?.last_success_at?.toISOString() ?? null,
          lastFailureAt: st?.last_failure_at?.toISOString() ?? null,
          lastError: st?.last_error ?? null,
          pending: n.pending,
          retrying: n.retrying,
          failed24h: n.failed24h,
          delivered24h: n.delivered24h,
        },
      });
    }
    return out;
  }

  async saveChannel(input: ReturnType<typeof ChannelInput.parse>): Promise<Channel> {
    const pool = await this.need();
    const existing = (await listChannels(pool)).find((c) => c.id === input.id);
    if (existing && existing.type !== input.config.type) throw new OpsError('invalid_input', `config.type: channel ${existing.id} is a ${existing.type} channel; create a new one for ${input.config.type}`);
    const id = input.id ?? (await this.freeId(pool, input.name));
    const specs = CHANNEL_SECRETS[input.config.type];
    for (const [key, value] of Object.entries(input.secrets)) {
      if (!specs.some((s) => s.key === key)) throw new OpsError('invalid_input', `secrets.${key}: a ${input.config.type} channel has no credential "${key}" (it has ${specs.map((s) => s.key).join(', ') || 'none'})`);
      const problem = value ? checkChannelSecret(input.config.type, key, value.trim()) : null;
      if (problem) throw new OpsError('invalid_input', `secrets.${key}: ${problem}`);
    }
    if (input.escalateTo === id) throw new OpsError('invalid_input', 'escalateTo: a channel cannot escalate to itself');
    if (input.escalateTo && !(await listChannels(pool)).some((c) => c.id === input.escalateTo)) throw new OpsError('invalid_input', `escalateTo: no channel "${input.escalateTo}"`);
    const { type, ...config } = input.config;
    await pool.query(
      `INSERT INTO alert_channels (id, name, type, config, severities, escalate_to, rate_per_second, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, config = EXCLUDED.config, severities = EXCLUDED.severities, escalate_to = EXCLUDED.escalate_to,
         rate_per_second = EXCLUDED.rate_per_second, enabled = EXCLUDED.enabled, updated_at = now()`,
      [id, input.name, type, JSON.stringify(config), input.severities, input.escalateTo, input.ratePerSecond, input.enabled],
    );
    for (const [key, value] of Object.entries(input.secrets)) {
      if (value.trim()) await this.d.secrets.setNamed(channelAccount(id, key), value.trim());
      else await this.d.secrets.deleteNamed(channelAccount(id, key)).catch(() => {});
    }
    await this.d.audit.record({ action: existing ? 'channel.update' : 'channel.create', subject: `channel:${id}`, details: { name: input.name, type, severities: input.severities, escalateTo: input.escalateTo, enabled: input.enabled, credentialsChanged: Object.keys(input.secrets) } });
    this.deliverer.poke();
    this.changed('channel');
    return (await this.channels()).find((c) => c.id === id)!;
  }

  private async freeId(pool: pg.Pool, name: string): Promise<string> {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'channel';
    const taken = new Set((await listChannels(pool)).map((c) => c.id));
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
    return id;
  }

  async deleteChannel(id: string): Promise<void> {
    const pool = await this.need();
    const ch = (await listChannels(pool)).find((c) => c.id === id);
    if (!ch) throw new OpsError('not_found', `No channel "${id}"`);
    await pool.query('DELETE FROM alert_channels WHERE id = $1', [id]);
    for (const s of CHANNEL_SECRETS[ch.type]) await this.d.secrets.deleteNamed(channelAccount(id, s.key)).catch(() => {});
    await this.d.audit.record({ action: 'channel.delete', subject: `channel:${id}`, details: { name: ch.name, type: ch.type } });
    this.changed('channel');
  }

  /** Sends a test notification now, straight through the channel (its result updates the channel's health). */
  async testChannel(id: string): Promise<{ ok: boolean; responseCode: number | null; ms: number; error: string | null }> {
    const pool = await this.need();
    const ch = (await listChannels(pool)).find((c) => c.id === id);
    if (!ch) throw new OpsError('not_found', `No channel "${id}"`);
    const policy = await readPolicy(pool);
    const n: Notification = { id: 0, channelId: id, kind: 'test', severity: 'P4', groupKey: 'test', alerts: [], payload: { title: `Repo Ops test notification (${ch.name})`, text: `If you can read this, ${ch.name} receives Repo Ops alerts. Sent by ${operator()} at ${new Date().toISOString()}.` }, createdAt: new Date().toISOString(), attempts: 0 };
    let outcome;
    if (ch.type === 'desktop') {
      outcome = this.desktopListeners > 0 ? { ok: true, code: null, ms: 0, error: null } : { ok: false, code: null, ms: 0, error: 'no console window is listening in this process' };
      if (outcome.ok) this.events.emit('desktop', n);
    } else {
      const s = await channelSecrets(this.d.secrets, ch);
      if (!s.complete) throw new OpsError('unavailable', `${ch.name}: credentials missing on this machine (${CHANNEL_SECRETS[ch.type].filter((x) => x.required && !s.set[x.key]).map((x) => x.label).join(', ')})`);
      outcome = await SENDERS[ch.type](n, ch, s.values, { timeoutMs: policy.requestTimeoutMs });
    }
    await pool.query('INSERT INTO alert_channel_state (channel_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
    if (outcome.ok) await pool.query('UPDATE alert_channel_state SET consecutive_failures = 0, open_until = NULL, last_success_at = now() WHERE channel_id = $1', [id]);
    else await pool.query('UPDATE alert_channel_state SET last_failure_at = now(), last_error = $2 WHERE channel_id = $1', [id, outcome.error]);
    this.changed('test');
    return { ok: outcome.ok, responseCode: outcome.code, ms: Math.round(outcome.ms), error: outcome.error };
  }

  // Rules

  async rules(): Promise<Rule[]> {
    return listRules(await this.need());
  }

  async saveRule(input: ReturnType<typeof RuleInput.parse>): Promise<Rule> {
    const pool = await this.need();
    const rules = await listRules(pool);
    const existing = rules.find((r) => r.id === input.id);
    if (existing?.builtin && existing.kind !== input.kind) throw new OpsError('invalid_input', `kind: the built-in rule ${existing.id} stays a ${existing.kind} rule`);
    const id = input.id ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
    if (!existing && rules.some((r) => r.id === id)) throw new OpsError('conflict', `A rule "${id}" exists already`);
    const { rows } = await pool.query(
      `INSERT INTO alert_rules (id, name, kind, params, severity, for_seconds, repeat_seconds, send_resolved, channels, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, params = EXCLUDED.params, severity = EXCLUDED.severity, for_seconds = EXCLUDED.for_seconds,
         repeat_seconds = EXCLUDED.repeat_seconds, send_resolved = EXCLUDED.send_resolved, channels = EXCLUDED.channels, enabled = EXCLUDED.enabled, updated_at = now() RETURNING *`,
      [id, input.name, input.kind, JSON.stringify(input.params), input.severity, input.forSeconds, input.repeatSeconds, input.sendResolved, input.channels, input.enabled],
    );
    await this.d.audit.record({ action: existing ? 'rule.update' : 'rule.create', subject: `rule:${id}`, details: { before: existing ?? null, after: toRule(rows[0]) } });
    this.changed('rule');
    return toRule(rows[0]);
  }

  async deleteRule(id: string): Promise<void> {
    const pool = await this.need();
    const rule = (await listRules(pool)).find((r) => r.id === id);
    if (!rule) throw new OpsError('not_found', `No rule "${id}"`);
    if (rule.builtin) throw new OpsError('conflict', `${rule.name} is built in: disable it instead`);
    await pool.query('DELETE FROM alert_rules WHERE id = $1', [id]);
    await pool.query("UPDATE alerts SET state = 'resolved', resolved_at = now() WHERE rule_id = $1 AND state <> 'resolved'", [id]);
    await this.d.audit.record({ action: 'rule.delete', subject: `rule:${id}`, details: { rule } });
    this.changed('rule');
  }

  // Silences

  async silences(): Promise<Silence[]> {
    const { rows } = await (await this.need()).query("SELECT * FROM alert_silences WHERE ends_at > now() - interval '7 days' ORDER BY ends_at DESC");
    return rows.map((r) => toSilence(r));
  }

  async silence(s: { matchers: Record<string, string>; endsAt: string; comment: string }, actor = operator()): Promise<Silence> {
    if (Date.parse(s.endsAt) <= Date.now()) throw new OpsError('invalid_input', 'endsAt: a silence must end in the future');
    const pool = await this.need();
    const { rows } = await pool.query('INSERT INTO alert_silences (matchers, ends_at, comment, created_by) VALUES ($1, $2, $3, $4) RETURNING *', [JSON.stringify(s.matchers), s.endsAt, s.comment, actor]);
    await this.d.audit.record({ action: 'silence.create', subject: `silence:${rows[0].id}`, actor, details: s });
    this.changed('silence');
    return toSilence(rows[0]);
  }

  async expireSilence(id: string): Promise<void> {
    const pool = await this.need();
    const { rowCount } = await pool.query('UPDATE alert_silences SET ends_at = now() WHERE id::text = $1 AND ends_at > now()', [id]);
    if (!rowCount) throw new OpsError('not_found', `No active silence ${id}`);
    await this.d.audit.record({ action: 'silence.expire', subject: `silence:${id}` });
    this.changed('silence');
    await this.tick(); // alerts it held back notify now
  }

  // Deliveries

  async deliveries(f: { channelId?: string; status?: Delivery['status']; limit: number }): Promise<Delivery[]> {
    const { rows } = await (await this.need()).query('SELECT * FROM alert_outbox WHERE ($1::text IS NULL OR channel_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3', [f.channelId ?? null, f.status ?? null, f.limit]);
    return (rows as OutboxRow[]).map((r) => toDelivery(r, titleOf(toNotification(r))));
  }

  async retryFailed(channelId?: string): Promise<number> {
    const pool = await this.need();
    const { rowCount } = await pool.query("UPDATE alert_outbox SET status = 'retrying', attempts = 0, next_attempt_at = now() WHERE status = 'failed' AND ($1::text IS NULL OR channel_id = $1)", [channelId ?? null]);
    await this.d.audit.record({ action: 'delivery.retry', subject: channelId ? `channel:${channelId}` : 'all channels', details: { requeued: rowCount } });
    this.deliverer.poke();
    return rowCount ?? 0;
  }

  /** Queues a free-text notification (the budget report) for channels. */
  async notifyText(channelIds: string[] | null, severity: 'P1' | 'P2' | 'P3' | 'P4', title: string, text: string): Promise<string[]> {
    const pool = await this.need();
    const channels = (await listChannels(pool)).filter((c) => c.enabled && (channelIds ? channelIds.includes(c.id) : c.severities.includes(severity)));
    if (channelIds) for (const id of channelIds) if (!channels.some((c) => c.id === id)) throw new OpsError('not_found', `No enabled channel "${id}"`);
    const policy = await readPolicy(pool);
    await tx(pool, async (c) => {
      for (const ch of channels) await enqueue(c, { channel: ch, kind: 'report', severity, groupKey: `report:${Date.now()}`, payload: { title, text }, policy: { ...policy, groupWaitSeconds: 0 } });
    });
    this.queuedHere = true;
    this.deliverer.poke();
    return channels.map((c) => c.id);
  }

  async close(): Promise<void> {
    await this.deliverer.stop();
    await this.own?.pool.end().catch(() => {});
    this.own = null;
  }
}

