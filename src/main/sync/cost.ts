import { DEFAULT_NESTED } from '../github/queries.ts';
import { DEFAULT_PAGE_SIZE } from './stream.ts';

/**
 * Requests and GraphQL points a sync of this many items costs. GitHub charges one
 * point per 100 connection requests; nested connections multiply by the page size.
 */
export function syncCost(counts: { pullRequests: number; issues: number }): { requests: number; points: number } {
  const prPages = Math.ceil(counts.pullRequests / DEFAULT_PAGE_SIZE);
  const issuePages = Math.ceil(counts.issues / DEFAULT_PAGE_SIZE);
  const n = DEFAULT_NESTED;
  const prPagePoints = Math.max(1, Math.round((1 + DEFAULT_PAGE_SIZE * 4 + DEFAULT_PAGE_SIZE * n.reviews) / 100));
  const issuePagePoints = Math.max(1, Math.round((1 + DEFAULT_PAGE_SIZE * 2) / 100));
  // Follow-ups for the few items with more nested items than one page holds.
  const followUps = Math.ceil((prPages + issuePages) * 0.25);
  return { requests: prPages + issuePages + followUps + 3, points: prPages * prPagePoints + issuePages * issuePagePoints + followUps * 20 + 3 };
}
