import type pg from 'pg';
import type { BudgetService } from '../costs/budget-service.ts';
import type { CostService } from '../costs/cost-service.ts';
import type { Ticket } from '../costs/guard.ts';
import type { GitHubClient } from '../github/client.ts';

/** What a sync spends of the GitHub token's points: checked before each page, recorded with it. */
export interface SyncSpend {
  /** Before a page is requested: throws JobPausedError when a GitHub points budget is reached. */
  beforeFetch(): void;
  /** Inside the page's transaction: the points and requests used since the last page. */
  onCommit(client: pg.PoolClient): Promise<void>;
  close(): void;
}

export async function githubSpend(d: { budgets: BudgetService; costs: CostService }, o: { runId: string; jobKind: string; repository: string; github: GitHubClient }): Promise<SyncSpend> {
  const guard = await d.budgets.guard({ category: 'github', runId: o.runId, jobKind: o.jobKind, repository: o.repository });
  let recorded = { requests: o.github.stats.requests, points: o.github.stats.graphqlPoints };
  // A page costs about what the last one did (GraphQL's cost is per query shape).
  let perPage = 1;
  const tickets: Ticket[] = [];
  return {
    beforeFetch() {
      if (guard.tracked.length) tickets.push(guard.admit({ points: perPage, repository: o.repository }));
    },
    async onCommit(client) {
      const s = o.github.stats;
      const delta = { requests: s.requests - recorded.requests, points: s.graphqlPoints - recorded.points };
      recorded = { requests: s.requests, points: s.graphqlPoints };
      if (delta.points > 0) perPage = delta.points;
      await d.costs.record([{ category: 'github', runId: o.runId, jobKind: o.jobKind, repository: o.repository, requests: delta.requests, points: delta.points }], client);
      const t = tickets.shift();
      if (t) guard.settle(t, { points: delta.points, repository: o.repository });
    },
    close: () => guard.close(),
  };
}
