import { Link } from 'react-router';
import { needsAttention } from '../../../shared/progress.ts';
import { ops } from '../client/ops.ts';
import { attempt } from '../state/app-store.ts';
import { sortedRuns, useJobs } from '../state/jobs-store.ts';
import { runProgressText } from './ProgressLine.tsx';
import { JobStatusBadge } from './StatusBadge.tsx';
import { LinkedText } from './LinkedText.tsx';

/** Paused and interrupted runs, on the landing page: they wait for the operator, so they are never hidden. */
export function StoppedJobs() {
  const runs = useJobs((s) => s.runs);
  const stopped = sortedRuns(runs).filter(needsAttention);
  if (!stopped.length) return null;
  return (
    <section className="panel" aria-label="Stopped jobs">
      <div className="panel-header">
        <h3>
          {stopped.length} job{stopped.length === 1 ? '' : 's'} waiting to resume
        </h3>
        <div className="spacer" />
        <Link to="/jobs" className="muted">
          All jobs
        </Link>
      </div>
      <div className="panel-body stack">
        {stopped.slice(0, 5).map((r) => (
          <div key={r.id} className="row" style={{ flexWrap: 'nowrap' }} data-run={r.id}>
            <JobStatusBadge status={r.status} />
            <strong className="truncate">{r.title}</strong>
            <span className="muted truncate">{runProgressText(r)}</span>
            <span className="muted truncate">{r.error && <LinkedText text={r.error} />}</span>
            <div className="spacer" />
            <button className="btn btn-sm btn-primary" onClick={() => void attempt('Resume', () => ops.jobs.resume({ runId: r.id }))}>
              Resume
            </button>
          </div>
        ))}
      </div>
    </section>
  );
}
