import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { CatalogueEntry, OperatorSqlProtection, SavedQuery } from '../../../../shared/contract/queries.ts';
import type { RepositoryRow } from '../../../../shared/contract/repos.ts';
import { ops } from '../../client/ops.ts';
import { attempt } from '../../state/app-store.ts';
import { QueryRunner } from './QueryRunner.tsx';
import { SavedQueryEditor } from './SavedQueryEditor.tsx';
import { SqlEditor } from './SqlEditor.tsx';

const SQL_EDITOR = 'sql-editor';
const asEntry = (q: SavedQuery): CatalogueEntry => ({ id: q.id, title: q.name, group: 'saved', description: q.description, source: 'saved by an operator', sql: q.sql, params: q.params });

export function QueriesPage() {
  const [catalogue, setCatalogue] = useState<CatalogueEntry[]>([]);
  const [saved, setSaved] = useState<SavedQuery[]>([]);
  const [repos, setRepos] = useState<RepositoryRow[]>([]);
  const [reposLoaded, setReposLoaded] = useState(false);
  const [filter, setFilter] = useState('');
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState<SavedQuery | 'new' | null>(null);
  const [protection, setProtection] = useState<OperatorSqlProtection | null>(null);
  const selected = params.get('id');
  useEffect(() => {
    void ops.queries.catalogue().then(setCatalogue);
    void ops.queries.saved().then(setSaved);
    ops.repos.list().then(setRepos, () => setRepos([])).finally(() => setReposLoaded(true));
    ops.queries.protection().then(setProtection, () => setProtection(null));
  }, []);
  const select = (id: string) => setParams(new URLSearchParams({ id }));
  const groups = useMemo(() => {
    const f = filter.toLowerCase();
    const map = new Map<string, CatalogueEntry[]>();
    for (const q of catalogue) if (!f || `${q.title} ${q.description} ${q.id}`.toLowerCase().includes(f)) map.set(q.group, [...(map.get(q.group) ?? []), q]);
    return [...map.entries()];
  }, [catalogue, filter]);
  const current = catalogue.find((q) => q.id === selected) ?? (saved.find((q) => q.id === selected) ? asEntry(saved.find((q) => q.id === selected)!) : null);
  const isSaved = Boolean(current && saved.some((q) => q.id === current.id));
  return (
    <div className="page">
      <div className="page-header">
        <h1>Queries</h1>
        <p>Every SQL check from the runbooks, run read-only with bound parameters and a statement timeout.</p>
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: '300px minmax(0, 1fr)', gap: 12, alignItems: 'start' }}>
        <nav className="panel panel-body stack" aria-label="Query library" style={{ maxHeight: '78vh', overflow: 'auto' }}>
          <input className="input" data-page-search aria-label="Filter queries" placeholder="Filter  /" value={filter} onChange={(e) => setFilter(e.target.value)} style={{ flex: 'none' }} />
          <button className="nav-link btn-ghost" style={{ border: 0, textAlign: 'left' }} aria-current={selected === SQL_EDITOR ? 'page' : undefined} onClick={() => select(SQL_EDITOR)}>
            SQL editor
          </button>
          {groups.map(([g, qs]) => (
            <div key={g} className="stack" style={{ gap: 2 }}>
              <strong className="faint" style={{ textTransform: 'uppercase', fontSize: 11 }}>{g}</strong>
              {qs.map((q) => (
                <button key={q.id} className="nav-link btn-ghost" style={{ border: 0, textAlign: 'left' }} aria-current={q.id === selected ? 'page' : undefined} onClick={() => select(q.id)}>
                  {q.title}
                </button>
              ))}
            </div>
          ))}
          <div className="stack" style={{ gap: 2 }}>
            <strong className="faint" style={{ textTransform: 'uppercase', fontSize: 11 }}>saved</strong>
            {protection && (
              <span role="status" aria-label="Saved query protection" className={`status status-${protection.active ? 'healthy' : 'degraded'}`} title={protection.detail}>
                {protection.active ? `least privilege: runs as ${protection.role}` : 'least privilege: not available'}
              </span>
            )}
            {saved.map((q) => (
              <div key={q.id} className="row" style={{ flexWrap: 'nowrap' }}>
                <button className="nav-link btn-ghost" style={{ border: 0, textAlign: 'left', flex: 1 }} aria-current={q.id === selected ? 'page' : undefined} onClick={() => select(q.id)}>
                  {q.name}
                </button>
                <button className="btn btn-sm btn-ghost" aria-label={`Edit ${q.name}`} onClick={() => setEditing(q)}>
                  ✎
                </button>
                <button className="btn btn-sm btn-ghost" aria-label={`Delete ${q.name}`} onClick={() => void attempt('Delete', () => ops.queries.deleteSaved({ id: q.id })).then(() => setSaved(saved.filter((x) => x.id !== q.id)))}>
                  ✕
                </button>
              </div>
            ))}
            <button className="btn btn-sm" onClick={() => setEditing('new')}>
              New saved query
            </button>
          </div>
        </nav>
        <div className="stack">
          {editing && (
            <SavedQueryEditor
              key={editing === 'new' ? 'new' : editing.id}
              initial={editing === 'new' ? null : editing}
              onSaved={(q) => {
                setSaved([...saved.filter((x) => x.id !== q.id), q]);
                setEditing(null);
                select(q.id);
              }}
            />
          )}
          {selected === SQL_EDITOR ? <SqlEditor /> : current ? <QueryRunner key={current.id} query={current} saved={isSaved} repositories={repos} autoRun={params.get('run') === '1' && reposLoaded} /> : <div className="empty">Choose a query on the left.</div>}
        </div>
      </div>
    </div>
  );
}
