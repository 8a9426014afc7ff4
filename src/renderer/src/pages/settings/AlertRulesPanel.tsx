import { useEffect, useState } from 'react';
import { SEVERITIES, type Rule, type Severity } from '../../../../shared/contract/alerts.ts';
import { ops } from '../../client/ops.ts';
import { attempt, useApp } from '../../state/app-store.ts';

const KIND_WORDS: Record<Rule['kind'], string> = {
  health: 'health state of a system’s service',
  job: 'job failed or incomplete',
  budget: 'budget threshold',
  secret_rotation: 'secret rotation due',
  github_rate_limit: 'GitHub rate limit low',
  schedule: 'scheduled tick missed or skipped',
};

function condition(r: Rule): string {
  const p = r.params;
  if (r.kind === 'health') return `${(p.statuses ?? ['down']).join(' or ')}${p.service ? ` · service ${p.service}` : ''}${p.system ? ` · system ${p.system}` : ''}`;
  if (r.kind === 'job') return `${(p.outcomes ?? ['failed']).join(' or ')}${p.kinds?.length ? ` · ${p.kinds.join(', ')}` : ''}`;
  if (r.kind === 'budget') return (p.levels ?? []).join(' or ');
  if (r.kind === 'github_rate_limit') return `remaining < ${p.belowPct ?? 10}%`;
  if (r.kind === 'schedule') return `${(p.tickOutcomes ?? ['missed', 'skipped']).join(' or ').replace('deadline_exceeded', 'deadline exceeded')}${p.kinds?.length ? ` · ${p.kinds.join(', ')}` : ''}`;
  return 'overdue';
}

/** What fires: the built-in rules (editable, not removable) with severity, `for`, repeat and resolved notices. */
export function AlertRulesPanel() {
  const [rules, setRules] = useState<Rule[]>([]);
  const toast = useApp((s) => s.toast);
  const hasProfile = useApp((s) => s.profiles.length > 0);
  useEffect(() => {
    if (hasProfile) void attempt('Reading alert rules', () => ops.alerts.rules()).then((r) => r && setRules(r));
  }, [hasProfile]);
  const save = async (r: Rule, patch: Partial<Rule>) => {
    const { builtin: _b, ...rest } = { ...r, ...patch };
    const saved = await attempt(`Saving ${r.name}`, () => ops.alerts.saveRule(rest));
    if (saved) {
      setRules((all) => all.map((x) => (x.id === saved.id ? saved : x)));
      toast({ title: `Rule "${saved.name}" saved`, tone: 'healthy' });
    }
  };
  return (
    <section className="panel" aria-label="Alert rules">
      <div className="panel-header">
        <h2>Alert rules</h2>
        <span className="muted">P1 critical (15 min) · P2 high (1 h) · P3 medium (4 h) · P4 low (next business day)</span>
      </div>
      <div className="panel-body">
        <table className="simple">
          <thead>
            <tr>
              <th>On</th>
              <th>Rule</th>
              <th>Fires when</th>
              <th>Severity</th>
              <th>For (s)</th>
              <th>Repeat (h)</th>
              <th>Resolved notice</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-rule={r.id}>
                <td>
                  <input type="checkbox" aria-label={`${r.name} enabled`} checked={r.enabled} onChange={(e) => void save(r, { enabled: e.target.checked })} />
                </td>
                <td>
                  <strong>{r.name}</strong>
                  <div className="faint" style={{ fontSize: 11 }}>{KIND_WORDS[r.kind]}</div>
                </td>
                <td className="mono">{condition(r)}</td>
                <td>
                  <select className="input" aria-label={`${r.name} severity`} value={r.severity} onChange={(e) => void save(r, { severity: e.target.value as Severity })}>
                    {SEVERITIES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <input className="input" style={{ width: 80 }} type="number" min={0} aria-label={`${r.name} for seconds`} defaultValue={r.forSeconds} onBlur={(e) => Number(e.target.value) !== r.forSeconds && void save(r, { forSeconds: Number(e.target.value) })} />
                </td>
                <td>
                  <input className="input" style={{ width: 70 }} type="number" min={0.1} step={0.5} aria-label={`${r.name} repeat hours`} defaultValue={r.repeatSeconds / 3600} onBlur={(e) => Number(e.target.value) * 3600 !== r.repeatSeconds && void save(r, { repeatSeconds: Math.max(1, Number(e.target.value) * 3600) })} />
                </td>
                <td>
                  <input type="checkbox" aria-label={`${r.name} resolved notice`} checked={r.sendResolved} onChange={(e) => void save(r, { sendResolved: e.target.checked })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
