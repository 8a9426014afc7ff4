import type { HandlerGroup } from '../rpc/types.ts';
import type { BudgetService } from './budget-service.ts';
import type { CostService } from './cost-service.ts';

export function costHandlers(costs: CostService, budgets: BudgetService): Omit<HandlerGroup<'costs' | 'budgets'>, 'costs.sendReport'> {
  return {
    'costs.summary': ({ by, ...range }) => costs.summary(by, range),
    'costs.daily': ({ month, category }) => costs.daily(month, category),
    'costs.export': (range) => costs.exportCsv(range),
    'costs.report': () => costs.report(),
    'budgets.list': () => budgets.status(),
    'budgets.save': (input) => budgets.save(input),
    'budgets.delete': async ({ id }) => {
      await budgets.remove(id);
      return { ok: true as const };
    },
    'budgets.applyRunbookPresets': () => budgets.applyRunbookPresets(),
  };
}
