import { useCallback, useEffect, useState } from 'react';
import type { PresetInfo, Schedule, Tick } from '../../../../shared/contract/schedules.ts';
import type { Status } from '../../../../shared/status.ts';
import { ops } from '../../client/ops.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { formatTime, relativeTime } from '../../lib/format.ts';
import { useNow } from '../../lib/useNow.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';
import { JobDrawer } from '../jobs/JobDrawer.tsx';
import { ScheduleDialog } from './ScheduleDialog.tsx';

const REFRESH_MS = 2000;

/** One palette: a tick that ran is healthy unless its run failed; skipped/missed are degraded; a failed start is down. */
export function tickTone(t: Tick): Status {
  if (t.status === 'failed' || t.deadlineExceeded || t.runStatus === 'failed') return 'down';
  if (t.status === 'skipped' || t.status === 'missed' || t.runStatus === 'incomplete' || t.runStatus === 'cancelled') return 'degraded';
  if (t.runStatus === 'succeeded') return 'healthy';
  return 'unknown';
}
const tickLabel = (t: Tick) => (t.deadlineExceeded ? 'deadline exceeded' : t.status === 'requested' ? (t.runStatus ?? 'requested') : t.status);

export function SchedulesPage() {
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const toast = useApp((s) => s.toast);
  const runs = useJobs((s) => s.runs);
  const now = useNow();
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const [presets, setPresets] = useState<PresetInfo[]>([]);
  const [history, setHistory] = useState<Tick[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [openRun, setOpenRun] = useState<string | null>(null);
  const current = schedules.find((s) => s.id === selected) ?? null;

  const load = useCallback(async () => {
    const [list, pre] = await Promise.all([ops.schedules.list(), ops.schedules.presets()]);
    setSchedules(list);
    setPresets(pre);
  }, []);
  useEffect(() => {
    if (!hasProfile) return;
    void attempt('Reading schedules', load);
    const t = setInterval(() => void load().catch(() => {}), REFRESH_MS);
    return () => clearInterval(t);
  }, [hasProfile, load]);
  useEffect(() => {
    if (!selected) return;
    const read = () => void ops.schedules.history({ id: selected, limit: 200 }).then(setHistory, () => {});
    read();
    const t = setInterval(read, REFRESH_MS);
    return () => clearInterval(t);
  }, [selected, schedules]);

  const act = async (what: string, fn: () => Promise<unknown>, done?: string) => {
    if ((await attempt(what, fn)) !== undefined) {
      if (done) toast({ title: done, tone: 'info' });
      await load();
    }
  };
  const apply = (p: PresetInfo) => act(`Applying ${p.title}`, () => ops.schedules.applyPreset({ presetId: p.id }).then((s) => setSelected(s.id)), `Schedule “${p.title}” created`);
  const runNow = (s: Schedule) =>
    act(`Running ${s.name}`, async () => {
      const r = await ops.schedules.runNow({ id: s.id });
      toast({ title: r.run ? `${s.name}: run started` : `${s.name}: not started`, body: r.tick.reason ?? undefined, tone: r.run ? 'info' : 'degraded' });
    });

  const columns: Column<Schedule>[] = [
    { key: 'state', header: 'State', width: 90, render: (s) => <StatusBadge status={s.enabled ? 'healthy' : 'unknown'} label={s.enabled ? 'enabled' : 'paused'} /> },
    { key: 'name', header: 'Schedule', grow: true, render: (s) => s.name },
    { key: 'kind', header: 'Job', width: 150, render: (s) => <span className="mono">{s.kind}</span> },
    { key: 'when', header: 'When', width: 250, render: (s) => <span title={`${s.cron} (${s.tz})`}>{s.description}</span> },
    { key: 'policy', header: 'Policy', width: 70, render: (s) => s.concurrencyPolicy },
    { key: 'next', header: 'Next', width: 110, render: (s) => <span title={s.nextTicks[0] ?? ''}>{s.nextTicks[0] ? relativeTime(s.nextTicks[0], now) : '—'}</span> },
    { key: 'last', header: 'Last tick', width: 200, render: (s) => (s.lastTick ? <span title={s.lastTick.reason ?? ''}><StatusBadge status={tickTone(s.lastTick)} label={tickLabel(s.lastTick)} /> {relativeTime(s.lastTick.scheduledFor, now)}</span> : <span className="faint">never</span>) },
  ];
  const tickColumns: Column<Tick>[] = [
    { key: 'at', header: 'Tick', width: 170, render: (t) => formatTime(t.scheduledFor) },
    { key: 'trigger', header: 'Trigger', width: 80, render: (t) => t.trigger.replace('_', '-') },
    { key: 'status', header: 'Outcome', width: 160, render: (t) => <StatusBadge status={tickTone(t)} label={tickLabel(t)} /> },
    { key: 'run', header: 'Run', width: 100, render: (t) => (t.runId ? <button className="btn btn-sm mono" onClick={() => setOpenRun(t.runId)} aria-label={`Open run ${t.runId}`}>{t.runId.slice(0, 8)}</button> : '—') },
    { key: 'by', header: 'Decided by', width: 150, render: (t) => <span className="faint">{t.decidedBy}</span> },
    { key: 'reason', header: 'Reason', grow: true, render: (t) => <span className="muted" title={t.reason ?? ''}>{t.reason ?? ''}</span> },
  ];
  const enabled = schedules.filter((s) => s.enabled);
  const next = enabled.flatMap((s) => s.nextTicks.slice(0, 1).map((at) => ({ at, s }))).sort((a, b) => a.at.localeCompare(b.at))[0];
  const openPresets = presets.filter((p) => !p.applied);
  return (
    <div className="page">
      <div className="page-header">
        <h1>Schedules</h1>
        <p>
          {schedules.length} schedules · {enabled.length} enabled{next ? ` · next: ${next.s.name} ${relativeTime(next.at, now)}` : ''}
        </p>
        <div className="spacer" />
        <button className="btn" onClick={() => setEditing('new')} disabled={!hasProfile}>
          New schedule…
        </button>
        <button className="btn" disabled={!current} onClick={() => current && setEditing(current)}>
          Edit…
        </button>
        <button className="btn" disabled={!current} onClick={() => current && void act(current.enabled ? 'Pausing' : 'Resuming', () => ops.schedules.setEnabled({ id: current.id, enabled: !current.enabled }))}>
          {current?.enabled === false ? 'Resume' : 'Pause'}
        </button>
        <button className="btn btn-primary" disabled={!current} onClick={() => current && void runNow(current)}>
          Run now
        </button>
      </div>
      {!hasProfile && <div className="banner banner-info">No connection profile yet: create one in Settings; schedules live in its warehouse and run on every console and worker connected to it.</div>}
      <div style={{ height: 240, display: 'flex' }}>
        <VirtualTable label="Schedules" rows={schedules} columns={columns} rowKey={(s) => s.id} selected={selected} onSelect={setSelected} onOpen={(s) => setEditing(s)} empty="No schedules yet: apply a preset below (the runbooks’ cron lines) or create one." />
      </div>
      {current && (
        <section className="panel" aria-label="Schedule detail">
          <div className="panel-header">
            <h2>{current.name}</h2>
            <span className="mono faint">
              {current.cron} · {current.tz} · {current.concurrencyPolicy} · catch-up {current.catchUp.replace('_', ' ')}
              {current.startingDeadlineSeconds ? ` · starting deadline ${current.startingDeadlineSeconds} s` : ''}
              {current.activeDeadlineSeconds ? ` · active deadline ${current.activeDeadlineSeconds} s` : ''}
            </span>
            <div className="spacer" />
            <button className="btn btn-sm" onClick={() => void act('Removing', () => ops.schedules.remove({ id: current.id }).then(() => setSelected(null)), `Schedule “${current.name}” removed`)}>
              Remove
            </button>
          </div>
          <div className="panel-body">
            <div className="row faint" aria-label="Next ticks">
              Next: {current.nextTicks.length ? current.nextTicks.map((t) => formatTime(t)).join(' · ') : 'paused'}
            </div>
            {current.source && <div className="faint" style={{ fontSize: 11 }}>Replaces: {current.source}</div>}
          </div>
        </section>
      )}
      {current && (
        <div className="page-fill" style={{ minHeight: 180 }}>
          <VirtualTable label="Tick history" rows={history.filter((t) => t.scheduleId === current.id)} columns={tickColumns} rowKey={(t) => `${t.scheduledFor}`} empty="No ticks yet." />
        </div>
      )}
      <section className="panel" aria-label="Presets">
        <div className="panel-header">
          <h2>Presets from the runbooks</h2>
          <span className="muted">{openPresets.length} not applied · applied ones stay editable above</span>
        </div>
        <div className="panel-body">
          <table className="simple">
            <tbody>
              {presets.map((p) => (
                <tr key={p.id}>
                  <td>{p.title}</td>
                  <td className="mono">{p.kind}</td>
                  <td title={p.cron}>{p.description}</td>
                  <td className="faint" style={{ maxWidth: 380, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={p.source}>
                    {p.source}
                  </td>
                  <td>
                    {p.applied ? (
                      <span className="faint">applied</span>
                    ) : (
                      <button className="btn btn-sm" aria-label={`Apply ${p.title}`} onClick={() => void apply(p)}>
                        Apply
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {editing && <ScheduleDialog schedule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={(s) => (setSelected(s.id), void load())} />}
      <JobDrawer run={openRun ? (runs[openRun] ?? null) : null} onClose={() => setOpenRun(null)} />
    </div>
  );
}
