import type { AlertPolicy, Rule } from '../../shared/contract/alerts.ts';
import type { Logger } from '../logging/logger.ts';
import type { Db } from '../store/database.ts';
import type { MigrationSet } from '../store/migrations.ts';
import { fingerprintOf, ruleActive, type Observation } from './evaluator.ts';
import { SENDERS } from './senders/index.ts';
import { dedupKeyOf } from './store.ts';
import type { ChannelRow, Notification } from './types.ts';

export const alertStoreMigrations: MigrationSet = {
  feature: 'alerts',
  migrations: [
    {
      version: 1,
      name: 'alert fallback when the warehouse is down',
      sql: `
        -- The last rules, channels and timings read from the warehouse, for when it cannot be reached.
        CREATE TABLE alert_config_cache (id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL, at INTEGER NOT NULL);
        -- Alerts raised while the warehouse was unreachable (it is often the thing that is down).
        CREATE TABLE alert_fallback (key TEXT PRIMARY KEY, rule_id TEXT NOT NULL, labels TEXT NOT NULL, summary TEXT NOT NULL, fired_at INTEGER NOT NULL, notified_at INTEGER);
      `,
    },
  ],
};

interface Cached {
  rules: Rule[];
  channels: ChannelRow[];
  policy: AlertPolicy;
}

/**
 * When the warehouse (home of the outbox) cannot be reached — typically because it is the
 * system that is down — alerts still go out: this machine evaluates them against the last
 * rules and channels it read, keeps their state in its local store, and sends directly.
 * Once the warehouse answers again, the observations that resolve them send resolved notices.
 */
export class AlertFallback {
  private readonly d: { db: Db; log: Logger; credentials(ch: ChannelRow): Promise<Record<string, string> | null>; desktop: { listening(): boolean; show(n: Notification): void } };
  private lastSaved = '';
  constructor(d: AlertFallback['d']) {
    this.d = d;
  }

  remember(c: Cached): void {
    const json = JSON.stringify(c);
    if (json === this.lastSaved) return;
    this.lastSaved = json;
    this.d.db.prepare('INSERT INTO alert_config_cache (id, config, at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET config = excluded.config, at = excluded.at').run(json, Date.now());
  }

  hasOpen(): boolean {
    return Boolean(this.d.db.prepare('SELECT 1 FROM alert_fallback LIMIT 1').get());
  }

  /** Evaluates observations locally and sends directly; returns how many notifications went out. */
  async observe(observations: Observation[], onlyResolve = false): Promise<number> {
    const row = this.d.db.prepare('SELECT config FROM alert_config_cache WHERE id = 1').get() as { config: string } | undefined;
    if (!row) return 0; // never read the warehouse's rules: nothing to go by
    const c = JSON.parse(row.config) as Cached;
    let sent = 0;
    for (const o of observations) {
      for (const rule of c.rules) {
        if (!rule.enabled || rule.kind !== o.kind) continue;
        const active = ruleActive(rule, o);
        if (active === null) continue;
        const fp = fingerprintOf(o.labels);
        const key = `${rule.id}|${fp}`;
        const open = this.d.db.prepare('SELECT * FROM alert_fallback WHERE key = ?').get(key) as { fired_at: number; notified_at: number | null } | undefined;
        if (active && !onlyResolve) {
          if (!open) this.d.db.prepare('INSERT INTO alert_fallback (key, rule_id, labels, summary, fired_at) VALUES (?, ?, ?, ?, ?)').run(key, rule.id, JSON.stringify(o.labels), o.summary, Date.now());
          const notified = open?.notified_at ?? null;
          if (notified === null || Date.now() - notified >= rule.repeatSeconds * 1000) {
            if (await this.send(c, rule, o, fp, 'firing', open?.fired_at ?? Date.now())) {
              this.d.db.prepare('UPDATE alert_fallback SET notified_at = ? WHERE key = ?').run(Date.now(), key);
              sent++;
            }
          }
        } else if (!active && open) {
          if (open.notified_at !== null && rule.sendResolved) sent += (await this.send(c, rule, o, fp, 'resolved', open.fired_at)) ? 1 : 0;
          this.d.db.prepare('DELETE FROM alert_fallback WHERE key = ?').run(key);
        }
      }
    }
    return sent;
  }

  private async send(c: Cached, rule: Rule, o: Observation, fp: string, kind: 'firing' | 'resolved', firedAt: number): Promise<boolean> {
    const channels = c.channels.filter((ch) => ch.enabled && (rule.channels ? rule.channels.includes(ch.id) : ch.severities.includes(rule.severity)));
    const n: Notification = {
      id: 0,
      channelId: '',
      kind,
      severity: rule.severity,
      groupKey: `${rule.id}:${kind}:direct`,
      alerts: [{ alertId: 0, ruleId: rule.id, ruleName: `${rule.name} (warehouse unreachable: sent directly)`, severity: rule.severity, state: kind, labels: o.labels, summary: o.summary, details: o.details ?? {}, startsAt: new Date(firedAt).toISOString(), endsAt: kind === 'resolved' ? new Date().toISOString() : null, fingerprint: fp, dedupKey: dedupKeyOf(rule.id, fp) }],
      payload: null,
      createdAt: new Date().toISOString(),
      attempts: 0,
    };
    let any = false;
    for (const ch of channels) {
      if (ch.type === 'desktop') {
        if (this.d.desktop.listening()) {
          this.d.desktop.show({ ...n, channelId: ch.id });
          any = true;
        }
        continue;
      }
      const secrets = await this.d.credentials(ch);
      if (!secrets) continue;
      // A few quick tries: there is no outbox to come back to.
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await SENDERS[ch.type]({ ...n, channelId: ch.id }, ch, secrets, { timeoutMs: c.policy.requestTimeoutMs }).catch((e: Error) => ({ ok: false, error: e.message, permanent: false }));
        if (r.ok) {
          any = true;
          break;
        }
        if (r.permanent) break;
        await new Promise((res) => setTimeout(res, 250 * (attempt + 1)));
      }
    }
    if (any) this.d.log.warn('alert_sent_directly', `${rule.name} (${kind}) sent directly: the warehouse cannot be reached`, { rule: rule.id, labels: o.labels });
    return any;
  }
}
