import { useCallback, useEffect, useState } from 'react';
import type { BudgetStatus, CostRow, DailySpend } from '../../../../shared/contract/costs.ts';
import type { Status } from '../../../../shared/status.ts';
import { ops } from '../../client/ops.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { SpendChart } from '../../components/SpendChart.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { downloadText, formatNumber } from '../../lib/format.ts';
import { useNewestOnly } from '../../lib/useNewestOnly.ts';
import { attempt, useApp } from '../../state/app-store.ts';

type By = 'day' | 'month' | 'category' | 'repository' | 'job' | 'model';
export const levelTone: Record<BudgetStatus['level'], Status> = { ok: 'healthy', warning: 'degraded', critical: 'down', exceeded: 'down' };
const usd = (n: number) => `$${n.toFixed(n !== 0 && n < 1 ? 4 : 2)}`;
export const budgetAmount = (b: Pick<BudgetStatus, 'metric'>, n: number) => (b.metric === 'usd' ? usd(n) : `${formatNumber(Math.round(n))} ${b.metric === 'tokens' ? 'tokens' : 'points'}`);

const columns: Column<CostRow>[] = [
  { key: 'key', header: 'Group', grow: true, render: (r) => <span className="mono">{r.key}</span> },
  { key: 'usd', header: 'US$', width: 110, render: (r) => usd(r.usd) },
  { key: 'tokens', header: 'Tokens', width: 120, render: (r) => formatNumber(r.inputTokens + r.outputTokens) },
  { key: 'points', header: 'GitHub points', width: 120, render: (r) => formatNumber(r.points) },
  { key: 'requests', header: 'Requests', width: 90, render: (r) => formatNumber(r.requests) },
  { key: 'runs', header: 'Runs', width: 60, render: (r) => r.runs },
];

export function CostsPage() {
  const toast = useApp((s) => s.toast);
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [by, setBy] = useState<By>('day');
  const [daily, setDaily] = useState<DailySpend | null>(null);
  const [rows, setRows] = useState<CostRow[]>([]);
  const [budgets, setBudgets] = useState<BudgetStatus[]>([]);
  const range = useCallback(() => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
  }, [month]);
  const newest = useNewestOnly();
  const load = useCallback(
    () =>
      newest(
        () => Promise.all([ops.costs.daily({ month }), ops.costs.summary({ by, ...range() }), ops.budgets.list()]),
        ([d, r, b]) => {
          setDaily(d);
          setRows(r);
          setBudgets(b);
        },
      ),
    [newest, month, by, range],
  );
  const hasProfile = useApp((s) => s.profiles.length > 0);
  useEffect(() => {
    if (hasProfile) void attempt('Reading the cost ledger', load);
  }, [load, hasProfile]);

  const exportCsv = async () => {
    const r = await attempt('Exporting', () => ops.costs.export(range()));
    if (r) downloadText(r.filename, r.csv, 'text/csv');
  };
  const sendReport = async () => {
    const r = await attempt('Queuing the budget report', () => ops.costs.sendReport({}));
    if (r) toast({ title: 'Budget report queued', body: 'It goes to the channels routed for P4 (see Jobs for its run).', tone: 'info' });
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>Costs</h1>
        {daily && (
          <p>
            month to date <strong>{usd(daily.monthToDate)}</strong> · forecast to month end <strong>{usd(daily.forecast)}</strong>
          </p>
        )}
        <div className="spacer" />
        <input className="input" type="month" aria-label="Month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
        <button className="btn" onClick={() => void exportCsv()}>
          Export CSV
        </button>
        <button className="btn" onClick={() => void sendReport()}>
          Send budget report
        </button>
      </div>
      <section className="panel">
        <div className="panel-header">
          <h2>Daily spend</h2>
          <span className="muted">UTC days; OpenAI embeddings and LLM scoring</span>
        </div>
        <div className="panel-body">{daily && <SpendChart days={daily.days} forecast={daily.forecast} label={`Daily spend in ${month}`} />}</div>
      </section>
      <section className="panel" aria-label="Budgets">
        <div className="panel-header">
          <h2>Budgets</h2>
          <span className="muted">edit them in Settings → Budgets</span>
        </div>
        <div className="panel-body">
          {!budgets.length && <div className="muted">No budgets: paid work runs unchecked. Add caps in Settings → Budgets (the Leaderboard runbook's are one click away).</div>}
          <table className="simple">
            <tbody>
              {budgets.map((b) => (
                <tr key={b.id} data-budget={b.name}>
                  <td style={{ width: 220 }}>
                    <strong>{b.name}</strong>
                    <div className="faint" style={{ fontSize: 11 }}>
                      {b.category}
                      {b.repository ? ` · ${b.repository}` : ''} · {b.period === 'job' ? 'largest run, 30 days' : `per ${b.period}`}
                      {b.enforce ? '' : ' · alert only'}
                    </div>
                  </td>
                  <td style={{ width: 220 }}>
                    <ProgressBar done={Math.min(b.used, b.cap)} total={b.cap} label={`${b.name} utilisation`} />
                  </td>
                  <td>
                    {budgetAmount(b, b.used)} of {budgetAmount(b, b.cap)} ({Math.round(b.utilisation * 100)}%)
                  </td>
                  <td style={{ width: 110 }}>
                    <StatusBadge status={b.enabled ? levelTone[b.level] : 'unknown'} label={b.enabled ? b.level : 'disabled'} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <div className="row">
        <h2>Ledger</h2>
        <label className="row muted" style={{ gap: 6 }}>
          by
          <select className="input" aria-label="Group the ledger by" value={by} onChange={(e) => setBy(e.target.value as By)}>
            {(['day', 'month', 'category', 'repository', 'job', 'model'] as const).map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="page-fill" style={{ minHeight: 220 }}>
        <VirtualTable label="Cost ledger" rows={rows} columns={columns} rowKey={(r) => r.key} empty="Nothing recorded this month." />
      </div>
    </div>
  );
}
