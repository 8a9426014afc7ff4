import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { RemovalPreview, RepositoryRow } from '../../../../shared/contract/repos.ts';
import { ops } from '../../client/ops.ts';
import { CheckField } from '../../components/CheckField.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { runProgressText } from '../../components/ProgressLine.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { formatNumber, plural, relativeTime } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';
import { ReconciliationBadge } from './ReconciliationBadge.tsx';
import { RepoDetail } from './RepoDetail.tsx';
import { SyncDialog } from './SyncDialog.tsx';
import { WarehouseLine } from './WarehouseLine.tsx';

function ActiveProgress({ runId }: { runId: string | null }) {
  const run = useJobs((s) => (runId ? s.runs[runId] : undefined));
  if (!run || (run.status !== 'running' && run.status !== 'queued')) return <span className="faint">—</span>;
  return (
    <span className="row" style={{ flexWrap: 'nowrap' }}>
      <span style={{ width: 80 }}>
        <ProgressBar done={run.progress.done} total={run.progress.total} label={`${run.title} progress`} moving={run.status === 'running'} />
      </span>
      <span className="muted truncate">{run.status === 'queued' ? 'queued' : runProgressText(run)}</span>
    </span>
  );
}

export function RepositoriesPage() {
  const [repos, setRepos] = useState<RepositoryRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tries, setAttempt] = useState(0);
  const [input, setInput] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [syncing, setSyncing] = useState<RepositoryRow | null>(null);
  const [removing, setRemoving] = useState<RepositoryRow | null>(null);
  const [preview, setPreview] = useState<RemovalPreview | null>(null);
  const [deleteVectors, setDeleteVectors] = useState(true);
  const askRemove = (r: RepositoryRow) => {
    setRemoving(r);
    setPreview(null);
    setDeleteVectors(true);
    void ops.repos.removalPreview({ id: r.id }).then(setPreview, () => {});
  };
  const remove = async (r: RepositoryRow) => {
    const withVectors = deleteVectors && (preview?.vectors?.count ?? 0) > 0;
    const res = await attempt('Removing', () => ops.repos.untrack({ id: r.id, deleteVectors: withVectors }));
    if (res) toast({ title: `Stopped tracking ${r.fullName}`, body: res.vectorsDeleted !== null ? `Deleted its ${plural(res.vectorsDeleted, 'vector')} from Milvus.` : preview?.vectors?.count ? `Its ${plural(preview.vectors.count, 'vector')} stay in Milvus.` : undefined, tone: 'healthy' });
    load();
  };
  const toast = useApp((s) => s.toast);
  const runs = useJobs((s) => s.runs);

  const load = useCallback(() => {
    ops.repos.list().then(
      (r) => (setRepos(r), setError(null)),
      (e: Error) => setError(e.message),
    );
  }, []);
  // Load now, and again whenever a sync finishes (fresh counts and reconciliation).
  const finished = Object.values(runs).filter((r) => r.kind === 'github-sync' && r.finishedAt).length;
  useEffect(load, [finished, load]);

  const track = async () => {
    const r = await attempt('Tracking the repository', () => ops.repos.track({ repository: input }));
    if (!r) return;
    setInput('');
    toast({ title: r.renamedFrom ? `${r.renamedFrom} was renamed to ${r.repository.fullName}; tracking the new name` : `Tracking ${r.repository.fullName}`, tone: 'healthy' });
    load();
    setSelected(r.repository.id);
  };

  const columns: Column<RepositoryRow>[] = [
    { key: 'name', header: 'Repository', width: 220, render: (r) => (r.htmlUrl ? <a href={r.htmlUrl} target="_blank" rel="noreferrer">{r.fullName}</a> : r.fullName) },
    { key: 'prs', header: 'PRs', width: 70, render: (r) => formatNumber(r.counts.pullRequests) },
    { key: 'issues', header: 'Issues', width: 70, render: (r) => formatNumber(r.counts.issues) },
    { key: 'reviews', header: 'Reviews', width: 75, render: (r) => formatNumber(r.counts.reviews) },
    { key: 'comments', header: 'Comments', width: 100, render: (r) => formatNumber(r.counts.comments) },
    { key: 'people', header: 'People', width: 70, render: (r) => formatNumber(r.counts.contributors) },
    { key: 'last', header: 'Last sync', width: 100, render: (r) => <span title={r.lastSyncedAt ?? ''}>{relativeTime(r.lastSyncedAt)}</span> },
    { key: 'rec', header: 'Reconciliation', grow: true, render: (r) => <ReconciliationBadge reconciliation={r.lastRun?.reconciliation ?? null} /> },
    { key: 'active', header: 'Running', width: 170, render: (r) => <ActiveProgress runId={r.activeRunId} /> },
    {
      key: 'actions',
      header: '',
      width: 150,
      render: (r) => (
        <span className="row" style={{ flexWrap: 'nowrap' }}>
          <button className="btn btn-sm" onClick={() => setSyncing(r)} aria-label={`Sync ${r.fullName}`}>
            Sync…
          </button>
          <button className="btn btn-sm btn-ghost" onClick={() => askRemove(r)} aria-label={`Stop tracking ${r.fullName}`}>
            Remove
          </button>
        </span>
      ),
    },
  ];
  const current = repos?.find((r) => r.id === selected) ?? null;
  return (
    <div className="page">
      <div className="page-header">
        <h1>Repositories</h1>
        <WarehouseLine key={tries} />
      </div>
      {error && (
        // The reason is on the warehouse line above: said once, with what to do about it.
        <div className="banner banner-down row" role="alert" aria-label="Repositories unavailable">
          <span>Repositories cannot be listed until the warehouse answers.</span>
          <button className="btn btn-sm" onClick={() => (setAttempt((n) => n + 1), load())}>
            Retry
          </button>
          <Link to="/settings">Check the Postgres URL in Settings → Secrets</Link>
        </div>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void track();
        }}
      >
        <input className="input" data-page-search aria-label="Repository to track" placeholder="owner/name or a GitHub URL" value={input} onChange={(e) => setInput(e.target.value)} style={{ width: 320 }} />
        <button className="btn btn-primary" type="submit" disabled={!input.trim()}>
          Track
        </button>
      </form>
      <div style={{ height: Math.max(160, Math.min(420, 40 + (repos?.length ?? 0) * 28)), display: 'flex', flexShrink: 0 }}>
        <VirtualTable label="Tracked repositories" rows={repos ?? []} columns={columns} rowKey={(r) => r.id} selected={selected} onSelect={setSelected} onOpen={(r) => setSyncing(r)} empty={error ? 'The warehouse is unavailable.' : repos ? 'No repository tracked yet: enter owner/name above.' : 'Loading…'} />
      </div>
      {current && <RepoDetail repo={current} />}
      {syncing && <SyncDialog repository={syncing.fullName} open onOpenChange={(o) => !o && setSyncing(null)} onStarted={() => (setSelected(syncing.id), load())} />}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(o) => !o && setRemoving(null)}
        title={`Stop tracking ${removing?.fullName}?`}
        confirmLabel="Remove and delete its rows"
        danger
        onConfirm={() => void remove(removing!)}
      >
        <p>
          This deletes the repository and its {formatNumber(removing?.counts.pullRequests)} pull requests, {formatNumber(removing?.counts.issues)} issues, reviews, comments and files from the warehouse
          (<code>DELETE FROM repositories WHERE id = …</code>, cascading). Contributors stay.
        </p>
        <div className="banner banner-info" aria-label="Vectors in Milvus">
          {!preview ? (
            <span className="muted">Counting its vectors in Milvus…</span>
          ) : preview.vectors ? (
            preview.vectors.count > 0 ? (
              <div className="stack">
                <CheckField label={`Also delete its ${plural(preview.vectors.count, 'vector')} from Milvus collection ${preview.vectors.collection}`} checked={deleteVectors} onChange={setDeleteVectors} />
                <span className="muted">{deleteVectors ? `repository == "${preview.repository}" is deleted from ${preview.vectors.collection} first; search stops returning it.` : 'Left in Milvus, search keeps returning them; verification will flag them as orphaned.'}</span>
              </div>
            ) : (
              <span>No vectors of {preview.repository} in Milvus collection {preview.vectors.collection}.</span>
            )
          ) : (
            <span>Milvus could not be asked ({preview.vectorsError}): its vectors, if any, stay; verification flags them later, and <code>repo-ops milvus delete-orphans</code> removes them.</span>
          )}
        </div>
      </ConfirmDialog>
    </div>
  );
}
