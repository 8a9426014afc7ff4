import { useEffect, useState } from 'react';
import type { QueryResult, SchemaTable } from '../../../../shared/contract/queries.ts';
import { ops } from '../../client/ops.ts';
import { ResultGrid } from '../../components/ResultGrid.tsx';
import { formatNumber, plural } from '../../lib/format.ts';

const quote = (s: string) => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);

/** pgAdmin's query tool: ad-hoc SQL under the saved queries' read-only guard, EXPLAIN, and a schema browser. */
export function SqlEditor() {
  const [sql, setSql] = useState('SELECT full_name, last_synced_at FROM repositories ORDER BY full_name LIMIT 100');
  const [tables, setTables] = useState<SchemaTable[] | null>(null);
  const [schemaError, setSchemaError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [result, setResult] = useState<{ r: QueryResult; mode: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ops.queries.schema().then(setTables, (e: Error) => setSchemaError(e.message));
  }, []);
  const run = async (explain: 'none' | 'plan' | 'analyze') => {
    setBusy(true);
    setError(null);
    try {
      setResult({ r: await ops.queries.adhoc({ sql, explain }), mode: explain });
    } catch (e) {
      setResult(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const shown = (tables ?? []).filter((t) => !filter || `${t.schema}.${t.name}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '240px minmax(0, 1fr)', gap: 12, alignItems: 'start' }}>
      <nav className="panel panel-body stack" aria-label="Schema browser" style={{ maxHeight: '70vh', overflow: 'auto', gap: 4 }}>
        <input className="input" aria-label="Filter tables" placeholder="Filter tables" value={filter} onChange={(e) => setFilter(e.target.value)} style={{ flex: 'none' }} />
        {schemaError && <span className="faint">{schemaError}</span>}
        {!tables && !schemaError && <span className="faint">Loading…</span>}
        {shown.map((t) => {
          const key = `${t.schema}.${t.name}`;
          return (
            <div key={key}>
              <button className="nav-link btn-ghost" style={{ border: 0, width: '100%', textAlign: 'left' }} aria-expanded={open === key} onClick={() => setOpen(open === key ? null : key)} onDoubleClick={() => setSql(`SELECT * FROM ${quote(t.schema)}.${quote(t.name)} LIMIT 100`)} title="Double-click: SELECT * … LIMIT 100">
                <span className="truncate">{key}</span>
                <span className="faint" style={{ marginLeft: 'auto', fontSize: 11 }}>{t.kind === 'table' ? (t.estimatedRows === null ? '' : `~${formatNumber(t.estimatedRows)}`) : t.kind}</span>
              </button>
              {open === key && (
                <ul aria-label={`Columns of ${key}`} style={{ margin: '2px 0 6px 18px', padding: 0, listStyle: 'none', fontSize: 12 }}>
                  {t.columns.map((c) => (
                    <li key={c.name} className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
                      <span>{c.name}</span>
                      <span className="faint truncate">{c.type}{c.nullable ? '' : ' not null'}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </nav>
      <div className="stack">
        <div className="panel panel-body stack">
          <textarea
            className="input"
            aria-label="SQL"
            spellCheck={false}
            value={sql}
            onChange={(e) => setSql(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void run(e.shiftKey ? 'plan' : 'none');
              }
            }}
            style={{ fontFamily: 'var(--font-mono)', minHeight: 140, height: 'auto', padding: 8, resize: 'vertical' }}
          />
          <div className="row">
            <button className="btn btn-primary" disabled={busy || !sql.trim()} onClick={() => void run('none')}>
              Run <kbd>Ctrl ↵</kbd>
            </button>
            <button className="btn" disabled={busy || !sql.trim()} onClick={() => void run('plan')}>
              Explain <kbd>Ctrl ⇧ ↵</kbd>
            </button>
            <button className="btn" disabled={busy || !sql.trim()} onClick={() => void run('analyze')} title="Runs the statement (read-only, rolled back) and shows actual times and buffers">
              Explain analyze
            </button>
            <span className="faint">One read-only statement, run like a saved query: writes and side-effect functions are refused, the transaction is rolled back.</span>
          </div>
        </div>
        {error && (
          <div className="banner banner-down" role="alert">
            {error}
          </div>
        )}
        {result &&
          (result.mode === 'none' ? (
            <ResultGrid result={result.r} label="SQL result" />
          ) : (
            <pre className="panel panel-body log-line" aria-label="Query plan" style={{ overflow: 'auto', maxHeight: '60vh', margin: 0 }}>
              {result.r.rows.map((r) => String(r[0])).join('\n')}
            </pre>
          ))}
        {result && (
          <span className="faint" role="status" aria-label="SQL result summary">
            {plural(result.r.rowCount, 'row')} · {Math.round(result.r.ms)} ms{result.r.truncated ? ' · truncated' : ''}
          </span>
        )}
      </div>
    </div>
  );
}
