import type { Notification } from './types.ts';

const where = (labels: Record<string, string>) =>
  Object.entries(labels)
    .filter(([k]) => k !== 'name')
    .map(([, v]) => v)
    .join('/');

/** One line for a subject, a Slack headline, a desktop title. */
export function titleOf(n: Notification): string {
  if (n.payload && (n.kind === 'test' || n.kind === 'report')) return n.payload.title;
  const first = n.alerts[0];
  if (!first) return `[${n.severity}] ${n.kind.toUpperCase()}`;
  const count = n.alerts.length > 1 ? ` (${n.alerts.length})` : '';
  const state = n.kind === 'acknowledged' ? `ACKNOWLEDGED${n.payload?.actor ? ` by ${n.payload.actor}` : ''}` : n.kind === 'resolved' ? 'RESOLVED' : 'FIRING';
  return `[${n.severity}] ${state}${count}: ${first.ruleName}${n.alerts.length === 1 ? ` - ${where(first.labels)}` : ''}`;
}

/** The body: one line per alert with its labels and times. */
export function textOf(n: Notification): string {
  if (n.payload && (n.kind === 'test' || n.kind === 'report')) return n.payload.text;
  return n.alerts
    .map((a) => `• ${a.summary} [${Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(', ')}]${a.state === 'resolved' && a.endsAt ? ` resolved ${a.endsAt}` : a.startsAt ? ` since ${a.startsAt}` : ''}`)
    .join('\n');
}

/** The generic webhook's documented JSON body (README → Alerts → Webhook payload). */
export function webhookBody(n: Notification) {
  return {
    version: '1',
    source: 'repo-ops',
    id: n.id,
    kind: n.kind,
    severity: n.severity,
    groupKey: n.groupKey,
    createdAt: n.createdAt,
    title: titleOf(n),
    text: textOf(n),
    alerts: n.alerts.map((a) => ({ id: a.alertId, rule: a.ruleId, ruleName: a.ruleName, severity: a.severity, state: a.state, labels: a.labels, summary: a.summary, details: a.details, startsAt: a.startsAt, endsAt: a.endsAt, fingerprint: a.fingerprint, dedupKey: a.dedupKey })),
  };
}
