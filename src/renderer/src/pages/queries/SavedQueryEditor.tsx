import { useState } from 'react';
import type { SavedQuery } from '../../../../shared/contract/queries.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { useApp } from '../../state/app-store.ts';

/** Save your own query: checked to be read-only before it is stored, and run read-only always. */
export function SavedQueryEditor({ initial, onSaved }: { initial: SavedQuery | null; onSaved(q: SavedQuery): void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [sql, setSql] = useState(initial?.sql ?? "SELECT state, count(*) FROM pull_requests WHERE repository_id = $1 GROUP BY state");
  const [repoParam, setRepoParam] = useState(initial ? initial.params.some((p) => p.type === 'repository') : true);
  const [error, setError] = useState<string | null>(null);
  const toast = useApp((s) => s.toast);
  const save = async () => {
    try {
      const q = await ops.queries.save({ id: initial?.id, name, description, sql, params: repoParam ? [{ name: 'repository', type: 'repository', label: 'Repository' }] : [] });
      setError(null);
      toast({ title: `Saved "${q.name}"`, tone: 'healthy' });
      onSaved(q);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form
      className="panel panel-body stack"
      aria-label="Saved query editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="form-grid">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="saved-sql">SQL (read-only; bind parameters as $1 …)</label>
        <textarea id="saved-sql" className="input mono" rows={6} style={{ height: 'auto', padding: 6 }} value={sql} onChange={(e) => setSql(e.target.value)} />
      </div>
      <label className="row">
        <input type="checkbox" checked={repoParam} onChange={(e) => setRepoParam(e.target.checked)} /> $1 is a repository
      </label>
      {error && (
        <div className="banner banner-down" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        <button className="btn btn-primary" type="submit" disabled={!name.trim() || !sql.trim()}>
          Save query
        </button>
      </div>
    </form>
  );
}
