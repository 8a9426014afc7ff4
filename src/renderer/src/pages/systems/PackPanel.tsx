import { useEffect, useState } from 'react';
import type { ActionPreview, PackCheckResult, System } from '../../../../shared/contract/systems.ts';
import type { CallOutput } from '../../../../shared/contract/index.ts';
import { ops } from '../../client/ops.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { attempt, useApp } from '../../state/app-store.ts';

type Description = CallOutput<'packs.describe'>;
type Audit = CallOutput<'systems.audit'>;

function CheckTable({ r }: { r: PackCheckResult }) {
  if (!r.columns.length || !r.rows.length) return null;
  return (
    <table className="simple" aria-label={`${r.title} rows`}>
      <thead>
        <tr>
          {r.columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {r.rows.slice(0, 50).map((row, i) => (
          <tr key={i}>
            {row.map((c, j) => (
              <td key={j} className={typeof c === 'number' ? 'mono' : undefined}>
                {c === null ? '∅' : String(c)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A system's pack: its runbook checks (read-only) and its listed actions (previewed, confirmed, audited). */
export function PackPanel({ system }: { system: System }) {
  const [desc, setDesc] = useState<Description | null>(null);
  const [results, setResults] = useState<PackCheckResult[] | null>(null);
  const [checking, setChecking] = useState(false);
  const [params, setParams] = useState<Record<string, Record<string, string>>>({});
  const [preview, setPreview] = useState<(ActionPreview & { params: Record<string, string> }) | null>(null);
  const [audit, setAudit] = useState<Audit>([]);
  const [output, setOutput] = useState<{ title: string; text: string } | null>(null);
  const toast = useApp((s) => s.toast);
  const loadAudit = () => void attempt('Reading the audit trail', () => ops.systems.audit({ id: system.id, limit: 20 })).then((a) => a && setAudit(a));
  // The parent remounts this panel per system and kind.
  useEffect(() => {
    void attempt('Reading the pack', () => ops.packs.describe({ id: system.id })).then((d) => d && setDesc(d));
    void attempt('Reading the audit trail', () => ops.systems.audit({ id: system.id, limit: 20 })).then((a) => a && setAudit(a));
  }, [system.id]);
  const runChecks = async () => {
    setChecking(true);
    try {
      const r = await attempt('Running the pack checks', () => ops.packs.check({ id: system.id }));
      if (r) setResults(r);
    } finally {
      setChecking(false);
    }
  };
  const ask = async (action: string) => {
    const p = params[action] ?? {};
    const pv = await attempt('Preparing the action', () => ops.packs.preview({ id: system.id, action, params: p }));
    if (pv) setPreview({ ...pv, params: p });
  };
  const confirm = async () => {
    if (!preview) return;
    const r = await attempt(preview.title, () => ops.packs.run({ id: system.id, action: preview.action, params: preview.params, confirm: preview.confirmText }));
    setPreview(null);
    if (r) toast({ title: `${system.name}: ${preview.title}`, body: r.summary, tone: 'healthy' });
    if (r?.output !== undefined) setOutput({ title: preview.title, text: r.output });
    loadAudit();
    void runChecks();
  };
  if (!desc) return null;
  return (
    <div className="stack">
      <section className="panel" aria-label="Pack checks">
        <div className="panel-header">
          <h2 style={{ margin: 0, fontSize: 'var(--fs-md)' }}>Runbook checks</h2>
          <span className="muted">{desc.kind} pack · read-only, in a READ ONLY transaction</span>
          <div className="spacer" />
          <button className="btn btn-sm btn-primary" disabled={checking || !desc.checks.length} aria-busy={checking} onClick={() => void runChecks()}>
            {checking ? 'Checking…' : 'Run pack checks'}
          </button>
        </div>
        <div className="panel-body stack">
          {!desc.checks.length && <div className="muted">The generic kind has no pack: set the kind (or detect it) to get its runbook's checks.</div>}
          {!results && desc.checks.length > 0 && <div className="muted">{desc.checks.map((c) => c.title).join(' · ')}</div>}
          {results?.map((r) => (
            <div key={r.id} className="stack" aria-label={`Check ${r.title}`}>
              <div className="row">
                <StatusBadge status={r.status} />
                <strong>{r.title}</strong>
                <span>{r.summary}</span>
              </div>
              <CheckTable r={r} />
              {r.source && (
                <details>
                  <summary className="faint">what ran</summary>
                  <pre className="mono" style={{ whiteSpace: 'pre-wrap' }}>{r.source}</pre>
                </details>
              )}
            </div>
          ))}
        </div>
      </section>
      <section className="panel" aria-label="Pack actions">
        <div className="panel-header">
          <h2 style={{ margin: 0, fontSize: 'var(--fs-md)' }}>Actions</h2>
          <span className="muted">each shows exactly what it runs before you confirm; every run is audited</span>
        </div>
        <div className="panel-body stack">
          {!desc.actions.length && <div className="muted">This pack lists no actions.</div>}
          {desc.actions.map((a) => (
            <div key={a.id} className="row" style={{ flexWrap: 'wrap' }}>
              <strong style={{ minWidth: 260 }}>{a.title}</strong>
              {Object.entries(a.params).map(([k, help]) => (
                <input key={k} className="input" style={{ width: 180 }} aria-label={`${a.title}: ${k}`} placeholder={k} title={help} value={params[a.id]?.[k] ?? ''} onChange={(e) => setParams((p) => ({ ...p, [a.id]: { ...(p[a.id] ?? {}), [k]: e.target.value } }))} />
              ))}
              <div className="spacer" />
              <button className={`btn btn-sm ${a.destructive ? 'btn-danger' : ''}`} aria-label={`Preview: ${a.title}`} title={a.description} onClick={() => void ask(a.id)}>
                Preview…
              </button>
            </div>
          ))}
          {output && (
            <details open aria-label="Command output">
              <summary>Output of {output.title}</summary>
              <pre className="mono" style={{ whiteSpace: 'pre-wrap', maxHeight: 240, overflow: 'auto' }}>{output.text || '(no output)'}</pre>
            </details>
          )}
        </div>
      </section>
      {audit.length > 0 && (
        <section className="panel" aria-label="Audit trail">
          <div className="panel-header">
            <h2 style={{ margin: 0, fontSize: 'var(--fs-md)' }}>Audit trail</h2>
          </div>
          <div className="panel-body">
            <table className="simple">
              <tbody>
                {audit.map((e) => (
                  <tr key={e.id}>
                    <td className="mono">{e.at.slice(0, 19).replace('T', ' ')}</td>
                    <td>{e.action}</td>
                    <td>{e.operator}</td>
                    <td>
                      <StatusBadge status={e.outcome === 'succeeded' ? 'healthy' : 'down'} label={e.outcome} />
                    </td>
                    <td>{e.summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <ConfirmDialog open={!!preview} title={preview ? `${preview.title} on ${system.name}` : ''} confirmLabel="Run exactly this" danger onConfirm={() => void confirm()} onOpenChange={(o) => !o && setPreview(null)}>
        <span>Will run:</span>
        <pre className="mono" aria-label="Operations" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
          {preview?.operations.join('\n')}
        </pre>
        <span>{preview?.impact}</span>
      </ConfirmDialog>
    </div>
  );
}
