import type { Feature } from '../core/feature.ts';
import { BudgetService } from './budget-service.ts';
import { CostService } from './cost-service.ts';
import { costHandlers } from './handlers.ts';
import { costMigrations } from './migrations.ts';

/** The cost ledger, budgets and the check before every paid batch. */
export const costsFeature = {
  name: 'costs',
  warehouseMigrations: costMigrations,
  create(s, { config }) {
    const refreshMs = Number(config.env.REPO_OPS_BUDGET_REFRESH_MS) || 2000;
    const budgets = new BudgetService({ warehouse: s.warehouse, audit: s.audit, logger: s.logger.child({ component: 'budgets' }), refreshMs: () => refreshMs });
    const costs = new CostService({ warehouse: s.warehouse, budgets });
    return { services: { budgets, costs }, handlers: () => costHandlers(costs, budgets) };
  },
} satisfies Feature;
