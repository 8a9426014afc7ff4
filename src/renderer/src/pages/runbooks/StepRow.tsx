import { useState } from 'react';
import type { RunbookRun, StepDef, StepRecord } from '../../../../shared/contract/runbooks.ts';
import type { QueryResult } from '../../../../shared/contract/queries.ts';
import { SECRET_KEYS } from '../../../../shared/contract/secrets.ts';
import { ops } from '../../client/ops.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ResultGrid } from '../../components/ResultGrid.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { attempt } from '../../state/app-store.ts';

const tone = { pending: 'unknown', pass: 'healthy', done: 'healthy', warn: 'degraded', fail: 'down', skipped: 'unknown' } as const;
const KIND: Record<StepDef['kind'], string> = { check: 'health check', query: 'read-only query', action: 'action (writes)', manual: 'manual', secret: 'rotate a secret' };

/** One step of a runbook run: run it, preview and confirm it, or confirm it was done by hand. */
export function StepRow({ step, record, run, onRun }: { step: StepDef; record: StepRecord; run: RunbookRun; onRun(r: RunbookRun): void }) {
  const [inputs, setInputs] = useState<Record<string, string>>(() => (step.kind === 'action' ? Object.fromEntries(step.inputs.map((i) => [i.name, i.default ?? ''])) : {}));
  const [preview, setPreview] = useState<{ statements: string[]; note: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [secretKey, setSecretKey] = useState<string>(step.kind === 'secret' ? (step.key ?? 'github_token') : '');
  const [secret, setSecret] = useState('');
  const open = run.status === 'open';
  const exec = async (fn: () => Promise<RunbookRun>) => {
    setBusy(true);
    const r = await attempt(step.title, fn);
    setBusy(false);
    if (r) onRun(r);
  };
  const output = record.output as unknown;
  return (
    <li className="panel" data-step={step.id} data-outcome={record.outcome} style={{ listStyle: 'none', minWidth: 0 }}>
      <div className="panel-header">
        <StatusBadge status={tone[record.outcome]} label={record.outcome} />
        <strong>{step.title}</strong>
        <span className="faint">{KIND[step.kind]}</span>
      </div>
      <div className="panel-body stack">
        <span className="muted">{step.description}</span>
        {record.summary && <div>{record.summary}</div>}
        {record.statements.length > 0 && <pre className="mono panel" style={{ margin: 0, padding: 6, overflowX: 'auto' }}>{record.statements.join('\n')}</pre>}
        {step.kind === 'query' && output !== null && (output as QueryResult | null)?.columns && <ResultGrid result={output as QueryResult} label={`${step.title} result`} />}
        {open && (
          <div className="row">
            {(step.kind === 'check' || step.kind === 'query') && (
              <button className="btn btn-sm btn-primary" disabled={busy} onClick={() => void exec(() => ops.runbooks.runStep({ runId: run.id, stepId: step.id }))}>
                {busy ? 'Running…' : record.outcome === 'pending' ? 'Run' : 'Run again'}
              </button>
            )}
            {step.kind === 'action' && (
              <>
                {step.inputs.map((i) =>
                  i.type === 'choice' ? (
                    <select key={i.name} className="input" aria-label={i.label} value={inputs[i.name]} onChange={(e) => setInputs({ ...inputs, [i.name]: e.target.value })}>
                      {i.choices?.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  ) : (
                    <input key={i.name} className="input" aria-label={i.label} placeholder={i.label} value={inputs[i.name]} onChange={(e) => setInputs({ ...inputs, [i.name]: e.target.value })} />
                  ),
                )}
                <button className="btn btn-sm" disabled={busy} onClick={() => void attempt('Preview', () => ops.runbooks.preview({ runId: run.id, stepId: step.id, inputs })).then((p) => p && setPreview(p))}>
                  Preview…
                </button>
              </>
            )}
            {(step.kind === 'manual' || step.kind === 'action' || step.kind === 'secret') && (
              <>
                <input className="input" aria-label={`Note for ${step.title}`} placeholder="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} style={{ minWidth: 220 }} />
                {step.kind === 'manual' && (
                  <button className="btn btn-sm btn-primary" onClick={() => void exec(() => ops.runbooks.markStep({ runId: run.id, stepId: step.id, outcome: 'done', note }))}>
                    Done
                  </button>
                )}
                <button className="btn btn-sm" onClick={() => void exec(() => ops.runbooks.markStep({ runId: run.id, stepId: step.id, outcome: 'skipped', note }))}>
                  Skip
                </button>
              </>
            )}
            {step.kind === 'secret' && (
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  void exec(() => ops.runbooks.setSecret({ runId: run.id, stepId: step.id, key: secretKey as (typeof SECRET_KEYS)[number], value: secret })).then(() => setSecret(''));
                }}
              >
                {!step.key && (
                  <select className="input" aria-label="Which secret" value={secretKey} onChange={(e) => setSecretKey(e.target.value)}>
                    {SECRET_KEYS.map((k) => (
                      <option key={k}>{k}</option>
                    ))}
                  </select>
                )}
                <input className="input" type="password" autoComplete="off" aria-label="New secret value" placeholder="New value → keychain" value={secret} onChange={(e) => setSecret(e.target.value)} />
                <button className="btn btn-sm btn-primary" type="submit" disabled={!secret}>
                  Store
                </button>
              </form>
            )}
          </div>
        )}
      </div>
      <ConfirmDialog open={preview !== null} onOpenChange={(o) => !o && setPreview(null)} title={`Run “${step.title}”?`} confirmLabel="Run exactly this" danger onConfirm={() => void exec(() => ops.runbooks.runStep({ runId: run.id, stepId: step.id, inputs, confirm: true }))}>
        <p>{preview?.note}</p>
        <pre className="mono panel" style={{ margin: 0, padding: 8, whiteSpace: 'pre-wrap' }} aria-label="Statements to run">
          {preview?.statements.join('\n')}
        </pre>
      </ConfirmDialog>
    </li>
  );
}
