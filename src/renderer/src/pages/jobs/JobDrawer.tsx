import { Dialog } from 'radix-ui';
import type { JobRun } from '../../../../shared/contract/jobs.ts';
import { ops } from '../../client/ops.ts';
import { figures, type SubProgress } from '../../../../shared/progress.ts';
import { CancelRunButton } from '../../components/CancelRunButton.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { progressText, runProgressText } from '../../components/ProgressLine.tsx';
import { RunLogTail } from '../../components/RunLogTail.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { formatDuration, formatTime, humanKey, readable } from '../../lib/format.ts';
import { useNow } from '../../lib/useNow.ts';
import { attempt } from '../../state/app-store.ts';
import { BackfillSummary } from './BackfillSummary.tsx';
import { RetryFromStep, RetryOrigin } from './RetryFromStep.tsx';
import { RunTimeline } from './RunTimeline.tsx';
import { LinkedText } from '../../components/LinkedText.tsx';

export function JobDrawer({ run, onClose, onOpenRun }: { run: JobRun | null; onClose(): void; onOpenRun?(runId: string): void }) {
  return (
    <Dialog.Root open={run !== null} onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="drawer" aria-describedby={undefined}>{run && <JobDetail run={run} onClose={onClose} onOpenRun={onOpenRun} />}</Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function JobDetail({ run, onClose, onOpenRun }: { run: JobRun; onClose(): void; onOpenRun?(runId: string): void }) {
  const now = useNow();
  const p = run.progress;
  const active = run.status === 'running' || run.status === 'queued';
  const subs = (p.extra.steps ?? null) as Record<string, SubProgress> | null;
  return (
    <>
      <div className="row">
        <Dialog.Title asChild>
          <h2>{run.title}</h2>
        </Dialog.Title>
        <JobStatusBadge status={run.status} />
        <div className="spacer" />
        {run.status === 'running' && (
          <button className="btn" onClick={() => void attempt('Pause', () => ops.jobs.pause({ runId: run.id }))}>
            Pause
          </button>
        )}
        {active && <CancelRunButton run={run} />}
        {run.resumable && (
          <button className="btn btn-primary" onClick={() => void attempt('Resume', () => ops.jobs.resume({ runId: run.id }))}>
            Resume
          </button>
        )}
        <Dialog.Close className="btn btn-ghost" aria-label="Close">
          ✕
        </Dialog.Close>
      </div>
      <RetryOrigin run={run} onOpenRun={onOpenRun} />
      {run.error && (
        <div className={`banner ${run.status === 'failed' ? 'banner-down' : 'banner-degraded'}`}>
          <LinkedText text={run.error} />
        </div>
      )}
      <div className="stack">
        <ProgressBar done={p.done} total={run.status === 'succeeded' ? (p.total ?? p.done) : p.total} label={`${run.title} progress`} moving={run.status === 'running'} />
        <div className="row muted">
          <span data-testid="run-progress">{runProgressText(run)}</span>
          {p.message && <span>· {p.message}</span>}
        </div>
      </div>
      <dl className="kv">
        <dt>Run id</dt>
        <dd className="mono">{run.id}</dd>
        <dt>Kind</dt>
        <dd>{run.kind}</dd>
        <dt>Attempt</dt>
        <dd>{run.attempt}</dd>
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(run.finishedAt)}</dd>
        {Object.entries(p.extra).filter(([k, v]) => k !== 'steps' && k !== 'currentStep' && v !== null && v !== undefined).map(([k, v]) => (
          <Extra key={k} k={k} v={v} />
        ))}
      </dl>
      {run.steps.length > 0 && (
        <section className="stack">
          <h3>Steps</h3>
          <table className="simple">
            <thead>
              <tr>
                <th>Step</th>
                <th>Status</th>
                <th>Progress</th>
                <th>Duration</th>
                <th>Last checkpoint</th>
              </tr>
            </thead>
            <tbody>
              {run.steps.map((s) => {
                const live = subs?.[s.name];
                return (
                  <tr key={s.name} data-step={s.name} data-state={s.status}>
                    <td style={s.name.includes(':') ? { paddingLeft: 20 } : undefined}>{s.name.includes(':') ? s.name.slice(s.name.indexOf(':') + 1) : s.name}</td>
                    <td>{s.status}</td>
                    <td className="muted">{live && live.state !== 'skipped' && live.state !== 'pending' && (live.total !== null || live.done > 0) ? progressText(figures(live, run.status === 'running' && live.state === 'running')) : ''}</td>
                    <td>{s.startedAt ? formatDuration(((s.finishedAt ? Date.parse(s.finishedAt) : run.status === 'running' ? now : Date.parse(run.finishedAt ?? s.startedAt)) - Date.parse(s.startedAt)) / 1000) : '—'}</td>
                    <td>{formatTime(s.checkpointAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
      <RetryFromStep key={run.id} run={run} onOpenRun={onOpenRun} />
      <RunTimeline run={run} now={now} />
      {run.kind === 'backfill' && <BackfillSummary run={run} onClose={onClose} />}
      <section className="stack">
        <h3>Parameters</h3>
        <Figures label="Parameters" v={run.params} />
      </section>
      {run.result !== null && run.result !== undefined && (
        <section className="stack">
          <h3>Result</h3>
          <Figures label="Result" v={run.result} />
        </section>
      )}
      <section className="stack">
        <h3>Log</h3>
        <RunLogTail runId={run.id} />
      </section>
    </>
  );
}

/** A figure the job reports, readable: numbers grouped, objects as "key: value" pairs, never a JSON blob. */
function Extra({ k, v }: { k: string; v: unknown }) {
  return (
    <>
      <dt>{humanKey(k)}</dt>
      <dd>{readable(v)}</dd>
    </>
  );
}

/** Parameters or a result as "key: value" rows (nested objects readable on one line), not a JSON blob. */
function Figures({ label, v }: { label: string; v: unknown }) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return <div aria-label={label}>{readable(v)}</div>;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (!entries.length) return <span className="faint" aria-label={label}>none</span>;
  return (
    <dl className="kv" aria-label={label}>
      {entries.map(([k, x]) => (
        <Extra key={k} k={k} v={x} />
      ))}
    </dl>
  );
}
