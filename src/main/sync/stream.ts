import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { GitHubClient } from '../github/client.ts';
import type { GqlIssue, GqlPage, GqlPullRequest } from '../github/graphql-types.ts';
import { completeNested, nestedGaps } from '../github/nested.ts';
import { DEFAULT_NESTED, issuePageQuery, pullRequestPageQuery } from '../github/queries.ts';
import { sizedQuery } from '../github/resilient-query.ts';
import { inTransaction } from '../warehouse/pool.ts';
import { applyPlan, type StreamPlan } from './plan.ts';
import { pageRows, rowCount } from './rows.ts';
import { saveCursor, upsertContributors, writePage, type StreamCursor } from './writer.ts';

export const DEFAULT_PAGE_SIZE = 100;

export interface StreamDeps {
  pool: pg.Pool;
  url: string;
  github: GitHubClient;
  log: Logger;
  signal: AbortSignal;
  owner: string;
  name: string;
  /** Before every page request (the GitHub points budget): throws to stop. */
  beforeFetch?(): void;
  /** Inside every page's transaction (the cost ledger). */
  onCommit?(client: pg.PoolClient): Promise<void>;
  /** Called after every committed page. */
  onPage(p: { stream: string; items: number; rows: number; totalCount: number; writeMs: number }): void;
}

export type Node = GqlPullRequest | GqlIssue;

/** One page of a stream, exactly as the sync fetches it (its query, nested sizes and page size); `states` narrows it to items in those states. */
export async function fetchPage(deps: Pick<StreamDeps, 'github' | 'log' | 'signal' | 'owner' | 'name'>, plan: StreamPlan, after: string | null, size: number, states: readonly string[] | null = null): Promise<{ page: GqlPage<Node>; size: number }> {
  const nested = DEFAULT_NESTED;
  const isPr = plan.stream === 'pull_requests';
  const { data, size: used } = await sizedQuery<{ repository: { pullRequests?: GqlPage<GqlPullRequest>; issues?: GqlPage<GqlIssue> } | null }>({
    client: deps.github,
    log: deps.log,
    signal: deps.signal,
    what: `${deps.owner}/${deps.name} ${isPr ? 'pull requests' : 'issues'}`,
    size,
    build: (first) => ({
      query: isPr ? pullRequestPageQuery(nested) : issuePageQuery(nested),
      variables: { owner: deps.owner, name: deps.name, first, after, field: plan.field, direction: plan.direction, states, ...(isPr ? {} : { since: plan.issuesSince }) },
    }),
  });
  const page = isPr ? data.repository?.pullRequests : data.repository?.issues;
  if (!page) throw new OpsError('not_found', `${deps.owner}/${deps.name}: repository not found or token lacks access`);
  return { page: page as GqlPage<Node>, size: used };
}

/** A page fetched and made whole: its nested connections paged to the end, the plan applied. */
interface ReadyPage {
  page: GqlPage<Node>;
  size: number;
  keep: Node[];
  stop: boolean;
  prs: GqlPullRequest[];
  issues: GqlIssue[];
  gaps: number;
}

async function readPage(deps: StreamDeps, plan: StreamPlan, after: string | null, size: number): Promise<ReadyPage> {
  const { page, size: used } = await fetchPage(deps, plan, after, size);
  const { keep, stop } = applyPlan(plan, page.nodes);
  const prs = plan.stream === 'pull_requests' ? (keep as GqlPullRequest[]) : [];
  const issues = plan.stream === 'issues' ? (keep as GqlIssue[]) : [];
  await completeNested([...prs.map((node) => ({ kind: 'pr' as const, node })), ...issues.map((node) => ({ kind: 'issue' as const, node }))], { client: deps.github, log: deps.log, signal: deps.signal });
  const pageGaps = nestedGaps(prs, issues);
  if (pageGaps.length) deps.log.warn('nested_incomplete', `${pageGaps.length} nested connections differ from GitHub's totalCount`, { gaps: pageGaps.slice(0, 10) });
  return { page, size: used, keep, stop, prs, issues, gaps: pageGaps.length };
}

/**
 * Syncs one stream page by page. Each page's rows and the stream cursor are committed
 * in one transaction, so a kill at any moment resumes from the last committed page
 * with no duplicates and no gaps. The next page is fetched and its nested connections
 * completed while this one is written (one page ahead, so memory stays bounded).
 */
export async function syncStream(deps: StreamDeps, plan: StreamPlan, start: StreamCursor, opts: { growTo?: number } = {}): Promise<{ cursor: StreamCursor; gaps: number }> {
  const state = { ...start };
  let grow = opts.growTo; // a small first page (the catch-up pass), full pages after it
  let gaps = 0;
  if (state.done) return { cursor: state, gaps };
  deps.beforeFetch?.();
  let next = readPage(deps, plan, state.cursor, state.pageSize);
  let stopAfterWrite: unknown = undefined;
  for (;;) {
    const { page, size, keep, stop, prs, issues, gaps: pageGaps } = await next;
    state.pageSize = grow && size < grow ? grow : size;
    grow = undefined;
    gaps += pageGaps;
    const hasMore = page.pageInfo.hasNextPage && !stop && page.pageInfo.endCursor !== null;
    if (hasMore) {
      try {
        deps.beforeFetch?.();
        next = readPage(deps, plan, page.pageInfo.endCursor, state.pageSize);
        next.catch(() => {}); // surfaced when awaited on the next turn
      } catch (e) {
        stopAfterWrite = e; // this page is paid for: write it, then stop
      }
    }
    const rows = pageRows(prs, issues);
    const cursor: StreamCursor = { ...state, cursor: page.pageInfo.endCursor ?? state.cursor, pages: state.pages + 1, rows: state.rows + rowCount(rows), items: state.items + keep.length, done: !hasMore };
    const t0 = performance.now();
    await upsertContributors(deps.pool, deps.url, rows.contributors);
    await inTransaction(deps.pool, deps.url, async (client) => {
      await writePage(client, state.repositoryId, rows);
      await saveCursor(client, cursor);
      await deps.onCommit?.(client);
    });
    const writeMs = performance.now() - t0;
    Object.assign(state, cursor);
    deps.onPage({ stream: plan.stream, items: keep.length, rows: rowCount(rows), totalCount: page.totalCount, writeMs });
    deps.log.debug('scrape_progress', `${plan.stream}: page ${state.pages} written (${keep.length} items, ${rowCount(rows)} rows)`, { stream: plan.stream, page: state.pages, items: keep.length });
    if (stopAfterWrite !== undefined) throw stopAfterWrite;
    if (!hasMore) return { cursor: state, gaps };
  }
}
