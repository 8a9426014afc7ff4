import { useEffect, useState } from 'react';
import type { BudgetStatus } from '../../../../shared/contract/costs.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { FormButtons, RemoveDialog, RowActions, useRecordEditor } from '../../components/RecordEditor.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { attempt, useApp } from '../../state/app-store.ts';
import { budgetAmount, levelTone } from '../costs/CostsPage.tsx';

type Draft = { id?: string; name: string; metric: BudgetStatus['metric']; period: BudgetStatus['period']; cap: string; category: BudgetStatus['category']; repository: string; warnPct: string; criticalPct: string; enforce: boolean; enabled: boolean };
const empty = (): Draft => ({ name: '', metric: 'usd', period: 'day', cap: '', category: 'openai', repository: '', warnPct: '80', criticalPct: '95', enforce: true, enabled: true });

/** Caps on paid work: refused before start over the cap, paused before the next paid batch when reached. */
export function BudgetsPanel() {
  const [budgets, setBudgets] = useState<BudgetStatus[]>([]);
  const { draft, setDraft, set, deleting, setDeleting, save: saveDraft } = useRecordEditor<Draft, BudgetStatus>();
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const load = () => void attempt('Reading budgets', () => ops.budgets.list()).then((b) => b && setBudgets(b));
  useEffect(() => {
    if (hasProfile) load();
  }, [hasProfile]);
  const save = async () => {
    if (!draft) return;
    await saveDraft(
      'Saving the budget',
      'Budget',
      () => ops.budgets.save({ id: draft.id, name: draft.name, metric: draft.metric, period: draft.period, cap: Number(draft.cap), category: draft.metric === 'github_points' ? 'github' : draft.category === 'github' ? 'openai' : draft.category, repository: draft.repository.trim() || null, warnPct: Number(draft.warnPct), criticalPct: Number(draft.criticalPct), enforce: draft.enforce, enabled: draft.enabled }),
      load,
    );
  };
  return (
    <section className="panel" aria-label="Budgets settings">
      <div className="panel-header">
        <h2>Budgets</h2>
        <span className="muted">Checked before each paid batch; changes are audited.</span>
        <div className="spacer" />
        <button className="btn btn-sm" disabled={!hasProfile} onClick={() => void attempt('Applying the runbook budgets', () => ops.budgets.applyRunbookPresets()).then(load)}>
          Runbook presets ($50/month, $10/day, $5/job)
        </button>
        <button className="btn btn-sm" disabled={!hasProfile} onClick={() => setDraft(empty())}>
          New budget
        </button>
      </div>
      <div className="panel-body stack">
        <table className="simple">
          <tbody>
            {budgets.map((b) => (
              <tr key={b.id} data-budget={b.name}>
                <td>
                  <strong>{b.name}</strong>
                  <div className="faint" style={{ fontSize: 11 }}>
                    {b.category} · {budgetAmount(b, b.cap)} per {b.period}
                    {b.repository ? ` · ${b.repository}` : ''} · warn {b.warnPct}% / critical {b.criticalPct}% · {b.enforce ? 'pauses paid work' : 'alert only'}
                  </div>
                </td>
                <td>
                  <StatusBadge status={b.enabled ? levelTone[b.level] : 'unknown'} label={b.enabled ? `${b.level} ${Math.round(b.utilisation * 100)}%` : 'disabled'} />
                </td>
                <RowActions onEdit={() => setDraft({ id: b.id, name: b.name, metric: b.metric, period: b.period, cap: String(b.cap), category: b.category, repository: b.repository ?? '', warnPct: String(b.warnPct), criticalPct: String(b.criticalPct), enforce: b.enforce, enabled: b.enabled })} onRemove={() => setDeleting(b)} />
              </tr>
            ))}
          </tbody>
        </table>
        {draft && (
          <div className="panel stack" style={{ padding: 10 }} aria-label="Budget form">
            <div className="form-grid">
              <Field label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
              <label className="field">
                <span className="muted">Measure</span>
                <select className="input" aria-label="Budget metric" value={draft.metric} onChange={(e) => set({ metric: e.target.value as Draft['metric'], category: e.target.value === 'github_points' ? 'github' : 'openai', period: e.target.value === 'github_points' ? 'hour' : draft.period })}>
                  <option value="usd">US dollars</option>
                  <option value="tokens">tokens (quota)</option>
                  <option value="github_points">GitHub points</option>
                </select>
              </label>
              <label className="field">
                <span className="muted">Per</span>
                <select className="input" aria-label="Budget period" value={draft.period} onChange={(e) => set({ period: e.target.value as Draft['period'] })}>
                  <option value="month">month</option>
                  <option value="day">day</option>
                  <option value="hour">hour (rolling)</option>
                  <option value="job">job run</option>
                </select>
              </label>
              <Field label={draft.metric === 'usd' ? 'Cap (US$)' : 'Cap'} type="number" min={0} step="any" value={draft.cap} onChange={(e) => set({ cap: e.target.value })} />
              {draft.metric !== 'github_points' && (
                <label className="field">
                  <span className="muted">Spending</span>
                  <select className="input" aria-label="Budget category" value={draft.category} onChange={(e) => set({ category: e.target.value as Draft['category'] })}>
                    <option value="openai">all OpenAI</option>
                    <option value="embeddings">embeddings</option>
                    <option value="llm">LLM scoring</option>
                  </select>
                </label>
              )}
              <Field label="Repository (optional, owner/name)" value={draft.repository} onChange={(e) => set({ repository: e.target.value })} />
              <Field label="Warning at (%)" type="number" value={draft.warnPct} onChange={(e) => set({ warnPct: e.target.value })} />
              <Field label="Critical at (%)" type="number" value={draft.criticalPct} onChange={(e) => set({ criticalPct: e.target.value })} />
            </div>
            <div className="row">
              <label className="row" style={{ gap: 4 }}>
                <input type="checkbox" checked={draft.enforce} onChange={(e) => set({ enforce: e.target.checked })} /> refuse and pause paid work at the cap
              </label>
              <label className="row" style={{ gap: 4 }}>
                <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> enabled
              </label>
              <div className="spacer" />
              <FormButtons saveLabel="Save budget" canSave={Boolean(draft.name.trim()) && Number(draft.cap) > 0} onCancel={() => setDraft(null)} onSave={() => void save()} />
            </div>
          </div>
        )}
      </div>
      {deleting && (
        <RemoveDialog title={`Remove budget ${deleting.name}?`} remove={() => ops.budgets.delete({ id: deleting.id })} onClose={() => setDeleting(null)} reload={load}>
          <p>Paid work stops being checked against it (recorded in the audit log).</p>
        </RemoveDialog>
      )}
    </section>
  );
}
