import { useCallback, useEffect, useState } from 'react';
import { ops } from '../../client/ops.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatNumber } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';

type Info = Awaited<ReturnType<typeof ops.vectors.collections>>;

/** The Milvus side: server, collections, schema, entity counts, index and load state. */
export function CollectionsPanel() {
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'recreate' | 'reload' | null>(null);
  const toast = useApp((s) => s.toast);
  const finished = useJobs((s) => Object.values(s.runs).filter((r) => ['embed', 'milvus-reload', 'milvus-recreate'].includes(r.kind) && r.finishedAt).length);
  const load = useCallback(() => {
    ops.vectors.collections().then(
      (i) => (setInfo(i), setError(null)),
      (e: Error) => setError(e.message),
    );
  }, []);
  useEffect(load, [load, finished]);
  const active = info?.collections.find((c) => c.name === info.active);
  return (
    <section className="panel" aria-label="Milvus collections">
      <div className="panel-header">
        <h2>Milvus</h2>
        {info && (
          <span className="muted">
            {info.version} at {info.server}
          </span>
        )}
        <div className="spacer" />
        <button className="btn btn-sm" onClick={load}>
          Refresh
        </button>
        <button className="btn btn-sm" onClick={() => setConfirm('reload')} disabled={!info}>
          Reload from warehouse…
        </button>
        <button className="btn btn-sm btn-danger" onClick={() => setConfirm('recreate')} disabled={!info}>
          Recreate…
        </button>
      </div>
      <div className="panel-body stack">
        {error && <div className="banner banner-down">{error}</div>}
        {info && (
          <table className="simple" aria-label="Collections">
            <thead>
              <tr>
                <th>Collection</th>
                <th>Entities</th>
                <th>Dimension</th>
                <th>Metric</th>
                <th>Index</th>
                <th>Load state</th>
                <th>Fields</th>
              </tr>
            </thead>
            <tbody>
              {info.collections.map((c) => (
                <tr key={c.name}>
                  <td>
                    <code>{c.name}</code> {c.name === info.active && <span className="faint">(active)</span>}
                  </td>
                  <td>{c.exists ? formatNumber(c.entityCount) : '—'}</td>
                  <td>{c.dimension ?? '—'}</td>
                  <td>{c.metric ?? '—'}</td>
                  <td title={JSON.stringify(c.indexParams)}>{c.indexType ?? '—'}</td>
                  <td>
                    <StatusBadge status={c.loadState === 'loaded' ? 'healthy' : c.loadState === 'not_exist' ? 'unknown' : 'degraded'} label={c.loadState.replace('_', ' ')} />
                  </td>
                  <td className="faint">{c.fields.map((f) => `${f.name}:${f.type}${f.dimension ? `(${f.dimension})` : ''}`).join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <ConfirmDialog
        open={confirm === 'recreate'}
        onOpenChange={(o) => !o && setConfirm(null)}
        title={`Recreate ${info?.active}?`}
        confirmLabel="Drop and recreate"
        danger
        onConfirm={() => void attempt('Recreate', () => ops.vectors.recreate({ confirm: true })).then((r) => r && toast({ title: 'Recreating the collection', tone: 'info' }))}
      >
        <p>
          Drops <code>{info?.active}</code> ({formatNumber(active?.entityCount)} entities) and creates it empty with the active model’s dimension. Reload it from the warehouse afterwards (free when vectors are stored in Postgres), or
          run an embedding job.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'reload'}
        onOpenChange={(o) => !o && setConfirm(null)}
        title={`Reload ${info?.active} from the warehouse?`}
        confirmLabel="Reload"
        onConfirm={() => void attempt('Reload', () => ops.vectors.reload({})).then((r) => r && toast({ title: 'Reloading Milvus from the warehouse', tone: 'info' }))}
      >
        <p>Upserts every vector stored in the warehouse’s embedding columns into Milvus, by id (no duplicates, no OpenAI cost).</p>
      </ConfirmDialog>
    </section>
  );
}
