import { DEFAULT_NESTED } from '../github/queries.ts';
import { DEFAULT_PAGE_SIZE } from './stream.ts';

/**
 * Requests and GraphQL points a sync of this many items costs. GitHub charges one
 * point per 100 connection requests; nested connections multiply by the page size.
 */
export function syncCost(counts: { pullRequests: number; issues: number; commits?: number; releases?: number }): { requests: number; points: number } {
  const prPages = Math.ceil(counts.pullRequests / DEFAULT_PAGE_SIZE);
  const issuePages = Math.ceil(counts.issues / DEFAULT_PAGE_SIZE);
  // History and releases are flat connections: one point a page; an empty one still takes a request.
  const commitPages = Math.max(1, Math.ceil((counts.commits ?? 0) / DEFAULT_PAGE_SIZE));
  const releasePages = Math.max(1, Math.ceil((counts.releases ?? 0) / DEFAULT_PAGE_SIZE));
  const n = DEFAULT_NESTED;
  const prPagePoints = Math.max(1, Math.round((1 + DEFAULT_PAGE_SIZE * 4 + DEFAULT_PAGE_SIZE * n.reviews) / 100));
  // Labels, comments and the closing event: three connections per issue.
  const issuePagePoints = Math.max(1, Math.round((1 + DEFAULT_PAGE_SIZE * 3) / 100));
  // Follow-ups for the few items with more nested items than one page holds.
  const followUps = Math.ceil((prPages + issuePages) * 0.25);
  return {
    requests: prPages + issuePages + commitPages + releasePages + followUps + 3,
    points: prPages * prPagePoints + issuePages * issuePagePoints + commitPages + releasePages + followUps * 20 + 3,
  };
}
