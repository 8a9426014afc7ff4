import { useCallback, useEffect, useState } from 'react';
import type { Status } from '../../../../shared/status.ts';
import { ops } from '../../client/ops.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { formatDuration, relativeTime } from '../../lib/format.ts';
import { useNow } from '../../lib/useNow.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';
import { JobDrawer } from '../jobs/JobDrawer.tsx';

type Fleet = Awaited<ReturnType<typeof ops.workers.list>>;
type Worker = Fleet['workers'][number];
type Queue = Fleet['queues'][number];

const REFRESH_MS = 2000;
/** A heartbeat older than two beats is late; the queue gives up on a worker after 30 s. */
const LATE_S = 20;

export function workerTone(w: Worker): Status {
  if (!w.alive) return 'down';
  return w.heartbeatAgeSeconds > LATE_S ? 'degraded' : 'healthy';
}
const workerLabel = (w: Worker) => (!w.alive ? 'gone' : w.heartbeatAgeSeconds > LATE_S ? 'late' : 'up');

/** Workers on the warehouse queue (every console and `repo-ops worker` joined to it) and queue depth per kind. */
export function WorkersPage() {
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const runs = useJobs((s) => s.runs);
  const now = useNow();
  const [fleet, setFleet] = useState<Fleet | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [openRun, setOpenRun] = useState<string | null>(null);

  const load = useCallback(async () => setFleet(await ops.workers.list()), []);
  useEffect(() => {
    if (!hasProfile) return;
    void attempt('Reading workers', load);
    const t = setInterval(() => void load().catch(() => {}), REFRESH_MS);
    return () => clearInterval(t);
  }, [hasProfile, load]);

  const columns: Column<Worker>[] = [
    { key: 'state', header: 'State', width: 80, render: (w) => <StatusBadge status={workerTone(w)} label={workerLabel(w)} /> },
    { key: 'host', header: 'Host', width: 160, render: (w) => <span className="mono" title={w.id}>{w.host}</span> },
    { key: 'pid', header: 'PID', width: 70, render: (w) => <span className="mono">{w.pid}</span> },
    { key: 'version', header: 'Version', width: 80, render: (w) => w.version },
    { key: 'kinds', header: 'Kinds', width: 220, render: (w) => <span className="muted" title={w.kinds.join(', ')}>{w.kinds.join(', ')}</span> },
    { key: 'concurrency', header: 'At once', width: 70, render: (w) => `${w.concurrency}/kind` },
    {
      key: 'current',
      header: 'Current jobs',
      grow: true,
      minWidth: 220,
      render: (w) =>
        w.currentRuns.length ? (
          <span className="row" style={{ gap: 6 }}>
            {w.currentRuns.map((r) => (
              <button key={r.id} type="button" className="link-button truncate" title={`${r.title}: open its details`} onClick={() => setOpenRun(r.id)}>
                {r.title}
              </button>
            ))}
          </span>
        ) : (
          <span className="faint">idle</span>
        ),
    },
    { key: 'heartbeat', header: 'Heartbeat', width: 100, render: (w) => <span title={w.startedAt}>{w.heartbeatAgeSeconds < 60 ? `${w.heartbeatAgeSeconds} s` : formatDuration(w.heartbeatAgeSeconds)} ago</span> },
    { key: 'started', header: 'Started', width: 110, render: (w) => relativeTime(w.startedAt, now) },
  ];
  const up = fleet?.workers.filter((w) => w.alive) ?? [];
  const gone = (fleet?.workers.length ?? 0) - up.length;
  const queued = fleet?.queues.reduce((n, q) => n + q.queued, 0) ?? 0;
  const lag = fleet?.replication;
  return (
    <div className="page">
      <div className="page-header">
        <h1>Workers</h1>
        <p>
          {up.length} up{gone ? ` · ${gone} gone` : ''} · {queued} queued ·{' '}
          {fleet?.joined ? 'this console is on the warehouse queue' : 'this console runs its jobs itself (embedded warehouse or REPO_OPS_QUEUE=local)'}
          {lag?.p95Ms !== null && lag?.p95Ms !== undefined ? ` · live copies ${lag.p95Ms} ms behind (p95)` : ''}
        </p>
      </div>
      {!hasProfile && <div className="banner banner-info">No connection profile yet: create one in Settings; workers join the queue in its warehouse.</div>}
      <div style={{ height: 260, display: 'flex' }}>
        <VirtualTable
          label="Workers"
          rows={fleet?.workers ?? []}
          columns={columns}
          rowKey={(w) => w.id}
          selected={selected}
          onSelect={setSelected}
          empty={
            <span>
              No worker has joined this warehouse’s queue in the last day. On any machine with the warehouse URL: <span className="mono">repo-ops worker --concurrency 4</span>
            </span>
          }
        />
      </div>
      <section className="panel" aria-label="Queue depth">
        <div className="panel-header">
          <h2>Queue depth per kind</h2>
          <span className="muted">runs sent and not started, and running, on every worker</span>
        </div>
        <div className="panel-body">
          {fleet?.queues.length ? (
            <table className="simple">
              <thead>
                <tr>
                  <th>Kind</th>
                  <th>Queued</th>
                  <th>Running</th>
                  <th>Oldest waiting</th>
                </tr>
              </thead>
              <tbody>
                {fleet.queues.map((q: Queue) => (
                  <tr key={q.kind}>
                    <td className="mono">{q.kind}</td>
                    <td>{q.queued}</td>
                    <td>{q.active}</td>
                    <td>{q.oldestQueuedSeconds === null ? '—' : formatDuration(q.oldestQueuedSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <span className="faint">Nothing queued or running.</span>
          )}
        </div>
      </section>
      <JobDrawer run={openRun ? (runs[openRun] ?? null) : null} onClose={() => setOpenRun(null)} />
    </div>
  );
}
