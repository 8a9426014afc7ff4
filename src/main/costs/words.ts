import type { BudgetMetric, BudgetPeriod } from '../../shared/contract/costs.ts';

export function describeAmount(metric: BudgetMetric, n: number): string {
  if (metric === 'usd') return `$${n.toFixed(n !== 0 && Math.abs(n) < 1 ? 4 : 2)}`;
  return `${Math.round(n).toLocaleString('en-US')} ${metric === 'tokens' ? 'tokens' : 'points'}`;
}

export const periodWords = (p: BudgetPeriod) => ({ month: 'per month', day: 'per day', hour: 'per hour', job: 'per job' })[p];
