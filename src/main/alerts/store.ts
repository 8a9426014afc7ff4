import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AlertPolicy, type Alert, type Delivery, type Rule, type Severity, type Silence } from '../../shared/contract/alerts.ts';
import type { AlertSnapshot, ChannelRow, Notification } from './types.ts';

export type Queryable = Pick<pg.ClientBase, 'query'>;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function readPolicy(db: Queryable): Promise<AlertPolicy> {
  const { rows } = await db.query('SELECT policy FROM alert_policy');
  return AlertPolicy.parse(rows[0]?.policy ?? {});
}

export async function writePolicy(db: Queryable, patch: Partial<AlertPolicy>): Promise<AlertPolicy> {
  const next = AlertPolicy.parse({ ...(await readPolicy(db)), ...patch });
  await db.query('UPDATE alert_policy SET policy = $1', [JSON.stringify(next)]);
  return next;
}

export const toChannel = (r: Record<string, unknown>): ChannelRow => ({
  id: r.id as string,
  name: r.name as string,
  type: r.type as ChannelRow['type'],
  config: r.config as Record<string, unknown>,
  severities: r.severities as Severity[],
  escalateTo: (r.escalate_to as string | null) ?? null,
  ratePerSecond: (r.rate_per_second as number | null) ?? null,
  enabled: r.enabled as boolean,
});

export async function listChannels(db: Queryable): Promise<ChannelRow[]> {
  return (await db.query('SELECT * FROM alert_channels ORDER BY name, id')).rows.map(toChannel);
}

export const toRule = (r: Record<string, unknown>): Rule => ({
  id: r.id as string,
  name: r.name as string,
  kind: r.kind as Rule['kind'],
  params: r.params as Rule['params'],
  severity: r.severity as Severity,
  forSeconds: r.for_seconds as number,
  repeatSeconds: r.repeat_seconds as number,
  sendResolved: r.send_resolved as boolean,
  channels: (r.channels as string[] | null) ?? null,
  enabled: r.enabled as boolean,
  builtin: r.builtin as boolean,
});

export async function listRules(db: Queryable): Promise<Rule[]> {
  return (await db.query('SELECT * FROM alert_rules ORDER BY builtin DESC, kind, id')).rows.map(toRule);
}

export interface AlertRow {
  id: number;
  rule_id: string;
  fingerprint: string;
  labels: Record<string, string>;
  severity: Severity;
  state: 'pending' | 'firing' | 'resolved';
  summary: string;
  details: Record<string, unknown>;
  pending_since: Date | null;
  fired_at: Date | null;
  resolved_at: Date | null;
  last_seen_at: Date;
  last_notified_at: Date | null;
  notifications: number;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  silenced_by: string | null;
}

/** PagerDuty's dedup_key (≤ 255 characters) and receivers' idempotency key: stable per rule and label set. */
export const dedupKeyOf = (ruleId: string, fingerprint: string) => `repo-ops:${ruleId}:${createHash('sha256').update(fingerprint).digest('hex').slice(0, 24)}`;

export const toAlert = (r: AlertRow, ruleName: string): Alert => ({
  id: Number(r.id),
  dedupKey: dedupKeyOf(r.rule_id, r.fingerprint),
  ruleId: r.rule_id,
  ruleName,
  severity: r.severity,
  state: r.state,
  labels: r.labels,
  summary: r.summary,
  pendingSince: iso(r.pending_since),
  firedAt: iso(r.fired_at),
  resolvedAt: iso(r.resolved_at),
  lastSeenAt: r.last_seen_at.toISOString(),
  lastNotifiedAt: iso(r.last_notified_at),
  notifications: r.notifications,
  acknowledgedAt: iso(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by,
  silencedBy: r.silenced_by,
});

export function snapshot(r: AlertRow, ruleName: string, state: 'firing' | 'resolved'): AlertSnapshot {
  return {
    alertId: Number(r.id),
    ruleId: r.rule_id,
    ruleName,
    severity: r.severity,
    state,
    labels: r.labels,
    summary: r.summary,
    details: r.details,
    startsAt: iso(r.fired_at),
    endsAt: state === 'resolved' ? iso(r.resolved_at ?? new Date()) : null,
    fingerprint: r.fingerprint,
    dedupKey: dedupKeyOf(r.rule_id, r.fingerprint),
  };
}

export const toSilence = (r: Record<string, unknown>, now = Date.now()): Silence => ({
  id: r.id as string,
  matchers: r.matchers as Record<string, string>,
  startsAt: (r.starts_at as Date).toISOString(),
  endsAt: (r.ends_at as Date).toISOString(),
  comment: r.comment as string,
  createdBy: r.created_by as string,
  active: (r.starts_at as Date).getTime() <= now && (r.ends_at as Date).getTime() > now,
});

export interface OutboxRow {
  id: number;
  channel_id: string;
  group_key: string;
  kind: Notification['kind'];
  severity: Severity;
  alerts: AlertSnapshot[];
  payload: Notification['payload'];
  status: Delivery['status'];
  attempts: number;
  probe_failures: number;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  response_code: number | null;
  response_ms: number | null;
  last_error: string | null;
  escalated_from: number | null;
  escalated_at: Date | null;
}

export const toNotification = (r: OutboxRow): Notification => ({ id: Number(r.id), channelId: r.channel_id, kind: r.kind, severity: r.severity, groupKey: r.group_key, alerts: r.alerts, payload: r.payload, createdAt: r.created_at.toISOString(), attempts: r.attempts });

export const toDelivery = (r: OutboxRow, title: string): Delivery => ({
  id: Number(r.id),
  channelId: r.channel_id,
  kind: r.kind,
  severity: r.severity,
  title,
  alerts: r.alerts.length,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' || r.status === 'retrying' ? r.next_attempt_at.toISOString() : null,
  createdAt: r.created_at.toISOString(),
  deliveredAt: iso(r.delivered_at),
  responseCode: r.response_code,
  responseMs: r.response_ms === null ? null : Math.round(r.response_ms),
  lastError: r.last_error,
  escalatedFrom: r.escalated_from === null ? null : Number(r.escalated_from),
  escalatedAt: iso(r.escalated_at),
});

/** Glob match for matchers and rule filters: `*` any run of characters, case-insensitive. */
export function globMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*' || pattern === value) return true;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(value);
}
