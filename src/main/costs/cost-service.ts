import type { BudgetReport, CostCategory, CostRow } from '../../shared/contract/costs.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { BudgetService } from './budget-service.ts';
import { dailySpend, exportCsv, recordCosts, summarize, type CostEntry, type Range } from './ledger.ts';
import { describeAmount, periodWords } from './words.ts';

type Queryable = Parameters<typeof recordCosts>[0];

/** The cost ledger: what paid work recorded, grouped for the Costs page, exported, reported. */
export class CostService {
  private readonly d: { warehouse: WarehouseService; budgets: BudgetService };
  constructor(d: CostService['d']) {
    this.d = d;
  }

  /** Paid work records its spending here, with its transaction's client so both commit together. */
  async record(entries: CostEntry[], client?: Queryable): Promise<void> {
    await recordCosts(client ?? (await this.d.warehouse.pool()), entries);
  }

  /** What one run has recorded so far (a resumed run's earlier attempts). */
  async runTotals(runId: string): Promise<{ usd: number; tokens: number; points: number }> {
    const pool = await this.d.warehouse.pool();
    const { rows } = await pool.query('SELECT COALESCE(sum(usd), 0)::float8 AS usd, COALESCE(sum(input_tokens + output_tokens), 0)::float8 AS tokens, COALESCE(sum(points), 0)::float8 AS points FROM cost_entries WHERE run_id = $1', [runId]);
    return rows[0];
  }

  async summary(by: 'day' | 'month' | 'category' | 'repository' | 'job' | 'model', r: Range): Promise<CostRow[]> {
    return summarize(await this.d.warehouse.pool(), by, r);
  }

  async daily(month: string | undefined, category: CostCategory | undefined, now = new Date()) {
    return dailySpend(await this.d.warehouse.pool(), month ?? now.toISOString().slice(0, 7), category, now);
  }

  async exportCsv(r: Range) {
    const { csv, rows } = await exportCsv(await this.d.warehouse.pool(), r);
    const stamp = new Date().toISOString().slice(0, 10);
    return { filename: `costs-${r.from?.slice(0, 10) ?? 'all'}-${r.to?.slice(0, 10) ?? stamp}.csv`, csv, rows };
  }

  /** The Leaderboard runbook's daily budget report. */
  async report(now = new Date()): Promise<BudgetReport> {
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const yesterdayStart = new Date(day.getTime() - 86_400_000);
    const [spend, yesterday, today, budgets] = await Promise.all([
      this.daily(undefined, undefined, now),
      this.summary('category', { from: yesterdayStart.toISOString(), to: day.toISOString() }),
      this.summary('category', { from: day.toISOString() }),
      this.d.budgets.status(now),
    ]);
    const sum = (rows: CostRow[]) => Math.round(rows.reduce((s, r) => s + r.usd, 0) * 1e6) / 1e6;
    const monthRows = await this.summary('category', { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString() });
    const lines = [
      `Budget report ${now.toISOString().slice(0, 10)} (UTC)`,
      `Yesterday $${sum(yesterday).toFixed(2)} · today so far $${sum(today).toFixed(2)} · month to date $${spend.monthToDate.toFixed(2)} · forecast to month end $${spend.forecast.toFixed(2)}`,
      ...monthRows.map((r) => `  ${r.key}: $${r.usd.toFixed(2)}${r.points ? `, ${r.points} GitHub points` : ''}${r.inputTokens + r.outputTokens ? `, ${(r.inputTokens + r.outputTokens).toLocaleString('en-US')} tokens` : ''}`),
      ...(budgets.length ? ['Budgets:'] : ['No budgets configured.']),
      ...budgets.map((b) => `  ${b.level === 'ok' ? '' : `[${b.level.toUpperCase()}] `}${b.name}: ${describeAmount(b.metric, b.used)} of ${describeAmount(b.metric, b.cap)} ${periodWords(b.period)}${b.repository ? ` (${b.repository})` : ''} — ${Math.round(b.utilisation * 100)}%`),
    ];
    return { generatedAt: now.toISOString(), yesterday: sum(yesterday), today: sum(today), monthToDate: spend.monthToDate, forecast: spend.forecast, byCategory: monthRows, budgets, text: lines.join('\n') };
  }
}
