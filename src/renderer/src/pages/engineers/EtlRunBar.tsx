import { useEffect, useMemo, useRef } from 'react';
import { ops } from '../../client/ops.ts';
import { runProgressText } from '../../components/ProgressLine.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { relativeTime } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';
import { startJobFeed, useJobs } from '../../state/jobs-store.ts';

const KINDS = ['engineer-lens', 'what-shipped'];

/** The latest ETL run (live), a button to start an incremental one, and a reload when a run finishes. */
export function EtlRunBar({ repository, onFinished }: { repository: string | null; onFinished(): void }) {
  useEffect(() => startJobFeed(), []);
  const runs = useJobs((s) => s.runs);
  const latest = useMemo(() => Object.values(runs).filter((r) => KINDS.includes(r.kind)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0] ?? null, [runs]);
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!latest) return;
    const key = `${latest.id}:${latest.status}`;
    if (seen.current !== null && seen.current !== key && latest.status === 'succeeded') onFinished();
    seen.current = key;
  }, [latest, onFinished]);
  const active = latest && (latest.status === 'running' || latest.status === 'queued');
  return (
    <div className="row" aria-label="ETL run">
      {latest && (
        <span className="muted" title={latest.title} data-testid="etl-last-run">
          <JobStatusBadge status={latest.status} /> {latest.title} · {active ? runProgressText(latest) : relativeTime(latest.finishedAt ?? latest.createdAt)}
        </span>
      )}
      <button className="btn" disabled={Boolean(active)} onClick={() => void attempt('Starting the Engineer Lens', () => ops.etl.engineerLens({ repository }))}>
        Refresh (incremental)
      </button>
    </div>
  );
}
