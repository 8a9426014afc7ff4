import { useEffect, useState } from 'react';
import { CHANNEL_SECRETS, SEVERITIES, type AlertPolicy, type Channel, type ChannelType, type Severity } from '../../../../shared/contract/alerts.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { FormButtons, RemoveDialog, RowActions, useRecordEditor } from '../../components/RecordEditor.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useAlerts, watchAlerts } from '../../state/alerts-store.ts';
import { attempt, useApp } from '../../state/app-store.ts';

const TYPES: [ChannelType, string][] = [
  ['slack', 'Slack (incoming webhook)'],
  ['webhook', 'Webhook (signed JSON)'],
  ['email', 'E-mail (SMTP)'],
  ['pagerduty', 'PagerDuty (Events v2)'],
  ['desktop', 'Desktop notifications'],
];

interface Draft {
  id?: string;
  name: string;
  type: ChannelType;
  severities: Severity[];
  escalateTo: string;
  enabled: boolean;
  host: string;
  port: string;
  security: 'tls' | 'starttls' | 'none';
  user: string;
  from: string;
  to: string;
  allowSelfSigned: boolean;
  eventsUrl: string;
  secrets: Record<string, string>;
}

const empty = (): Draft => ({ name: '', type: 'slack', severities: ['P1', 'P2', 'P3'], escalateTo: '', enabled: true, host: '', port: '587', security: 'starttls', user: '', from: '', to: '', allowSelfSigned: false, eventsUrl: 'https://events.pagerduty.com/v2/enqueue', secrets: {} });

function fromChannel(c: Channel): Draft {
  const k = c.config as Record<string, unknown>;
  return { ...empty(), id: c.id, name: c.name, type: c.type, severities: c.severities, escalateTo: c.escalateTo ?? '', enabled: c.enabled, host: String(k.host ?? ''), port: String(k.port ?? 587), security: (k.security as Draft['security']) ?? 'starttls', user: String(k.user ?? ''), from: String(k.from ?? ''), to: ((k.to as string[]) ?? []).join(', '), allowSelfSigned: Boolean(k.allowSelfSigned), eventsUrl: String(k.eventsUrl ?? empty().eventsUrl) };
}

function configOf(d: Draft) {
  switch (d.type) {
    case 'email':
      return { type: 'email' as const, host: d.host, port: Number(d.port), security: d.security, user: d.user || null, from: d.from, to: d.to.split(/[,\s]+/).filter(Boolean), allowSelfSigned: d.allowSelfSigned };
    case 'pagerduty':
      return { type: 'pagerduty' as const, eventsUrl: d.eventsUrl };
    default:
      return { type: d.type };
  }
}

