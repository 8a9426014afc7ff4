import type { ChannelType, Severity } from '../../shared/contract/alerts.ts';

/** An alert as a notification carries it (a snapshot at the time it was queued). */
export interface AlertSnapshot {
  alertId: number;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  state: 'firing' | 'resolved';
  labels: Record<string, string>;
  summary: string;
  details: Record<string, unknown>;
  startsAt: string | null;
  endsAt: string | null;
  fingerprint: string;
  /** Stable per alert: PagerDuty's dedup_key, a receiver's idempotency key. */
  dedupKey: string;
}

export type NotificationKind = 'firing' | 'resolved' | 'acknowledged' | 'test' | 'report';

export interface Notification {
  id: number;
  channelId: string;
  kind: NotificationKind;
  severity: Severity;
  groupKey: string;
  alerts: AlertSnapshot[];
  /** Free text of reports and tests. */
  payload: { title: string; text: string; actor?: string } | null;
  createdAt: string;
  attempts: number;
}

export interface ChannelRow {
  id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  severities: Severity[];
  escalateTo: string | null;
  ratePerSecond: number | null;
  enabled: boolean;
}

export interface SendOutcome {
  ok: boolean;
  code: number | null;
  ms: number;
  error: string | null;
  /** Retrying cannot help (a 4xx other than 408/429: bad URL, revoked key …). */
  permanent: boolean;
  retryAfterMs?: number;
}

export type Sender = (n: Notification, channel: ChannelRow, secrets: Record<string, string>, opts: { timeoutMs: number }) => Promise<SendOutcome>;
