import { Dialog, RadioGroup } from 'radix-ui';
import { useState } from 'react';
import type { SyncPlan, SyncRequest } from '../../../../shared/contract/repos.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { Modal } from '../../components/Modal.tsx';
import { formatNumber } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';

type Mode = 'incremental' | 'full' | 'range';

/** Choose what to sync, see the dry run's counts and cost, then start the job. */
export function SyncDialog({ repository, open, onOpenChange, onStarted }: { repository: string; open: boolean; onOpenChange(o: boolean): void; onStarted(runId: string): void }) {
  const [mode, setMode] = useState<Mode>('incremental');
  const [days, setDays] = useState('30');
  const [plan, setPlan] = useState<SyncPlan | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useApp((s) => s.toast);
  const request = (): SyncRequest => (mode === 'range' ? { repository, mode: 'range', timeRangeDays: Number(days) } : { repository, mode });

  const dryRun = async () => {
    setBusy(true);
    setPlan((await attempt('Dry run', () => ops.repos.plan(request()))) ?? null);
    setBusy(false);
  };
  const start = async () => {
    setBusy(true);
    const run = await attempt('Starting the sync', () => ops.repos.sync(request()));
    setBusy(false);
    if (!run) return;
    toast({ title: run.attempt > 1 ? `Resuming the interrupted sync of ${repository}` : `Sync of ${repository} started`, tone: 'info' });
    onStarted(run.id);
    onOpenChange(false);
  };

  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`Sync ${repository}`}>
      <RadioGroup.Root className="stack" value={mode} onValueChange={(v) => (setMode(v as Mode), setPlan(null))} aria-label="What to sync">
        {(
          [
            ['incremental', 'Incremental', 'What changed since the last complete run (everything the first time)'],
            ['full', 'Full refresh', 'Everything again, oldest first; old rows are updated in place'],
            ['range', 'Time range', 'Items created in the last N days'],
          ] as const
        ).map(([value, label, hint]) => (
          <label key={value} className="row" style={{ alignItems: 'flex-start', flexWrap: 'nowrap' }}>
            <RadioGroup.Item value={value} className="btn btn-sm" style={{ width: 18, height: 18, padding: 0, borderRadius: 9, justifyContent: 'center' }} aria-label={label}>
              <RadioGroup.Indicator style={{ width: 8, height: 8, borderRadius: 4, background: 'var(--accent)' }} />
            </RadioGroup.Item>
            <span>
              <strong>{label}</strong>
              <div className="faint">{hint}</div>
            </span>
          </label>
        ))}
      </RadioGroup.Root>
      {mode === 'range' && <Field label="Days" type="number" min={1} value={days} onChange={(e) => (setDays(e.target.value), setPlan(null))} />}
      {plan && (
        <div className="panel panel-body" aria-label="Dry run">
          <dl className="kv">
            <dt>Pull requests</dt>
            <dd>{formatNumber(plan.pullRequests)}</dd>
            <dt>Issues</dt>
            <dd>{formatNumber(plan.issues)}</dd>
            <dt>Requests (est.)</dt>
            <dd>{formatNumber(plan.estimatedRequests)}</dd>
            <dt>GraphQL points (est.)</dt>
            <dd>
              {formatNumber(plan.estimatedPoints)} of {plan.rateLimit.graphqlRemaining === null ? '?' : formatNumber(plan.rateLimit.graphqlRemaining)} left
            </dd>
          </dl>
          <p className="faint" style={{ margin: '6px 0 0' }}>
            {plan.note}
          </p>
        </div>
      )}
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <Dialog.Close className="btn">Cancel</Dialog.Close>
        <button className="btn" onClick={() => void dryRun()} disabled={busy}>
          Dry run
        </button>
        <button className="btn btn-primary" onClick={() => void start()} disabled={busy}>
          Start sync
        </button>
      </div>
    </Modal>
  );
}
