import { ToggleGroup } from 'radix-ui';
import { useEffect, useState } from 'react';
import type { Alert, Channel, Delivery } from '../../../../shared/contract/alerts.ts';
import type { Status } from '../../../../shared/status.ts';
import { ops } from '../../client/ops.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { relativeTime } from '../../lib/format.ts';
import { useAlerts, watchAlerts } from '../../state/alerts-store.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { SilenceDialog } from './SilenceDialog.tsx';

const SEV_TONE: Record<string, Status> = { P1: 'down', P2: 'down', P3: 'degraded', P4: 'unknown' };
export const stateTone = (a: Alert): Status => (a.state === 'resolved' ? 'healthy' : a.state === 'pending' ? 'unknown' : SEV_TONE[a.severity]!);
const deliveryTone: Record<Delivery['status'], Status> = { delivered: 'healthy', pending: 'unknown', retrying: 'degraded', failed: 'down' };

export function AlertsPage() {
  const { alerts, channels, deliveries, silences, showAll, setShowAll, load } = useAlerts();
  const toast = useApp((s) => s.toast);
  const [selected, setSelected] = useState<string | null>(null);
  const [silencing, setSilencing] = useState<Alert | null>(null);
  // Alerts live in the active profile's warehouse: before a profile exists there is nothing to read.
  const hasProfile = useApp((s) => s.profiles.length > 0);
  useEffect(() => (hasProfile ? watchAlerts() : undefined), [hasProfile]);
  const current = alerts.find((a) => String(a.id) === selected);

  const ack = async (a: Alert) => {
    if (await attempt('Acknowledging', () => ops.alerts.acknowledge({ id: a.id }))) {
      toast({ title: `Acknowledged: ${a.ruleName}`, tone: 'healthy' });
      await load();
    }
  };
  const columns: Column<Alert>[] = [
    { key: 'sev', header: 'Sev', width: 48, render: (a) => <strong className={`lvl ${a.severity <= 'P2' ? 'lvl-error' : a.severity === 'P3' ? 'lvl-warn' : 'lvl-info'}`}>{a.severity}</strong> },
    { key: 'state', header: 'State', width: 150, render: (a) => <StatusBadge status={stateTone(a)} label={a.silencedBy ? `${a.state} · silenced` : a.acknowledgedAt ? `${a.state} · acked` : a.state} /> },
    { key: 'rule', header: 'Rule', width: 220, render: (a) => a.ruleName },
    { key: 'labels', header: 'Labels', width: 260, render: (a) => <span className="mono">{Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' ')}</span> },
    { key: 'summary', header: 'Summary', grow: true, render: (a) => <span className="muted">{a.summary}</span> },
    { key: 'since', header: 'Since', width: 100, render: (a) => <span title={a.firedAt ?? a.pendingSince ?? ''}>{relativeTime(a.firedAt ?? a.pendingSince ?? a.lastSeenAt)}</span> },
    { key: 'sent', header: 'Sent', width: 50, render: (a) => a.notifications },
  ];
  const deliveryColumns: Column<Delivery>[] = [
    { key: 'status', header: 'Status', width: 100, render: (d) => <StatusBadge status={deliveryTone[d.status]} label={d.status} /> },
    { key: 'channel', header: 'Channel', width: 130, render: (d) => d.channelId },
    { key: 'title', header: 'Notification', grow: true, render: (d) => (d.escalatedFrom ? `↑ escalated: ${d.title}` : d.title) },
    { key: 'attempts', header: 'Tries', width: 50, render: (d) => d.attempts },
    { key: 'code', header: 'Answer', width: 90, render: (d) => (d.responseCode ?? (d.lastError ? 'error' : '—')) + (d.responseMs !== null ? ` · ${d.responseMs} ms` : '') },
    { key: 'when', header: 'When', width: 110, render: (d) => relativeTime(d.deliveredAt ?? d.nextAttemptAt ?? d.createdAt) },
    { key: 'error', header: 'Last error', width: 260, render: (d) => <span className="muted" title={d.lastError ?? ''}>{d.lastError ?? ''}</span> },
  ];
  const open = alerts.filter((a) => a.state !== 'resolved');
  return (
    <div className="page">
      <div className="page-header">
        <h1>Alerts</h1>
        <p>
          {open.filter((a) => a.state === 'firing').length} firing · {open.filter((a) => a.state === 'pending').length} pending · {silences.filter((s) => s.active).length} silences
        </p>
        <div className="spacer" />
        <ToggleGroup.Root type="single" className="toggle-group" aria-label="Which alerts" value={showAll ? 'all' : 'open'} onValueChange={(v) => v && setShowAll(v === 'all')}>
          <ToggleGroup.Item value="open">Open</ToggleGroup.Item>
          <ToggleGroup.Item value="all">History</ToggleGroup.Item>
        </ToggleGroup.Root>
        <button className="btn" disabled={!current || current.state === 'resolved'} onClick={() => current && setSilencing(current)}>
          Silence…
        </button>
        <button className="btn btn-primary" disabled={!current || current.state !== 'firing' || Boolean(current.acknowledgedAt)} onClick={() => current && void ack(current)}>
          Acknowledge
        </button>
      </div>
      <section aria-label="Channel health" className="row" style={{ alignItems: 'stretch' }}>
        {channels.map((c) => (
          <ChannelChip key={c.id} c={c} />
        ))}
        {!channels.length && <div className="banner banner-info">{hasProfile ? 'No channels yet: add Slack, a webhook, e-mail or PagerDuty in Settings → Alert channels.' : 'No connection profile yet: create one in Settings; alerts live in its warehouse.'}</div>}
      </section>
      <div style={{ height: 260, display: 'flex' }}>
        <VirtualTable label="Alerts" rows={alerts} columns={columns} rowKey={(a) => String(a.id)} selected={selected} onSelect={setSelected} empty="Nothing firing. Rules watch health, jobs, budgets, secret rotation and GitHub limits." />
      </div>
      {silences.some((s) => s.active) && (
        <section className="panel" aria-label="Silences">
          <div className="panel-header">
            <h2>Silences</h2>
          </div>
          <div className="panel-body">
            <table className="simple">
              <tbody>
                {silences.filter((s) => s.active).map((s) => (
                  <tr key={s.id}>
                    <td className="mono">{Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`).join(' ')}</td>
                    <td>until {new Date(s.endsAt).toLocaleString()}</td>
                    <td className="muted">{s.comment} — {s.createdBy}</td>
                    <td>
                      <button className="btn btn-sm" onClick={() => void attempt('Ending the silence', () => ops.alerts.expireSilence({ id: s.id })).then(load)}>
                        End now
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <div className="row">
        <h2>Deliveries</h2>
        <span className="muted">the outbox: every notification and channel, delivered once</span>
        <div className="spacer" />
        <button className="btn btn-sm" disabled={!deliveries.some((d) => d.status === 'failed')} onClick={() => void attempt('Retrying', () => ops.alerts.retryFailed({})).then((r) => r && toast({ title: `${r.requeued} deliveries queued again`, tone: 'info' }))}>
          Retry failed
        </button>
      </div>
      <div className="page-fill" style={{ minHeight: 220 }}>
        <VirtualTable label="Deliveries" rows={deliveries} columns={deliveryColumns} rowKey={(d) => String(d.id)} empty="No notifications sent yet." />
      </div>
      {silencing && <SilenceDialog alert={silencing} onClose={() => setSilencing(null)} onDone={() => void load()} />}
    </div>
  );
}

function ChannelChip({ c }: { c: Channel }) {
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const test = async () => {
    setBusy(true);
    const r = await attempt(`Testing ${c.name}`, () => ops.alerts.testChannel({ id: c.id }));
    setBusy(false);
    if (r) toast({ title: r.ok ? `${c.name}: test delivered in ${r.ms} ms` : `${c.name}: test failed`, body: r.error ?? undefined, tone: r.ok ? 'healthy' : 'down' });
    void useAlerts.getState().load();
  };
  return (
    <section className="panel" aria-label={`${c.name} channel`} style={{ padding: '6px 10px', minWidth: 200 }}>
      <div className="row" style={{ flexWrap: 'nowrap' }}>
        <strong>{c.name}</strong>
        <span className="faint">{c.type}</span>
        <div className="spacer" />
        <StatusBadge status={c.health.status} label={c.health.label} />
      </div>
      <div className="faint" style={{ fontSize: 11 }}>
        {c.severities.join(' ') || 'escalation only'} · {c.health.pending + c.health.retrying} queued · {c.health.delivered24h} sent / {c.health.failed24h} failed in 24 h
      </div>
      {c.health.lastError && c.health.status !== 'healthy' && (
        <div className="faint" style={{ fontSize: 11, maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={c.health.lastError}>
          {c.health.lastError}
        </div>
      )}
      <button className="btn btn-sm" style={{ marginTop: 4 }} disabled={busy} onClick={() => void test()}>
        {busy ? 'Sending…' : 'Send test'}
      </button>
    </section>
  );
}
