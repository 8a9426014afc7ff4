import { useEffect, useState } from 'react';
import type { Detection, System } from '../../../../shared/contract/systems.ts';
import { ops } from '../../client/ops.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { attempt, useApp } from '../../state/app-store.ts';
import { startSystemsFeed, useSystems } from '../../state/systems-store.ts';
import { PackPanel } from './PackPanel.tsx';
import { SystemForm } from './SystemForm.tsx';

const SECRETS = [
  { key: 'postgres_url', label: 'Postgres URL' },
  { key: 'redis_url', label: 'Redis URL' },
  { key: 'milvus_url', label: 'Milvus URL' },
  { key: 'milvus_token', label: 'Milvus token' },
] as const;

function Connections({ system }: { system: System }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const toast = useApp((s) => s.toast);
  const save = async (key: (typeof SECRETS)[number]['key']) => {
    const s = await attempt('Storing the secret', () => ops.systems.setSecret({ id: system.id, key, value: values[key] ?? '' }));
    if (s) {
      setValues((v) => ({ ...v, [key]: '' }));
      toast({ title: `${system.name}: ${key} ${values[key] ? 'stored in the keychain' : 'removed'}`, tone: 'healthy' });
    }
  };
  return (
    <div className="form-grid" aria-label="Connections">
      {SECRETS.map((s) => (
        <div className="field" key={s.key}>
          <label className="muted">
            {s.label} {system.secrets.includes(s.key) ? <StatusBadge status="healthy" label="set" /> : <span className="faint">not set</span>}
          </label>
          <div className="row">
            <input className="input" type="password" autoComplete="off" aria-label={`${system.name} ${s.label}`} placeholder={system.secrets.includes(s.key) ? '•••••• (replace)' : ''} value={values[s.key] ?? ''} onChange={(e) => setValues((v) => ({ ...v, [s.key]: e.target.value }))} />
            <button className="btn btn-sm" onClick={() => void save(s.key)}>
              {values[s.key] ? 'Save' : system.secrets.includes(s.key) ? 'Clear' : 'Save'}
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}

/** The team's systems: register each with its own connections, detect its kind, run its pack. */
export function SystemsPage() {
  const { systems, load } = useSystems();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<'new' | 'edit' | null>(null);
  const [detected, setDetected] = useState<{ id: string; d: Detection } | null>(null);
  const [removing, setRemoving] = useState(false);
  const toast = useApp((s) => s.toast);
  useEffect(() => {
    startSystemsFeed();
    void load();
  }, [load]);
  const current = systems.find((s) => s.id === selected) ?? systems[0] ?? null;
  const detection = detected && detected.id === current?.id ? detected.d : null;
  const detect = async () => {
    if (!current) return;
    const d = await attempt('Detecting the kind', () => ops.systems.detect({ id: current.id }));
    if (d) setDetected({ id: current.id, d });
  };
  const adopt = async () => {
    if (!current || !detection) return;
    const s = await attempt('Saving the kind', () => ops.systems.update({ id: current.id, patch: { kind: detection.kind } }));
    if (s) toast({ title: `${s.name} is now a ${s.kind} system`, tone: 'healthy' });
  };
  return (
    <div className="page">
      <div className="page-header">
        <h1>Systems</h1>
        <p>each team system's own databases, queues and services, side by side — read-only unless you confirm a listed action</p>
        <div className="spacer" />
        <button className="btn btn-primary" onClick={() => setEditing('new')}>
          Register system
        </button>
      </div>
      {editing === 'new' && (
        <SystemForm
          system={null}
          onCancel={() => setEditing(null)}
          onSaved={(s) => {
            setEditing(null);
            setSelected(s.id);
          }}
        />
      )}
      {!systems.length && editing !== 'new' && <div className="empty">Register What the Repo, the Leaderboard, AutoDevOps, pgGit and contributor.info with their own Postgres, Redis and HTTP services: the console checks them all at once and runs their runbooks against them.</div>}
      {current && (
        <div className="row" style={{ alignItems: 'flex-start', gap: 12 }}>
          <nav className="panel" aria-label="Systems list" style={{ minWidth: 200 }}>
            {systems.map((s) => (
              <button key={s.id} className={`btn btn-ghost ${s.id === current.id ? 'active' : ''}`} style={{ display: 'block', width: '100%', textAlign: 'left' }} aria-current={s.id === current.id} onClick={() => setSelected(s.id)}>
                {s.name} <span className="faint">{s.kind}</span>
              </button>
            ))}
          </nav>
          <div className="stack" style={{ flex: 1, minWidth: 0 }}>
            <section className="panel" aria-label={`System ${current.name}`}>
              <div className="panel-header">
                <h2 style={{ margin: 0, fontSize: 'var(--fs-md)' }}>{current.name}</h2>
                <span className="muted">{current.kind}</span>
                <div className="spacer" />
                <button className="btn btn-sm" onClick={() => void detect()}>
                  Detect kind
                </button>
                <button className="btn btn-sm" onClick={() => setEditing(editing === 'edit' ? null : 'edit')}>
                  Edit
                </button>
                <button className="btn btn-sm btn-danger" onClick={() => setRemoving(true)}>
                  Remove
                </button>
              </div>
              <div className="panel-body stack">
                {editing === 'edit' && <SystemForm key={current.id} system={current} onCancel={() => setEditing(null)} onSaved={() => setEditing(null)} />}
                <Connections system={current} />
                {detection && (
                  <div className="stack" aria-label="Detection">
                    <div className="row">
                      Looks like <strong>{detection.kind}</strong> <span className="muted">({detection.tablesSeen} tables seen)</span>
                      {detection.kind !== current.kind && (
                        <button className="btn btn-sm btn-primary" onClick={() => void adopt()}>
                          Use {detection.kind}
                        </button>
                      )}
                    </div>
                    <table className="simple">
                      <tbody>
                        {detection.evidence.map((e) => (
                          <tr key={e.kind}>
                            <td>{e.kind}</td>
                            <td className="mono">{e.score.toFixed(2)}</td>
                            <td className="muted">{e.found.join(', ') || '—'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </div>
            </section>
            <PackPanel key={`${current.id}:${current.kind}`} system={current} />
          </div>
        </div>
      )}
      <ConfirmDialog
        open={removing}
        title={`Remove ${current?.name ?? ''}?`}
        confirmLabel="Remove"
        danger
        onOpenChange={setRemoving}
        onConfirm={() => {
          if (current) void attempt('Removing the system', () => ops.systems.delete({ id: current.id })).then(() => setSelected(null));
        }}
      >
        <span>The console forgets it and its keychain entries. Its databases and services are not touched.</span>
      </ConfirmDialog>
    </div>
  );
}
