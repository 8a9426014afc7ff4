import { useEffect, useRef, useState } from 'react';
import type { CatalogueEntry, QueryResult } from '../../../../shared/contract/queries.ts';
import { ops } from '../../client/ops.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ResultGrid } from '../../components/ResultGrid.tsx';
import { downloadText, plural } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';

/** Parameters form, SQL, read-only run, result grid, CSV — for a catalogue or saved query. */
/** `autoRun`: run once with the defaults as soon as it is true (the command palette's "Run query: …"). */
export function QueryRunner({ query, saved, repositories, autoRun = false }: { query: CatalogueEntry; saved: boolean; repositories: { id: string; fullName: string }[]; autoRun?: boolean }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [ext, setExt] = useState<Awaited<ReturnType<typeof ops.queries.extension>> | null>(null);
  const [enabling, setEnabling] = useState(false);
  const toast = useApp((s) => s.toast);
  useEffect(() => {
    if (query.needs === 'pg_stat_statements') ops.queries.extension().then(setExt, () => setExt(null));
  }, [query.needs]);
  const params = () => Object.fromEntries(query.params.map((p) => [p.name, values[p.name] ?? String(p.default ?? (p.type === 'repository' ? (repositories[0]?.id ?? '') : ''))]));
  const autoRan = useRef(false);
  useEffect(() => {
    if (!autoRun || autoRan.current) return;
    autoRan.current = true;
    void run();
  }, [autoRun]); // eslint-disable-line react-hooks/exhaustive-deps -- once, with the defaults of that moment
  async function run() {
    setBusy(true);
    setError(null);
    try {
      setResult(saved ? await ops.queries.runSaved({ id: query.id, params: params() }) : await ops.queries.run({ id: query.id, params: params() }));
    } catch (e) {
      setResult(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="panel" aria-label={`Query ${query.title}`}>
      <div className="panel-header">
        <h2>{query.title}</h2>
        <span className="faint">{query.group}</span>
      </div>
      <div className="panel-body stack">
        <p style={{ margin: 0 }}>{query.description}</p>
        {query.source && <p className="faint" style={{ margin: 0 }}>Source: {query.source}</p>}
        {ext && !ext.usable && (
          <div className="banner banner-degraded">
            pg_stat_statements: {ext.problem}
            {ext.canInstall && ext.available && !ext.installed && (
              <button className="btn btn-sm" style={{ marginLeft: 8 }} onClick={() => setEnabling(true)}>
                Enable…
              </button>
            )}
            {ext.preloadAdvice && <div className="faint">{ext.preloadAdvice}</div>}
          </div>
        )}
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          {query.params.map((p) => (
            <div className="field" key={p.name}>
              <label htmlFor={`param-${p.name}`}>
                {p.label} <span className="faint">({p.type})</span>
              </label>
              {p.type === 'repository' ? (
                <select id={`param-${p.name}`} className="input" value={params()[p.name]} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })}>
                  {repositories.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.fullName}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={`param-${p.name}`} className="input" value={params()[p.name]} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })} />
              )}
            </div>
          ))}
          <div className="row" style={{ alignSelf: 'end' }}>
            <button className="btn btn-primary" type="submit" disabled={busy}>
              {busy ? 'Running…' : 'Run (read-only)'}
            </button>
            <button className="btn" type="button" onClick={() => void navigator.clipboard.writeText(query.sql).then(() => toast({ title: 'SQL copied', tone: 'info' }))}>
              Copy SQL
            </button>
            <button className="btn" type="button" disabled={!result} onClick={() => void attempt('CSV export', () => ops.queries.csv({ id: query.id, saved, params: params() })).then((r) => r && downloadText(r.filename, r.content, 'text/csv'))}>
              Export CSV
            </button>
          </div>
        </form>
        <details>
          <summary className="muted">SQL</summary>
          <pre className="panel mono" style={{ margin: 0, padding: 8, overflow: 'auto', maxHeight: 260 }}>{query.sql}</pre>
        </details>
        {error && (
          <div className="banner banner-down" role="alert">
            {error}
          </div>
        )}
        {result && (
          <>
            <span className="muted" role="status" aria-label="Query result summary">
              {plural(result.rowCount, 'row')} in {Math.round(result.ms)} ms{result.truncated ? ' (truncated)' : ''}
            </span>
            <ResultGrid result={result} label={`${query.title} result`} />
          </>
        )}
      </div>
      <ConfirmDialog open={enabling} onOpenChange={setEnabling} title="Enable pg_stat_statements?" confirmLabel="Run it" onConfirm={() => void attempt('Enable', () => ops.queries.enableExtension({ confirm: true })).then((r) => r && (setExt(r.status), toast({ title: `Ran: ${r.ran.join('; ') || 'nothing (already installed)'}`, tone: 'healthy' })))}>
        <p>
          This runs exactly: <code>CREATE EXTENSION IF NOT EXISTS pg_stat_statements</code>. Statistics collect only when the server also preloads the library.
        </p>
      </ConfirmDialog>
    </section>
  );
}
