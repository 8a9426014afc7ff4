import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { RunbookDef, RunbookRun } from '../../../../shared/contract/runbooks.ts';
import { ops } from '../../client/ops.ts';
import { downloadText, formatTime } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';
import { StepRow } from './StepRow.tsx';

export function RunbooksPage() {
  const [books, setBooks] = useState<RunbookDef[]>([]);
  const [runs, setRuns] = useState<RunbookRun[]>([]);
  const [active, setActive] = useState<RunbookRun | null>(null);
  const [closing, setClosing] = useState('');
  const { '*': splat } = useParams();
  const navigate = useNavigate();
  const selectedId = splat || books[0]?.id;
  useEffect(() => {
    void ops.runbooks.list().then(setBooks);
    void ops.runbooks.runs({ limit: 50 }).then(setRuns);
  }, []);
  const book = books.find((b) => b.id === selectedId);
  const current = active && active.runbookId === book?.id ? active : null;
  const update = (r: RunbookRun) => {
    setActive(r);
    setRuns((prev) => [r, ...prev.filter((x) => x.id !== r.id)]);
  };
  return (
    <div className="page">
      <div className="page-header">
        <h1>Runbooks</h1>
        <p>The seeds’ procedures as checklists: live checks, read-only queries, confirmed actions, recorded for the incident log.</p>
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: '280px minmax(0, 1fr)', gap: 12, alignItems: 'start' }}>
        <nav className="panel panel-body stack" aria-label="Runbook list">
          {(['incident', 'maintenance'] as const).map((cat) => (
            <div key={cat} className="stack" style={{ gap: 2 }}>
              <strong className="faint" style={{ textTransform: 'uppercase', fontSize: 11 }}>{cat}</strong>
              {books
                .filter((b) => b.category === cat)
                .map((b) => (
                  <button key={b.id} className="nav-link btn-ghost" style={{ border: 0, textAlign: 'left' }} aria-current={b.id === selectedId ? 'page' : undefined} onClick={() => navigate(`/runbooks/${b.id}`)}>
                    {b.title}
                  </button>
                ))}
            </div>
          ))}
          <strong className="faint" style={{ textTransform: 'uppercase', fontSize: 11 }}>recent runs</strong>
          {runs.slice(0, 10).map((r) => (
            <button key={r.id} className="nav-link btn-ghost" style={{ border: 0, textAlign: 'left', fontSize: 12 }} onClick={() => (navigate(`/runbooks/${r.runbookId}`), setActive(r))}>
              {r.title} · {r.status} · {formatTime(r.startedAt)}
            </button>
          ))}
        </nav>
        {book && (
          <section className="stack" aria-label={`Runbook ${book.title}`}>
            <div className="panel panel-body stack">
              <h2>{book.title}</h2>
              <span className="muted">Symptoms: {book.symptoms}</span>
              <span className="faint">Source: {book.source}</span>
              <div className="row">
                {!current || current.status !== 'open' ? (
                  <button className="btn btn-primary" onClick={() => void attempt('Start', () => ops.runbooks.start({ runbookId: book.id })).then((r) => r && update(r))}>
                    Start a run
                  </button>
                ) : (
                  <>
                    <span className="muted">
                      Run by {current.operator} since {formatTime(current.startedAt)}
                    </span>
                    <input className="input" aria-label="Closing note" placeholder="Closing note" value={closing} onChange={(e) => setClosing(e.target.value)} style={{ minWidth: 260 }} />
                    <button className="btn btn-primary" onClick={() => void attempt('Finish', () => ops.runbooks.finish({ runId: current.id, status: 'resolved', note: closing })).then((r) => r && update(r))}>
                      Resolved
                    </button>
                    <button className="btn" onClick={() => void attempt('Finish', () => ops.runbooks.finish({ runId: current.id, status: 'abandoned', note: closing })).then((r) => r && update(r))}>
                      Abandon
                    </button>
                  </>
                )}
                {current && (
                  <button className="btn" onClick={() => void ops.runbooks.incidentNote({ runId: current.id }).then((n) => downloadText(n.filename, n.content, 'text/markdown'))}>
                    Export incident note
                  </button>
                )}
              </div>
            </div>
            {current ? (
              <ol className="stack" style={{ padding: 0, margin: 0 }} aria-label="Steps">
                {book.steps.map((s) => (
                  <StepRow key={s.id} step={s} record={current.steps.find((x) => x.stepId === s.id)!} run={current} onRun={update} />
                ))}
              </ol>
            ) : (
              <ol className="panel panel-body" aria-label="Steps preview">
                {book.steps.map((s) => (
                  <li key={s.id}>
                    <strong>{s.title}</strong> <span className="faint">— {s.description}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        )}
      </div>
    </div>
  );
}
