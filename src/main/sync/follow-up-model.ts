import { FOLLOW_UP_BATCH } from '../github/nested.ts';
import { DEFAULT_NESTED, FOLLOW_UP_PAGE_SIZE, FOLLOW_UP_REVIEW_COMMENTS, type NestedSizes } from '../github/queries.ts';

/** An item's nested sizes (GitHub's totalCounts), as the estimate's scan or sample reads them. */
export interface NestedProfile {
  kind: 'pr' | 'issue';
  labels: number;
  comments: number;
  files: number;
  reviews: number;
  /** Comments of the first reviews (as many as the sync's page brings). */
  reviewComments: number[];
}

/** GitHub's totalCounts of an item's nested connections, as the size and sample queries return them. */
export interface SizeCounts {
  labels: { totalCount: number };
  comments: { totalCount: number };
  files?: { totalCount: number };
  reviews?: { totalCount: number; nodes: { comments: { totalCount: number } }[] };
}

/** An item's nested profile from its totalCounts. */
export const profileOf = (kind: 'pr' | 'issue', n: SizeCounts): NestedProfile => ({
  kind,
  labels: n.labels.totalCount,
  comments: n.comments.totalCount,
  files: n.files?.totalCount ?? 0,
  reviews: n.reviews?.totalCount ?? 0,
  reviewComments: n.reviews?.nodes.map((r) => r.comments.totalCount) ?? [],
});

/** What one page of the sync costs: its request and the follow-ups, with the nodes each returns. */
export interface PageCost {
  /** Nodes of the page request, then of each follow-up request. */
  requestNodes: number[];
  /** Warehouse rows the page writes (items, reviews, comments, review comments, files). */
  rows: number;
  /** Of them, file rows (the rest is what workspace totals and the verification read). */
  files: number;
}

interface Pending {
  total: number;
  fetched: number;
  /** pr.reviews: comment counts of the reviews it pages through (unknown ones take the mean). */
  reviewComments?: number[];
  meanReviewComments?: number;
  kind: 'reviews' | 'other';
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Replays completeNested (src/main/github/nested.ts) on sizes: continuations of every nested
 * connection past its first page, FOLLOW_UP_BATCH per request in FIFO order, reviews fetched by a
 * follow-up bringing their first comments and queueing the rest. Returns the requests a page takes.
 */
export function pageCost(items: NestedProfile[], n: NestedSizes = DEFAULT_NESTED): PageCost {
  let pageNodes = 1;
  let rows = 0;
  let files = 0;
  let queue: Pending[] = [];
  const other = (total: number, fetched: number) => (total > fetched ? [{ total, fetched, kind: 'other' as const }] : []);
  for (const it of items) {
    rows += 1 + it.comments + it.files;
    files += it.files;
    pageNodes += 1 + Math.min(it.labels, n.labels) + Math.min(it.comments, n.comments);
    if (it.kind === 'issue') {
      queue.push(...other(it.comments, n.comments), ...other(it.labels, n.labels));
      continue;
    }
    const known = it.reviewComments;
    const avg = mean(known);
    const commentsOf = (i: number) => known[i] ?? avg;
    let reviewComments = 0;
    for (let i = 0; i < it.reviews; i++) reviewComments += commentsOf(i);
    rows += it.reviews + Math.round(reviewComments);
    pageNodes += Math.min(it.files, n.files) + Math.min(it.reviews, n.reviews);
    const firstReviews = Math.min(it.reviews, n.reviews);
    for (let i = 0; i < firstReviews; i++) pageNodes += Math.min(commentsOf(i), n.reviewComments);
    if (it.reviews > n.reviews) queue.push({ total: it.reviews, fetched: n.reviews, kind: 'reviews', reviewComments: known, meanReviewComments: avg });
    queue.push(...other(it.comments, n.comments), ...other(it.files, n.files), ...other(it.labels, n.labels));
    for (let i = 0; i < firstReviews; i++) queue.push(...other(Math.round(commentsOf(i)), n.reviewComments));
  }
  const requestNodes = [Math.round(pageNodes)];
  while (queue.length) {
    const take = queue.slice(0, FOLLOW_UP_BATCH);
    queue = queue.slice(take.length);
    let nodes = 1;
    for (const p of take) {
      const from = p.fetched;
      p.fetched = Math.min(p.total, p.fetched + FOLLOW_UP_PAGE_SIZE);
      nodes += p.fetched - from;
      if (p.fetched < p.total) queue.push(p);
      if (p.kind === 'reviews') {
        for (let i = from; i < p.fetched; i++) {
          const c = Math.round(p.reviewComments?.[i] ?? p.meanReviewComments ?? 0);
          nodes += Math.min(c, FOLLOW_UP_REVIEW_COMMENTS);
          queue.push(...other(c, FOLLOW_UP_REVIEW_COMMENTS));
        }
      }
    }
    requestNodes.push(Math.round(nodes));
  }
  return { requestNodes, rows, files };
}
