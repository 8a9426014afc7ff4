import { useEffect, useState } from 'react';
import type { Schedule, ScheduleInput } from '../../../../shared/contract/schedules.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { Modal } from '../../components/Modal.tsx';
import { formatTime } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';

const num = (v: string) => (v.trim() === '' ? null : Number(v));

/** Create or edit a schedule: the cron line and zone are checked as you type and the next ticks shown. */
export function ScheduleDialog({ schedule, onClose, onSaved }: { schedule: Schedule | null; onClose(): void; onSaved(s: Schedule): void }) {
  const toast = useApp((s) => s.toast);
  const [kinds, setKinds] = useState<{ kind: string; title: string }[]>([]);
  const [name, setName] = useState(schedule?.name ?? '');
  const [kind, setKind] = useState(schedule?.kind ?? '');
  const [params, setParams] = useState(JSON.stringify(schedule?.params ?? {}, null, 0));
  const [cron, setCron] = useState(schedule?.cron ?? '0 2 * * *');
  const [tz, setTz] = useState(schedule?.tz ?? 'UTC');
  const [policy, setPolicy] = useState<Schedule['concurrencyPolicy']>(schedule?.concurrencyPolicy ?? 'Forbid');
  const [catchUp, setCatchUp] = useState<Schedule['catchUp']>(schedule?.catchUp ?? 'skip');
  const [starting, setStarting] = useState(String(schedule?.startingDeadlineSeconds ?? ''));
  const [active, setActive] = useState(String(schedule?.activeDeadlineSeconds ?? ''));
  const [preview, setPreview] = useState<{ description: string; nextTicks: string[] } | null>(null);
  const [cronError, setCronError] = useState<string | null>(null);
  const [paramsError, setParamsError] = useState<string | null>(null);

  useEffect(() => void ops.jobs.kinds().then(setKinds, () => {}), []);
  useEffect(() => {
    const t = setTimeout(() => {
      ops.schedules.preview({ cron, tz, count: 5 }).then(
        (p) => (setPreview(p), setCronError(null)),
        (e: Error) => (setPreview(null), setCronError(e.message)),
      );
    }, 150);
    return () => clearTimeout(t);
  }, [cron, tz]);

  const save = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params || '{}');
      setParamsError(null);
    } catch {
      setParamsError('Parameters must be a JSON object, e.g. {"staleHours": 24}');
      return;
    }
    const input: ScheduleInput = { name, kind, params: parsed, cron, tz, concurrencyPolicy: policy, catchUp, startingDeadlineSeconds: num(starting), activeDeadlineSeconds: num(active) };
    const saved = await attempt(schedule ? 'Saving the schedule' : 'Creating the schedule', () => (schedule ? ops.schedules.update({ id: schedule.id, patch: input }) : ops.schedules.add(input)));
    if (saved) {
      toast({ title: `Schedule “${saved.name}” saved`, body: saved.description, tone: 'healthy' });
      onSaved(saved);
      onClose();
    }
  };
  return (
    <Modal onOpenChange={(o) => !o && onClose()} title={schedule ? `Edit “${schedule.name}”` : 'New schedule'} style={{ width: 620 }}>
      <div className="form-grid">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <label className="field">
          <span className="muted">Job</span>
          <select className="input" aria-label="Job kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Choose a job…</option>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.title} ({k.kind})
              </option>
            ))}
          </select>
        </label>
        <Field label="Cron (minute hour day-of-month month day-of-week)" className="input mono" value={cron} onChange={(e) => setCron(e.target.value)} error={cronError} hint={preview?.description} />
        <Field label="Time zone" value={tz} onChange={(e) => setTz(e.target.value)} />
        <label className="field">
          <span className="muted">While the previous run still goes</span>
          <select className="input" aria-label="Concurrency policy" value={policy} onChange={(e) => setPolicy(e.target.value as Schedule['concurrencyPolicy'])}>
            <option value="Forbid">Forbid — record the tick as skipped</option>
            <option value="Replace">Replace — cancel it, start anew</option>
            <option value="Allow">Allow — run both</option>
          </select>
        </label>
        <label className="field">
          <span className="muted">Ticks missed while no worker was up</span>
          <select className="input" aria-label="Catch-up" value={catchUp} onChange={(e) => setCatchUp(e.target.value as Schedule['catchUp'])}>
            <option value="skip">Skip them (recorded as missed)</option>
            <option value="run_once">Run once for all of them</option>
          </select>
        </label>
        <Field label="Starting deadline (s)" hint="a tick not started within this is missed (default 120)" inputMode="numeric" value={starting} onChange={(e) => setStarting(e.target.value)} />
        <Field label="Active deadline (s)" hint="a run going longer is cancelled and reported" inputMode="numeric" value={active} onChange={(e) => setActive(e.target.value)} />
      </div>
      <Field label="Parameters (JSON)" className="input mono" value={params} onChange={(e) => setParams(e.target.value)} error={paramsError} />
      <div className="faint" aria-label="Preview of next ticks" style={{ fontSize: 12 }}>
        {preview ? `Next: ${preview.nextTicks.map((t) => formatTime(t)).join(' · ')}` : ''}
      </div>
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button className="btn" onClick={onClose}>
          Cancel
        </button>
        <button className="btn btn-primary" disabled={!name.trim() || !kind || Boolean(cronError)} onClick={() => void save()}>
          {schedule ? 'Save' : 'Create'}
        </button>
      </div>
    </Modal>
  );
}
