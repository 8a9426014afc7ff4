import type { Feature } from '../core/feature.ts';
import { rateBudgetMigrations } from './migrations.ts';
import { RateBudgets } from './rate-budgets.ts';

/** Rate limits shared through the warehouse by every process using one GitHub token or OpenAI key. */
export const rateBudgetsFeature = {
  name: 'rate-budgets',
  warehouseMigrations: rateBudgetMigrations,
  create(s) {
    const rateBudgets = new RateBudgets({ pool: () => s.warehouse.coordinationPool(), logger: s.logger.child({ component: 'rate-budgets' }), describeError: (e) => s.warehouse.describeError(e) });
    return { services: { rateBudgets }, close: () => rateBudgets.close() };
  },
} satisfies Feature;
