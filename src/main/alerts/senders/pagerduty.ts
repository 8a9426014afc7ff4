import { titleOf } from '../message.ts';
import type { AlertSnapshot, Sender } from '../types.ts';
import { postJson } from './http.ts';

const SEVERITY = { P1: 'critical', P2: 'error', P3: 'warning', P4: 'info' } as const;

/**
 * PagerDuty Events API v2: one event per alert, keyed by the alert's dedup key so a retry or a
 * repeat joins the same incident; resolved and acknowledged alerts resolve/acknowledge it.
 */
export const sendPagerDuty: Sender = async (n, channel, secrets, opts) => {
  const url = String(channel.config.eventsUrl ?? 'https://events.pagerduty.com/v2/enqueue');
  const alerts: (AlertSnapshot | null)[] = n.alerts.length ? n.alerts : [null];
  let last = { ok: true, code: null as number | null, ms: 0, error: null as string | null, permanent: false };
  for (const a of alerts) {
    const action = n.kind === 'resolved' ? 'resolve' : n.kind === 'acknowledged' ? 'acknowledge' : 'trigger';
    const dedup = a?.dedupKey ?? `repo-ops:${n.kind}:${n.id}`;
    const body =
      action === 'trigger'
        ? {
            routing_key: secrets.routingKey,
            event_action: action,
            dedup_key: dedup,
            payload: {
              summary: (a ? `${a.ruleName}: ${a.summary}` : titleOf(n)).slice(0, 1024),
              source: a?.labels.system ?? 'repo-ops',
              severity: SEVERITY[a?.severity ?? n.severity],
              timestamp: a?.startsAt ?? n.createdAt,
              component: a?.labels.service ?? a?.labels.kind ?? undefined,
              group: a?.ruleId,
              class: a?.ruleId,
              custom_details: a ? { labels: a.labels, ...a.details } : { text: n.payload?.text },
            },
            client: 'Repo Ops',
          }
        : { routing_key: secrets.routingKey, event_action: action, dedup_key: dedup };
    const r = await postJson(url, JSON.stringify(body), {}, opts.timeoutMs, (s) => s === 202 || s === 200);
    last = { ...r, ms: last.ms + r.ms };
    if (!r.ok) return last;
  }
  return last;
};
