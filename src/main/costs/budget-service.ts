import { EventEmitter } from 'node:events';
import type { Budget, BudgetInput, BudgetLevel, BudgetStatus, CostCategory } from '../../shared/contract/costs.ts';
import { OpsError } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../logging/logger.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { budgetStatusUsage, budgetUsage, deleteBudget, listBudgets, saveBudget, windowStarts } from './budget-store.ts';
import { amountFor, levelOf, SpendGuard, type Amount, type Tracked, type Violation } from './guard.ts';
import { describeAmount, periodWords } from './words.ts';

export interface BudgetLevelEvent {
  budget: Budget;
  level: BudgetLevel;
  used: number;
  utilisation: number;
  runId: string | null;
}

export interface GuardRequest {
  category: CostCategory;
  /** The run spending (for `job` budgets and to tell its own spending from others'). */
  runId: string | null;
  jobKind?: string;
  /** owner/name when the run works on one repository; null: all of them. */
  repository?: string | null;
  /** An audited override approved this much beyond the caps for this run. */
  override?: { estimate: Amount } | null;
}

const categoryMatches = (b: Budget, c: CostCategory) => b.category === c || (b.category === 'openai' && (c === 'embeddings' || c === 'llm'));

/** Budgets over the cost ledger: utilisation, the check before paid work, audited overrides. */
export class BudgetService {
  readonly events = new EventEmitter<{ level: [BudgetLevelEvent] }>();
  private readonly d: { warehouse: WarehouseService; audit: AuditLog; logger: Logger; refreshMs: () => number };

  constructor(d: BudgetService['d']) {
    this.d = d;
    this.events.setMaxListeners(0);
  }

  async list(): Promise<Budget[]> {
    return listBudgets(await this.d.warehouse.pool());
  }

  async status(now = new Date()): Promise<BudgetStatus[]> {
    const pool = await this.d.warehouse.pool();
    const [budgets, usage] = await Promise.all([listBudgets(pool), budgetStatusUsage(pool, now)]);
    const w = windowStarts(now);
    return budgets.map((b) => {
      const used = usage.get(b.id) ?? 0;
      return { ...b, used, remaining: Math.max(0, b.cap - used), utilisation: b.cap > 0 ? used / b.cap : 0, level: b.enabled ? levelOf(b, used, b.cap) : 'ok', windowStart: b.period === 'job' ? null : w[b.period].toISOString() };
    });
  }

  async save(input: BudgetInput & { id?: string }): Promise<Budget> {
    const pool = await this.d.warehouse.pool();
    const before = input.id ? (await listBudgets(pool)).find((b) => b.id === input.id) : undefined;
    const saved = await saveBudget(pool, input as Omit<Budget, 'id' | 'createdAt' | 'updatedAt'> & { id?: string });
    await this.d.audit.record({ action: input.id ? 'budget.update' : 'budget.create', subject: `budget:${saved.id}`, details: { name: saved.name, before: before ?? null, after: saved } });
    return saved;
  }

  async remove(id: string): Promise<void> {
    const removed = await deleteBudget(await this.d.warehouse.pool(), id);
    await this.d.audit.record({ action: 'budget.delete', subject: `budget:${id}`, details: { budget: removed } });
  }

  /** The Leaderboard runbook's budgets: $50/month, $10/day, $5/job, warnings at 80 %, critical at 95 %. */
  async applyRunbookPresets(): Promise<Budget[]> {
    const existing = await this.list();
    const out: Budget[] = [];
    for (const [name, period, cap] of [['OpenAI per month', 'month', 50], ['OpenAI per day', 'day', 10], ['OpenAI per job', 'job', 5]] as const) {
      const same = existing.find((b) => b.metric === 'usd' && b.category === 'openai' && b.period === period && !b.repository);
      out.push(await this.save({ id: same?.id, name: same?.name ?? name, metric: 'usd', period, cap, category: 'openai', repository: null, warnPct: 80, criticalPct: 95, enforce: true, enabled: true }));
    }
    return out;
  }