/** Where alerts go: channels with write-only credentials (OS keychain), severities, escalation, a test button. */
export function AlertChannelsPanel() {
  const channels = useAlerts((s) => s.channels);
  const load = useAlerts((s) => s.load);
  const toast = useApp((s) => s.toast);
  const { draft, setDraft, set, deleting, setDeleting, save: saveDraft } = useRecordEditor<Draft, Channel>();
  // Channels live in the active profile's warehouse: nothing to show (or create) before a profile exists.
  const hasProfile = useApp((s) => s.profiles.length > 0);
  useEffect(() => (hasProfile ? watchAlerts() : undefined), [hasProfile]);

  const save = async () => {
    if (!draft) return;
    const secrets = Object.fromEntries(Object.entries(draft.secrets).filter(([, v]) => v !== ''));
    await saveDraft('Saving the channel', 'Channel', () => ops.alerts.saveChannel({ id: draft.id, name: draft.name, config: configOf(draft), severities: draft.severities, escalateTo: draft.escalateTo || null, enabled: draft.enabled, secrets }), load);
  };
  const test = async (c: Channel) => {
    const r = await attempt(`Testing ${c.name}`, () => ops.alerts.testChannel({ id: c.id }));
    if (r) toast({ title: r.ok ? `${c.name}: test delivered (${r.ms} ms)` : `${c.name}: test failed`, body: r.error ?? undefined, tone: r.ok ? 'healthy' : 'down' });
    await load();
  };
  if (draft?.type === 'desktop' && typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();

  return (
    <section className="panel" aria-label="Alert channels">
      <div className="panel-header">
        <h2>Alert channels</h2>
        <span className="muted">Severity P1–P4 routes an alert to every channel that takes it; credentials go to the OS keychain.</span>
        <div className="spacer" />
        <button className="btn btn-sm" disabled={!hasProfile} onClick={() => setDraft(empty())}>
          New channel
        </button>
      </div>
      <div className="panel-body stack">
        <table className="simple">
          <thead>
            <tr>
              <th>Channel</th>
              <th>Severities</th>
              <th>Escalates to</th>
              <th>Health</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.id} data-channel={c.id}>
                <td>
                  <strong>{c.name}</strong> <span className="faint">{c.type}</span>
                  {!c.deliverable && <div className="faint" style={{ fontSize: 11 }}>{c.type === 'desktop' ? 'shown while a console window is open' : 'credentials missing on this machine'}</div>}
                </td>
                <td>{c.severities.join(' ') || <span className="faint">escalation only</span>}</td>
                <td>{c.escalateTo ?? '—'}</td>
                <td>
                  <StatusBadge status={c.health.status} label={c.health.label} />
                </td>
                <RowActions onEdit={() => setDraft(fromChannel(c))} onRemove={() => setDeleting(c)}>
                  <button className="btn btn-sm" onClick={() => void test(c)}>
                    Send test
                  </button>
                </RowActions>
              </tr>
            ))}
          </tbody>
        </table>
        {draft && (
          <div className="stack panel" style={{ padding: 10 }} aria-label="Channel form">
            <div className="form-grid">
              <Field label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
              <label className="field">
                <span className="muted">Type</span>
                <select className="input" aria-label="Channel type" value={draft.type} disabled={Boolean(draft.id)} onChange={(e) => set({ type: e.target.value as ChannelType, secrets: {} })}>
                  {TYPES.map(([t, label]) => (
                    <option key={t} value={t}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="muted">If undelivered after the escalation delay</span>
                <select className="input" aria-label="Escalate to" value={draft.escalateTo} onChange={(e) => set({ escalateTo: e.target.value })}>
                  <option value="">do not escalate</option>
                  {channels.filter((c) => c.id !== draft.id).map((c) => (
                    <option key={c.id} value={c.id}>
                      escalate to {c.name}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div className="row" role="group" aria-label="Severities">
              <span className="muted">Receives</span>
              {SEVERITIES.map((s) => (
                <label key={s} className="row" style={{ gap: 4 }}>
                  <input type="checkbox" checked={draft.severities.includes(s)} onChange={(e) => set({ severities: e.target.checked ? [...draft.severities, s].sort() : draft.severities.filter((x) => x !== s) })} />
                  {s}
                </label>
              ))}
              <label className="row" style={{ gap: 4, marginLeft: 16 }}>
                <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> enabled
              </label>
            </div>
            {draft.type === 'email' && (
              <div className="form-grid">
                <Field label="SMTP host" value={draft.host} onChange={(e) => set({ host: e.target.value })} />
                <Field label="Port" type="number" value={draft.port} onChange={(e) => set({ port: e.target.value })} />
                <label className="field">
                  <span className="muted">Security</span>
                  <select className="input" aria-label="SMTP security" value={draft.security} onChange={(e) => set({ security: e.target.value as Draft['security'] })}>
                    <option value="starttls">STARTTLS (587)</option>
                    <option value="tls">TLS (465)</option>
                    <option value="none">none (local relay)</option>
                  </select>
                </label>
                <Field label="User" value={draft.user} onChange={(e) => set({ user: e.target.value })} />
                <Field label="From" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
                <Field label="To (comma separated)" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
                <label className="row" style={{ gap: 4 }}>
                  <input type="checkbox" checked={draft.allowSelfSigned} onChange={(e) => set({ allowSelfSigned: e.target.checked })} /> accept a self-signed certificate
                </label>
              </div>
            )}
            {draft.type === 'pagerduty' && <Field label="Events API URL" value={draft.eventsUrl} onChange={(e) => set({ eventsUrl: e.target.value })} />}
            <div className="form-grid">
              {CHANNEL_SECRETS[draft.type].map((s) => (
                <Field
                  key={s.key}
                  label={`${s.label}${draft.id && channels.find((c) => c.id === draft.id)?.secretsSet[s.key] ? ' (stored — type to replace)' : ''}`}
                  type="password"
                  autoComplete="off"
                  value={draft.secrets[s.key] ?? ''}
                  onChange={(e) => set({ secrets: { ...draft.secrets, [s.key]: e.target.value } })}
                />
              ))}
            </div>
            <div className="row" style={{ justifyContent: 'flex-end' }}>
              <FormButtons saveLabel="Save channel" canSave={Boolean(draft.name.trim())} onCancel={() => setDraft(null)} onSave={() => void save()} />
            </div>
          </div>
        )}
        {hasProfile ? <DeliveryPolicy /> : <div className="muted">Create a connection profile first: channels live in its warehouse.</div>}
      </div>
      {deleting && (
        <RemoveDialog title={`Remove ${deleting.name}?`} remove={() => ops.alerts.deleteChannel({ id: deleting.id })} onClose={() => setDeleting(null)} reload={load}>
          <p>Its queued notifications are dropped and its credentials removed from the keychain.</p>
        </RemoveDialog>
      )}
    </section>
  );
}

const POLICY_FIELDS: [keyof AlertPolicy, string, string][] = [
  ['retryBaseSeconds', 'Retry backoff base (s)', 'waits base × attempt (pgGit: 300)'],
  ['maxRetries', 'Retries', 'then failed (and escalated)'],
  ['escalateAfterSeconds', 'Escalate after (s)', 'undelivered this long → next channel'],
  ['circuitFailures', 'Circuit opens after failures', 'consecutive, per channel'],
  ['circuitOpenSeconds', 'Circuit open for (s)', 'then one probe'],
  ['ratePerSecond', 'Rate limit (per s)', 'per channel'],
  ['groupWaitSeconds', 'Group wait (s)', 'alerts of one rule firing together go as one'],
  ['requestTimeoutMs', 'Request timeout (ms)', 'per delivery'],
];

function DeliveryPolicy() {
  const [policy, setPolicy] = useState<AlertPolicy | null>(null);
  useEffect(() => {
    void attempt('Reading the delivery policy', () => ops.alerts.policy()).then((p) => p && setPolicy(p));
  }, []);
  if (!policy) return null;
  return (
    <details>
      <summary className="muted">Delivery timings (shared by every console and worker on this warehouse)</summary>
      <div className="form-grid" style={{ marginTop: 8 }}>
        {POLICY_FIELDS.map(([k, label, hint]) => (
          <Field key={k} label={label} hint={hint} type="number" defaultValue={policy[k]} onBlur={(e) => void attempt('Saving the delivery policy', () => ops.alerts.updatePolicy({ [k]: Number(e.target.value) })).then((p) => p && setPolicy(p))} />
        ))}
      </div>
    </details>
  );
}
