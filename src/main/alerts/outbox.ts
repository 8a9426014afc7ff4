import type { AlertPolicy, Severity } from '../../shared/contract/alerts.ts';
import type { Queryable } from './store.ts';
import type { AlertSnapshot, ChannelRow, NotificationKind } from './types.ts';

/**
 * Queues one notification for a channel. Alerts of one rule that fire together share a row
 * while it waits out the group wait (PagerDuty gets one event per alert, so no grouping there).
 */
export async function enqueue(db: Queryable, o: { channel: ChannelRow; kind: NotificationKind; severity: Severity; groupKey: string; alert?: AlertSnapshot; payload?: { title: string; text: string; actor?: string } | null; policy: AlertPolicy }): Promise<void> {
  const groupWait = o.kind === 'test' ? 0 : o.policy.groupWaitSeconds;
  if (o.alert && groupWait > 0 && o.channel.type !== 'pagerduty') {
    const { rows } = await db.query(
      `SELECT id FROM alert_outbox WHERE channel_id = $1 AND group_key = $2 AND kind = $3 AND status = 'pending' AND attempts = 0 AND next_attempt_at > now()
       ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [o.channel.id, o.groupKey, o.kind],
    );
    if (rows[0]) {
      await db.query('UPDATE alert_outbox SET alerts = alerts || $2::jsonb, severity = least(severity, $3) WHERE id = $1', [rows[0].id, JSON.stringify([o.alert]), o.severity]);
      return;
    }
  }
  await db.query(
    `INSERT INTO alert_outbox (channel_id, group_key, kind, severity, alerts, payload, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 second')`,
    [o.channel.id, o.channel.type === 'pagerduty' && o.alert ? `${o.groupKey}:${o.alert.alertId}` : o.groupKey, o.kind, o.severity, JSON.stringify(o.alert ? [o.alert] : []), o.payload ? JSON.stringify(o.payload) : null, groupWait],
  );
}

/**
 * Escalation: a notification still undelivered after the delay is queued once more for its
 * channel's escalation target. One statement, so concurrent processes escalate it once.
 */
export async function escalate(db: Queryable, policy: AlertPolicy): Promise<number> {
  const { rowCount } = await db.query(
    `WITH due AS (
       UPDATE alert_outbox o SET escalated_at = now() FROM alert_channels c
       WHERE o.channel_id = c.id AND c.escalate_to IS NOT NULL AND o.status <> 'delivered' AND o.escalated_at IS NULL AND o.kind <> 'test'
         AND o.created_at <= now() - $1 * interval '1 second'
       RETURNING o.id, c.escalate_to, o.group_key, o.kind, o.severity, o.alerts, o.payload
     )
     INSERT INTO alert_outbox (channel_id, group_key, kind, severity, alerts, payload, escalated_from)
     SELECT escalate_to, group_key, kind, severity, alerts, payload, id FROM due`,
    [policy.escalateAfterSeconds],
  );
  return rowCount ?? 0;
}
