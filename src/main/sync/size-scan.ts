import type pg from 'pg';
import type { GitHubClient } from '../github/client.ts';
import { DEFAULT_NESTED, ISSUE_SIZES_QUERY, pullRequestSizesQuery, REPOSITORY_TOTALS_QUERY } from '../github/queries.ts';
import type { Logger } from '../logging/logger.ts';
import { checkGraphQLErrors, sizedQuery } from '../github/resilient-query.ts';
import { profileOf, type NestedProfile } from './follow-up-model.ts';
import { applyPlan, streamPlan, type Stream, type SyncWindow } from './plan.ts';
import { DEFAULT_PAGE_SIZE } from './stream.ts';

export interface ScannedItem extends NestedProfile {
  number: number;
  /** OPEN, CLOSED, MERGED: a whole pass pages each state along cursors of its own. */
  state: string;
  createdAt: string;
  updatedAt: string;
}

export interface StreamScan {
  stream: Stream;
  /** The incremental mark this stream starts from (null: a full pass). */
  since: Date | null;
  /** Items the sync will keep, page by page, as its own pages will hold them. */
  pages: ScannedItem[][];
  /** False when the scan stopped at its page limit before the stream's end. */
  complete: boolean;
}

/** One timed GitHub request: what the estimate's latency model is fitted on. */
export interface RequestTiming {
  nodes: number;
  ms: number;
}

interface SizeNode {
  number: number;
  state: string;
  createdAt: string;
  updatedAt: string;
  labels: { totalCount: number };
  comments: { totalCount: number };
  files?: { totalCount: number };
  reviews?: { totalCount: number; nodes: { comments: { totalCount: number } }[] };
}

type SizePage = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: SizeNode[] };


/** Where the next incremental sync of each stream starts (the last complete pass's mark). */
export async function incrementalMarks(pool: pg.Pool, repositoryId: string | null): Promise<Record<Stream | 'commits', Date | null>> {
  const marks: Record<Stream | 'commits', Date | null> = { pull_requests: null, issues: null, commits: null };
  if (!repositoryId) return marks;
  const { rows } = await pool.query("SELECT stream, high_water_mark FROM sync_state WHERE repository_id = $1 AND stream IN ('pull_requests', 'issues', 'commits')", [repositoryId]);
  for (const r of rows as { stream: Stream | 'commits'; high_water_mark: Date | null }[]) marks[r.stream] = r.high_water_mark;
  return marks;
}

/** Commits on the default branch since a date (the incremental commits pass fetches these). */
export async function commitsSince(github: GitHubClient, owner: string, name: string, since: Date): Promise<number> {
  const res = await github.graphql<{ repository: { defaultBranchRef: { target: { history?: { totalCount: number } } | null } | null } | null }>(REPOSITORY_TOTALS_QUERY, { owner, name, since: since.toISOString() });
  checkGraphQLErrors(res.errors, `Counting ${owner}/${name} commits`);
  return res.data?.repository?.defaultBranchRef?.target?.history?.totalCount ?? 0;
}

/**
 * A totalCount-only pass over the pages a sync of this window will fetch, in the same order and
 * page size, stopping where the sync stops (an incremental pass at its mark): which items it
 * keeps and how big each one's nested connections are. About as many requests as the sync's
 * pages, far fewer nodes, no texts. Stops after `maxPages` per stream (complete: false).
 */
export async function scanSizes(opts: {
  github: GitHubClient;
  log: Logger;
  owner: string;
  name: string;
  window: SyncWindow;
  marks: Record<Stream, Date | null>;
  maxPages: number;
  signal?: AbortSignal;
  onTiming?(t: RequestTiming): void;
}): Promise<StreamScan[]> {
  const out: StreamScan[] = [];
  for (const stream of ['pull_requests', 'issues'] as Stream[]) {
    const since = opts.window.mode === 'incremental' ? opts.marks[stream] : null;
    const plan = streamPlan(stream, opts.window, since);
    const isPr = stream === 'pull_requests';
    const scan: StreamScan = { stream, since, pages: [], complete: false };
    let after: string | null = null;
    for (;;) {
      if (scan.pages.length >= opts.maxPages) break;
      const t0 = performance.now();
      const { data } = await sizedQuery<{ repository: { pullRequests?: SizePage; issues?: SizePage } | null }>({
        client: opts.github,
        log: opts.log,
        signal: opts.signal,
        what: `${opts.owner}/${opts.name} ${isPr ? 'pull request' : 'issue'} sizes`,
        size: DEFAULT_PAGE_SIZE,
        build: (first) => ({
          query: isPr ? pullRequestSizesQuery(DEFAULT_NESTED) : ISSUE_SIZES_QUERY,
          variables: { owner: opts.owner, name: opts.name, first, after, field: plan.field, direction: plan.direction, ...(isPr ? {} : { since: plan.issuesSince }) },
        }),
      });
      const page = isPr ? data.repository?.pullRequests : data.repository?.issues;
      if (!page) break;
      opts.onTiming?.({ nodes: 1 + page.nodes.length + page.nodes.reduce((n, x) => n + (x.reviews?.nodes.length ?? 0), 0), ms: performance.now() - t0 });
      const { keep, stop } = applyPlan(plan, page.nodes);
      scan.pages.push(keep.map((n) => ({ number: n.number, state: n.state, createdAt: n.createdAt, updatedAt: n.updatedAt, ...profileOf(isPr ? 'pr' : 'issue', n) })));
      if (!page.pageInfo.hasNextPage || stop || page.pageInfo.endCursor === null) {
        scan.complete = true;
        break;
      }
      after = page.pageInfo.endCursor;
    }
    out.push(scan);
  }
  return out;
}
