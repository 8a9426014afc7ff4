import type { Budget, BudgetLevel } from '../../shared/contract/costs.ts';
import { JobPausedError } from '../jobs/types.ts';
import { describeAmount, periodWords } from './words.ts';

/** Spend of one paid batch (or an estimate of a whole run). */
export interface Amount {
  usd?: number;
  tokens?: number;
  points?: number;
  /** owner/name the spend belongs to, when it is one repository's. */
  repository?: string | null;
  /** Per-repository split of a batch that spans several (repository budgets count only their part). */
  parts?: { repository: string | null; usd?: number; tokens?: number; points?: number }[];
}

export interface Tracked {
  budget: Budget;
  /** Committed usage in the window as of the last refresh (for `job` budgets: this run's only). */
  base: number;
  /** Admitted by this guard but not yet in the ledger. */
  pending: number;
  /** The cap in force for this run (raised by an audited override up to the approved estimate). */
  cap: number;
  /** The cap an override approved for this run, if any. */
  overrideCap: number | null;
  level: BudgetLevel;
}

export interface Ticket {
  amounts: number[];
}

export interface Violation {
  budget: Budget;
  used: number;
  amount: number;
  message: string;
}

export const levelOf = (b: Pick<Budget, 'warnPct' | 'criticalPct'>, used: number, cap: number): BudgetLevel => {
  const pct = cap > 0 ? (used / cap) * 100 : 0;
  return pct >= 100 ? 'exceeded' : pct >= b.criticalPct ? 'critical' : pct >= b.warnPct ? 'warning' : 'ok';
};
const RANK: Record<BudgetLevel, number> = { ok: 0, warning: 1, critical: 2, exceeded: 3 };

/** The part of `a` that counts against `b` (its metric, and only its repository's share). */
export function amountFor(b: Budget, a: Amount): number {
  const pick = (x: { usd?: number; tokens?: number; points?: number }) => (b.metric === 'usd' ? (x.usd ?? 0) : b.metric === 'tokens' ? (x.tokens ?? 0) : (x.points ?? 0));
  if (!b.repository) return pick(a);
  const repo = b.repository.toLowerCase();
  if (a.parts) return a.parts.filter((p) => p.repository?.toLowerCase() === repo).reduce((s, p) => s + pick(p), 0);
  return a.repository?.toLowerCase() === repo ? pick(a) : 0;
}

/**
 * The check before each paid batch, in memory (a few comparisons: far under a millisecond):
 * committed usage from the ledger, refreshed in the background, plus what this run admitted
 * since. A batch that would take an enforced budget past its cap is refused with
 * JobPausedError, so a run stops before the batch, never after the cap is blown.
 */
export class SpendGuard {
  readonly tracked: Tracked[];
  private gen = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly refreshFn: () => Promise<{ usage: Map<string, number>; budgets: Map<string, Budget> }>;
  private readonly onLevel: (t: Tracked, used: number) => void;

  constructor(tracked: Tracked[], opts: { refresh: SpendGuard['refreshFn']; refreshMs: number; onLevel: (t: Tracked, used: number) => void }) {
    this.tracked = tracked;
    this.refreshFn = opts.refresh;
    this.onLevel = opts.onLevel;
    if (tracked.length && opts.refreshMs > 0) {
      this.timer = setInterval(() => void this.refresh().catch(() => {}), opts.refreshMs);
      this.timer.unref();
    }
  }

  /** What would go past an enforced cap if `a` were spent now (the preflight of a whole run). */
  violations(a: Amount): Violation[] {
    const out: Violation[] = [];
    for (const t of this.tracked) {
      if (!t.budget.enforce) continue;
      const amount = amountFor(t.budget, a);
      if (amount <= 0) continue;
      const used = t.base + t.pending;
      if (used + amount > t.cap * (1 + 1e-9)) out.push({ budget: t.budget, used, amount, message: refusal(t, used, amount) });
    }
    return out;
  }

  /** Reserves `a` or throws JobPausedError naming the budget; call before paying. */
  admit(a: Amount): Ticket {
    const amounts = new Array<number>(this.tracked.length);
    for (let i = 0; i < this.tracked.length; i++) {
      const t = this.tracked[i]!;
      const amount = amountFor(t.budget, a);
      amounts[i] = amount;
      if (amount > 0 && t.budget.enforce && t.budget.enabled && t.base + t.pending + amount > t.cap * (1 + 1e-9)) {
        const used = t.base + t.pending;
        this.raise(t, used, 'exceeded');
        throw new JobPausedError(`${refusal(t, used, amount)} Paused before the next paid batch: raise the cap (Settings → Budgets) and resume.`, { budgetId: t.budget.id, used, amount, cap: t.cap });
      }
    }
    for (let i = 0; i < this.tracked.length; i++) {
      const t = this.tracked[i]!;
      if (!amounts[i]) continue;
      t.pending += amounts[i]!;
      this.raise(t, t.base + t.pending);
    }
    return { amounts };
  }

  /** The admitted batch is in the ledger now, at its actual cost (or was never paid: `actual` zero). */
  settle(ticket: Ticket, actual?: Amount): void {
    this.gen++;
    for (let i = 0; i < this.tracked.length; i++) {
      const t = this.tracked[i]!;
      t.pending = Math.max(0, t.pending - (ticket.amounts[i] ?? 0));
      t.base += actual ? amountFor(t.budget, actual) : (ticket.amounts[i] ?? 0);
    }
  }

  /**
   * Re-reads committed usage (other processes' spending) and the budgets themselves (a cap
   * lowered mid-run pauses the run at its next batch); a usage read older than a settle is dropped.
   */
  async refresh(): Promise<void> {
    if (this.closed || !this.tracked.length) return;
    const gen = this.gen;
    const { usage, budgets } = await this.refreshFn();
    if (this.closed) return;
    for (const t of this.tracked) {
      const b = budgets.get(t.budget.id);
      if (!b) t.budget = { ...t.budget, enforce: false, enabled: false };
      else t.budget = b;
      t.cap = Math.max(t.budget.cap, t.overrideCap ?? 0);
      const u = usage.get(t.budget.id);
      if (u !== undefined && gen === this.gen) t.base = u;
      this.raise(t, t.base + t.pending);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Reports a level crossed upwards (`at` forces one: a refused batch means the cap is reached). */
  private raise(t: Tracked, used: number, at?: BudgetLevel): void {
    const level = at ?? levelOf(t.budget, used, t.budget.cap);
    if (RANK[level] > RANK[t.level]) {
      t.level = level;
      this.onLevel(t, used);
    }
  }
}

function refusal(t: Tracked, used: number, amount: number): string {
  const b = t.budget;
  const remaining = Math.max(0, t.cap - used);
  const scope = b.repository ? ` for ${b.repository}` : '';
  return `Budget "${b.name}" (${describeAmount(b.metric, b.cap)} ${periodWords(b.period)}${scope}): ${describeAmount(b.metric, used)} used, ${describeAmount(b.metric, remaining)} left; this needs ${describeAmount(b.metric, amount)}.`;
}
