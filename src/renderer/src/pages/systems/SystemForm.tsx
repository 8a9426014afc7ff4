import { useState } from 'react';
import { SYSTEM_KINDS, type System, type SystemFields, type SystemKind } from '../../../../shared/contract/systems.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { attempt, useApp } from '../../state/app-store.ts';

type Http = { name: string; url: string; endpoints: string; required: string };
type Draft = { name: string; kind: SystemKind; postgresSchema: string; queues: string; http: Http[]; commands: string; userDailyTokens: string; repoDailyTokens: string; dailyBudgetUsd: string; monthlyBudgetUsd: string };

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function draftOf(s: System | null): Draft {
  return {
    name: s?.name ?? '',
    kind: s?.kind ?? 'generic',
    postgresSchema: s?.postgresSchema ?? 'public',
    queues: s?.queues.join(', ') ?? '',
    http: s?.http.map((h) => ({ name: h.name, url: h.url, endpoints: h.endpoints.join(', '), required: h.required.join(', ') })) ?? [],
    commands: s?.commands.length ? JSON.stringify(s.commands, null, 1) : '',
    userDailyTokens: String(s?.quotas.userDailyTokens ?? 100_000),
    repoDailyTokens: String(s?.quotas.repoDailyTokens ?? 500_000),
    dailyBudgetUsd: String(s?.quotas.dailyBudgetUsd ?? 10),
    monthlyBudgetUsd: String(s?.quotas.monthlyBudgetUsd ?? 200),
  };
}

/** Register or change a system: its kind, schema, queues and HTTP services (connection secrets are set separately). */
export function SystemForm({ system, onSaved, onCancel }: { system: System | null; onSaved(s: System): void; onCancel(): void }) {
  const [d, setD] = useState<Draft>(() => draftOf(system));
  const toast = useApp((s) => s.toast);
  const set = (p: Partial<Draft>) => setD((x) => ({ ...x, ...p }));
  const setHttp = (i: number, p: Partial<Http>) => set({ http: d.http.map((h, j) => (j === i ? { ...h, ...p } : h)) });
  const save = async () => {
    let commands: SystemFields['commands'];
    try {
      commands = d.commands.trim() ? (JSON.parse(d.commands) as SystemFields['commands']) : [];
    } catch (e) {
      toast({ title: 'Lifecycle commands are not valid JSON', body: (e as Error).message, tone: 'down' });
      return;
    }
    const fields: Partial<SystemFields> = {
      name: d.name,
      kind: d.kind,
      postgresSchema: d.postgresSchema.trim() || 'public',
      queues: list(d.queues),
      http: d.http.map((h) => ({ name: h.name, url: h.url, endpoints: list(h.endpoints).length ? list(h.endpoints) : ['/health'], required: list(h.required), metricsPath: null, headers: {}, role: 'api' as const })),
      commands,
      quotas: { userDailyTokens: Number(d.userDailyTokens), repoDailyTokens: Number(d.repoDailyTokens), dailyBudgetUsd: Number(d.dailyBudgetUsd), monthlyBudgetUsd: Number(d.monthlyBudgetUsd) },
    };
    const saved = await attempt('Saving the system', () => (system ? ops.systems.update({ id: system.id, patch: fields }) : ops.systems.create(fields as SystemFields)));
    if (!saved) return;
    toast({ title: `${saved.name} saved`, tone: 'healthy' });
    onSaved(saved);
  };
  return (
    <div className="panel stack" style={{ padding: 10 }} aria-label="System form">
      <div className="form-grid">
        <Field label="Name" aria-label="System name" value={d.name} onChange={(e) => set({ name: e.target.value })} />
        <label className="field">
          <span className="muted">Kind</span>
          <select className="input" aria-label="System kind" value={d.kind} onChange={(e) => set({ kind: e.target.value as SystemKind })}>
            {SYSTEM_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <Field label="Postgres schema" aria-label="Postgres schema" value={d.postgresSchema} onChange={(e) => set({ postgresSchema: e.target.value })} hint="where the system's own tables are" />
        <Field label="BullMQ queues" aria-label="BullMQ queues" value={d.queues} onChange={(e) => set({ queues: e.target.value })} hint="comma-separated, e.g. analysis, sync, ci_generation" />
        {d.kind === 'autodevops' && (
          <>
            <Field label="Tokens per user per day" aria-label="Tokens per user per day" value={d.userDailyTokens} onChange={(e) => set({ userDailyTokens: e.target.value })} />
            <Field label="Tokens per repository per day" aria-label="Tokens per repository per day" value={d.repoDailyTokens} onChange={(e) => set({ repoDailyTokens: e.target.value })} />
          </>
        )}
        {d.kind === 'leaderboard' && (
          <>
            <Field label="Daily budget (USD)" aria-label="Daily budget" value={d.dailyBudgetUsd} onChange={(e) => set({ dailyBudgetUsd: e.target.value })} />
            <Field label="Monthly budget (USD)" aria-label="Monthly budget" value={d.monthlyBudgetUsd} onChange={(e) => set({ monthlyBudgetUsd: e.target.value })} />
          </>
        )}
      </div>
      <div className="stack" aria-label="HTTP services">
        {d.http.map((h, i) => (
          <div className="form-grid" key={i}>
            <Field label="Service name" aria-label={`Service ${i + 1} name`} value={h.name} onChange={(e) => setHttp(i, { name: e.target.value })} />
            <Field label="Base URL" aria-label={`Service ${i + 1} URL`} value={h.url} onChange={(e) => setHttp(i, { url: e.target.value })} />
            <Field label="Health paths" aria-label={`Service ${i + 1} paths`} value={h.endpoints} onChange={(e) => setHttp(i, { endpoints: e.target.value })} hint="/ for What the Repo; /health, /ready …" />
            <Field label="Required paths" aria-label={`Service ${i + 1} required`} value={h.required} onChange={(e) => setHttp(i, { required: e.target.value })} hint="default: the first path" />
          </div>
        ))}
        <div className="row">
          <button className="btn btn-sm" onClick={() => set({ http: [...d.http, { name: d.http.length ? `service ${d.http.length + 1}` : 'api', url: '', endpoints: '/health', required: '' }] })}>
            Add HTTP service
          </button>
          {d.http.length > 0 && (
            <button className="btn btn-sm" onClick={() => set({ http: d.http.slice(0, -1) })}>
              Remove last
            </button>
          )}
        </div>
      </div>
      <label className="field">
        <span className="muted">Lifecycle commands (JSON: id, title, argv, waitForReadySeconds) — run only as configured, from the Actions list</span>
        <textarea className="input mono" rows={3} aria-label="Lifecycle commands" placeholder='[{"id": "restart", "title": "Restart the API", "argv": ["railway", "service", "restart"], "waitForReadySeconds": 120}]' value={d.commands} onChange={(e) => set({ commands: e.target.value })} />
      </label>
      <div className="row">
        <div className="spacer" />
        <button className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button className="btn btn-primary" disabled={!d.name.trim()} onClick={() => void save()}>
          {system ? 'Save' : 'Register system'}
        </button>
      </div>
    </div>
  );
}
