import { useEffect, useState } from 'react';
import type { RepositoryRow, SyncRunSummary } from '../../../../shared/contract/repos.ts';
import { ops } from '../../client/ops.ts';
import { figures } from '../../../../shared/progress.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { progressText } from '../../components/ProgressLine.tsx';
import { RunLogTail } from '../../components/RunLogTail.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDuration, formatNumber, formatTime, plural, relativeTime } from '../../lib/format.ts';
import { useJobs } from '../../state/jobs-store.ts';
import { ReconciliationBadge } from './ReconciliationBadge.tsx';

export function RepoDetail({ repo }: { repo: RepositoryRow }) {
  const [runs, setRuns] = useState<SyncRunSummary[]>([]);
  const active = useJobs((s) => (repo.activeRunId ? s.runs[repo.activeRunId] : undefined));
  const finishedAt = active?.finishedAt;
  useEffect(() => {
    void ops.repos.runs({ id: repo.id, limit: 20 }).then(setRuns);
  }, [repo.id, repo.lastRun?.id, finishedAt]);
  const x = active?.progress.extra ?? {};
  return (
    <section className="panel" aria-label={`${repo.fullName} details`}>
      <div className="panel-header">
        <h2>{repo.fullName}</h2>
        {repo.previousNames.length > 0 && <span className="faint">formerly {repo.previousNames.join(', ')}</span>}
      </div>
      <div className="panel-body stack">
        {active && (active.status === 'running' || active.status === 'queued') && (
          <div className="stack" aria-label="Live sync">
            <div className="row">
              <strong>{active.title}</strong>
              <span className="muted">{active.progress.message}</span>
            </div>
            <ProgressBar done={active.progress.done} total={active.progress.total} label="Sync progress" moving={active.status === 'running'} />
            <div className="row muted">
              <span>{progressText(figures(active.progress, active.status === 'running'))}</span>
              <span>· {plural(x.requests as number, 'request')}</span>
              <span>· {formatNumber(x.graphqlPoints as number)} points</span>
              {x.rateRemaining !== null && x.rateRemaining !== undefined && (
                <span>
                  · rate limit {formatNumber(x.rateRemaining as number)} left, resets {relativeTime(x.rateResetAt as string)}
                </span>
              )}
            </div>
            <RunLogTail runId={active.id} lines={8} />
          </div>
        )}
        <table className="simple" aria-label="Sync runs">
          <thead>
            <tr>
              <th>Started</th>
              <th>Mode</th>
              <th>Status</th>
              <th>Duration</th>
              <th>Requests</th>
              <th>Points</th>
              <th>Rows</th>
              <th>Reconciliation</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td title={r.startedAt}>{formatTime(r.startedAt)}</td>
                <td>{r.mode}</td>
                <td>
                  <StatusBadge status={r.status === 'succeeded' ? 'healthy' : r.status === 'failed' ? 'down' : r.status === 'running' ? 'unknown' : 'degraded'} label={r.status} />
                  {r.error && <div className="faint" style={{ maxWidth: 360 }}>{r.error}</div>}
                </td>
                <td>{r.finishedAt ? formatDuration((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000) : '—'}</td>
                <td>{formatNumber(r.requests)}</td>
                <td>{formatNumber(r.graphqlPoints)}</td>
                <td>{formatNumber(r.rowsWritten)}</td>
                <td>
                  <ReconciliationBadge reconciliation={r.reconciliation} />
                </td>
              </tr>
            ))}
            {!runs.length && (
              <tr>
                <td colSpan={8} className="faint">
                  Never synced
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
