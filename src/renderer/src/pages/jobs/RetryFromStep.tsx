import { useState } from 'react';
import { STOPPED_STATUSES, type JobRun } from '../../../../shared/contract/jobs.ts';
import { ops } from '../../client/ops.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';

/**
 * Dagster's "retry from a step": a stopped run runs again as a new run with the same parameters,
 * starting at the chosen step; the steps before it take this run's results (shown as reused).
 */
export function RetryFromStep({ run, onOpenRun }: { run: JobRun; onOpenRun?(runId: string): void }) {
  const toast = useApp((s) => s.toast);
  const steps = run.steps.filter((s) => !s.name.includes(':'));
  // The first step that did not finish is where a retry usually wants to start.
  const firstOpen = steps.find((s) => s.status !== 'done' && s.status !== 'reused' && s.status !== 'skipped')?.name;
  const [from, setFrom] = useState(firstOpen ?? steps[0]?.name ?? '');
  if (!STOPPED_STATUSES.includes(run.status) || steps.length < 2) return null;
  const start = async () => {
    const next = await attempt(`Retry from ${from}`, () => ops.jobs.rerun({ runId: run.id, fromStep: from }));
    if (!next) return;
    useJobs.getState().upsert(next);
    toast({ title: `Retrying from "${from}": ${next.title}`, tone: 'healthy' });
    onOpenRun?.(next.id);
  };
  return (
    <section className="stack" aria-label="Retry from a step">
      <h3>Retry from a step</h3>
      <div className="row">
        <label className="muted" htmlFor={`retry-from-${run.id}`}>
          Start a new run with the same parameters at
        </label>
        <select id={`retry-from-${run.id}`} className="input" aria-label="Retry from step" value={from} onChange={(e) => setFrom(e.target.value)} style={{ width: 'auto' }}>
          {steps.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name} ({s.status})
            </option>
          ))}
        </select>
        <button className="btn btn-sm" onClick={() => void start()} disabled={!from}>
          Retry from step
        </button>
      </div>
      <span className="faint">Steps before it are not run again: they reuse this run’s results and show as reused.</span>
    </section>
  );
}

/** "Retry of run 1a2b3c4d from step aggregate", opening that run when the page can. */
export function RetryOrigin({ run, onOpenRun }: { run: JobRun; onOpenRun?(runId: string): void }) {
  if (!run.rerunOf) return null;
  const short = run.rerunOf.runId.slice(0, 8);
  return (
    <div className="muted" data-testid="rerun-of">
      Retry of run{' '}
      {onOpenRun ? (
        <button className="btn-link mono" onClick={() => onOpenRun(run.rerunOf!.runId)}>
          {short}
        </button>
      ) : (
        <span className="mono">{short}</span>
      )}{' '}
      from step <strong>{run.rerunOf.fromStep}</strong>
    </div>
  );
}