  /**
   * The one call paid work makes before it spends: a guard over every enabled budget that
   * applies to this category (and repository). Call `guard.admit(amount)` before each paid
   * batch (throws JobPausedError at a cap), `guard.settle(ticket, actual)` once the batch is in
   * the ledger, and `guard.close()` at the end of the run.
   */
  async guard(req: GuardRequest): Promise<SpendGuard> {
    const pool = await this.d.warehouse.pool();
    const repo = req.repository?.toLowerCase() ?? null;
    // A run over all repositories can still touch a repository budget's share (batches say which).
    const budgets = (await listBudgets(pool)).filter((b) => b.enabled && categoryMatches(b, req.category) && (!b.repository || repo === null || b.repository.toLowerCase() === repo));
    const read = async () => {
      const [usage, current] = await Promise.all([budgetUsage(pool, budgets.map((b) => b.id), req.runId), listBudgets(pool)]);
      return {
        usage: new Map(budgets.map((b) => {
          const u = usage.get(b.id) ?? { others: 0, mine: 0 };
          return [b.id, b.period === 'job' ? u.mine : u.others + u.mine] as const;
        })),
        budgets: new Map(current.filter((b) => b.enabled).map((b) => [b.id, b] as const)),
      };
    };
    const base = (await read()).usage;
    const tracked: Tracked[] = budgets.map((b) => {
      const used = base.get(b.id) ?? 0;
      const approved = req.override ? amountFor(b, req.override.estimate) : 0;
      // An override lets this run spend what the operator approved (+5 % for the estimate's error).
      const overrideCap = approved > 0 && used + approved > b.cap ? used + approved * 1.05 : null;
      return { budget: b, base: used, pending: 0, cap: overrideCap ?? b.cap, overrideCap, level: levelOf(b, used, b.cap) };
    });
    return new SpendGuard(tracked, {
      refresh: read,
      refreshMs: this.d.refreshMs(),
      onLevel: (t, used) => this.emitLevel(t.budget, t.level, used, req.runId),
    });
  }

  /**
   * Before a job starts: its estimate against what remains. Over an enforced cap it is refused
   * with a message naming the budget, unless the operator overrides: then the caller records the
   * override with `recordOverride` once the run exists.
   */
  async preflight(req: Omit<GuardRequest, 'override'> & { estimate: Amount; override?: { reason: string } | null }): Promise<Violation[]> {
    const guard = await this.guard({ ...req, override: null });
    try {
      const violations = guard.violations(req.estimate);
      if (violations.length && !req.override) throw refusedError(violations);
      return violations;
    } finally {
      guard.close();
    }
  }

  /** Whether any enabled budget covers this category (paid work skips its preflight otherwise). */
  async applies(category: CostCategory): Promise<boolean> {
    return (await this.list()).some((b) => b.enabled && categoryMatches(b, category));
  }

  /** Whether an operator overrode the budgets for this run (an override is only real once audited). */
  async overriddenFor(runId: string): Promise<boolean> {
    const pool = await this.d.warehouse.pool();
    const { rows } = await pool.query("SELECT 1 FROM audit_log WHERE action = 'budget.override' AND details->>'runId' = $1 LIMIT 1", [runId]);
    return rows.length > 0;
  }

  /** An operator's override of a refusal, in the audit log (who, why, which budgets, the estimate). */
  async recordOverride(o: { subject: string; runId: string | null; reason: string; actor?: string; estimate: Amount; violations: Violation[]; category: CostCategory; repository?: string | null }): Promise<void> {
    await this.d.audit.record({
      action: 'budget.override',
      subject: o.subject,
      actor: o.actor,
      details: { runId: o.runId, reason: o.reason, category: o.category, repository: o.repository ?? null, estimate: o.estimate, budgets: o.violations.map((v) => ({ id: v.budget.id, name: v.budget.name, cap: v.budget.cap, used: v.used, amount: v.amount })) },
    });
    this.d.logger.warn('budget_override', `Budget override for ${o.subject}: ${o.reason}`, { runId: o.runId, budgets: o.violations.map((v) => v.budget.name) });
  }

  private emitLevel(budget: Budget, level: BudgetLevel, used: number, runId: string | null): void {
    const msg = `Budget "${budget.name}" ${level}: ${describeAmount(budget.metric, used)} of ${describeAmount(budget.metric, budget.cap)} ${periodWords(budget.period)}`;
    (level === 'ok' || level === 'warning' ? this.d.logger.info : this.d.logger.warn).call(this.d.logger, 'budget_level', msg, { budgetId: budget.id, level, used });
    this.events.emit('level', { budget, level, used, utilisation: used / budget.cap, runId });
  }
}

export function refusedError(violations: Violation[]): OpsError {
  return new OpsError('conflict', `Refused: ${violations.map((v) => v.message).join(' ')} Raise the cap in Settings → Budgets, or start it with an override (recorded in the audit log).`, {
    budgets: violations.map((v) => ({ id: v.budget.id, name: v.budget.name, used: v.used, amount: v.amount, cap: v.budget.cap })),
  });
}
