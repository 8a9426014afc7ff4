import type pg from 'pg';
import type { GqlCommit, GqlConnection } from '../github/graphql-types.ts';
import { COMMIT_PAGE_QUERY } from '../github/queries.ts';
import { sizedQuery } from '../github/resilient-query.ts';
import { inTransaction } from '../warehouse/pool.ts';
import { Contributors, type ContributorRow } from './rows.ts';
import type { StreamDeps } from './stream.ts';
import { json, saveCursor, upsertContributors, type StreamCursor } from './writer.ts';

/** Where a commits pass starts and what it may clean up. */
export interface CommitPlan {
  /** Committed-date bounds (incremental mark or range window); null: the whole history. */
  since: Date | null;
  until: Date | null;
  /** A whole-history pass that reaches the end deletes the repository's commits it did not see (force pushes, a new default branch). */
  pruneBefore: Date | null;
  /**
   * After a pass bounded by an incremental mark: GitHub's whole-history count. A merge brings in
   * commits dated before the mark, so when the warehouse holds fewer, the history is paged again
   * from the head until it holds them all; when it holds more (a force push), the whole history is
   * paged and what it no longer has is deleted.
   */
  expectedTotal: number | null;
}

// Cursors of the second passes (from the head, without `since`): filling gaps, or sweeping everything.
const FILL = 'fill:';
const SWEEP = 'sweep:';

const UPSERT_COMMITS = `
INSERT INTO commits AS m (repository_id, sha, author_id, author_name, author_email, message_headline, committed_date, authored_date, additions, deletions, synced_at)
SELECT $2, x.sha, c.id, x.author_name, x.author_email, x.message_headline, x.committed_date, x.authored_date, x.additions, x.deletions, now()
FROM json_to_recordset($1::json) AS x(sha text, author bigint, author_name text, author_email text, message_headline text,
  committed_date timestamptz, authored_date timestamptz, additions int, deletions int)
LEFT JOIN contributors c ON c.github_id = x.author
ON CONFLICT (repository_id, sha) DO UPDATE SET
  author_id = EXCLUDED.author_id, author_name = EXCLUDED.author_name, author_email = EXCLUDED.author_email, message_headline = EXCLUDED.message_headline,
  committed_date = EXCLUDED.committed_date, authored_date = EXCLUDED.authored_date, additions = EXCLUDED.additions, deletions = EXCLUDED.deletions, synced_at = now()`;

/** Commit rows and the accounts GitHub links them to (no account: an email it cannot link, a bot, a deleted user — no author_id). */
export function commitRows(nodes: GqlCommit[]): { contributors: ContributorRow[]; commits: Record<string, unknown>[] } {
  const people = new Contributors();
  const commits = nodes.map((c) => {
    const user = c.author?.user;
    return {
      sha: c.oid,
      author: user && typeof user.databaseId === 'number' ? people.add(user, c.committedDate) : null,
      author_name: c.author?.name ?? null,
      author_email: c.author?.email ?? null,
      message_headline: c.messageHeadline,
      committed_date: c.committedDate,
      authored_date: c.authoredDate,
      additions: c.additions ?? 0,
      deletions: c.deletions ?? 0,
    };
  });
  return { contributors: people.rows(), commits };
}

type Data = { repository: { defaultBranchRef: { target: { __typename: string; history?: GqlConnection<GqlCommit> } | null } | null } | null };

async function fetchCommits(deps: StreamDeps, vars: { after: string | null; since: Date | null; until: Date | null }, size: number): Promise<{ history: GqlConnection<GqlCommit> | null; size: number }> {
  const { data, size: used } = await sizedQuery<Data>({
    client: deps.github,
    log: deps.log,
    signal: deps.signal,
    what: `${deps.owner}/${deps.name} commits`,
    size,
    build: (first) => ({ query: COMMIT_PAGE_QUERY, variables: { owner: deps.owner, name: deps.name, first, after: vars.after, since: vars.since?.toISOString() ?? null, until: vars.until?.toISOString() ?? null } }),
  });
  // An empty repository has no default branch (or no commit at its head): nothing to page.
  return { history: data.repository?.defaultBranchRef?.target?.history ?? null, size: used };
}

async function storedCommits(client: pg.ClientBase, repositoryId: string): Promise<number> {
  return (await client.query('SELECT count(*)::int AS n FROM commits WHERE repository_id = $1', [repositoryId])).rows[0].n as number;
}

/**
 * Pages the default branch's history (newest first) into `commits`, each page committed with the
 * stream cursor, so a kill resumes after the last written page. GitHub's history cursor names the
 * commit it started from, so pushes during the pass shift nothing. The next page is fetched while
 * this one is written (one ahead: memory stays bounded).
 */
export async function syncCommits(deps: StreamDeps, plan: CommitPlan, start: StreamCursor): Promise<StreamCursor> {
  const state = { ...start };
  if (state.done) return state;
  type Page = Awaited<ReturnType<typeof fetchCommits>>;
  const request = (cursor: string | null, size: number): Promise<Page> => {
    const prefix = [FILL, SWEEP].find((p) => cursor?.startsWith(p)) ?? '';
    const after = prefix ? cursor!.slice(prefix.length) || null : cursor;
    deps.beforeFetch?.();
    return fetchCommits(deps, { after, since: prefix ? null : plan.since, until: prefix ? null : plan.until }, size);
  };
  let ahead: { cursor: string | null; page: Promise<Page> } | null = null;
  let stopAfterWrite: unknown = undefined;
  for (;;) {
    const prefix = [FILL, SWEEP].find((p) => state.cursor?.startsWith(p)) ?? '';
    const filling = prefix === FILL;
    const fetched: Promise<Page> = ahead?.cursor === state.cursor ? ahead.page : request(state.cursor, state.pageSize);
    ahead = null;
    const { history, size }: Page = await fetched;
    // The usual next page, requested now; a page that ends the pass or starts a second one discards it.
    if (history?.pageInfo.hasNextPage && history.pageInfo.endCursor !== null && !filling) {
      const cursor: string = prefix + history.pageInfo.endCursor;
      try {
        ahead = { cursor, page: request(cursor, size) };
        ahead.page.catch(() => {}); // surfaced when awaited
      } catch (e) {
        stopAfterWrite = e; // this page is paid for: write it, then stop
      }
    }
    const nodes = history?.nodes ?? [];
    const rows = commitRows(nodes);
    const hasMore = !!history?.pageInfo.hasNextPage && history.pageInfo.endCursor !== null;
    const next: StreamCursor = { ...state, pageSize: size, pages: state.pages + 1, rows: state.rows + rows.contributors.length + nodes.length, items: state.items + nodes.length };
    const t0 = performance.now();
    await upsertContributors(deps.pool, deps.url, rows.contributors);
    await inTransaction(deps.pool, deps.url, async (client) => {
      if (rows.commits.length) await client.query(UPSERT_COMMITS, [json(rows.commits), state.repositoryId]);
      next.cursor = hasMore ? prefix + history!.pageInfo.endCursor : state.cursor;
      next.done = !hasMore;
      if (filling && hasMore && (await storedCommits(client, state.repositoryId)) >= (history?.totalCount ?? 0)) next.done = true;
      // Seen the whole history in this run: what it did not see is gone from the branch.
      const wholeHistory = prefix !== '' || (plan.since === null && plan.until === null);
      if (!hasMore && wholeHistory && plan.pruneBefore) {
        const gone = await client.query('DELETE FROM commits WHERE repository_id = $1 AND synced_at < $2', [state.repositoryId, plan.pruneBefore]);
        if (gone.rowCount) deps.log.info('commits_pruned', `${gone.rowCount} commits are no longer on the default branch`, { removed: gone.rowCount });
      }
      if (next.done && !prefix && plan.expectedTotal !== null && plan.since !== null) {
        const stored = await storedCommits(client, state.repositoryId);
        if (stored !== plan.expectedTotal) {
          const fewer = stored < plan.expectedTotal;
          deps.log.info(
            'commits_second_pass',
            fewer
              ? `${stored} commits stored, GitHub counts ${plan.expectedTotal} (a merge brought older ones): paging the history again from the head until all are in`
              : `${stored} commits stored, GitHub counts ${plan.expectedTotal} (a force push?): paging the whole history to drop what the branch lost`,
            { stored, expected: plan.expectedTotal },
          );
          next.cursor = fewer ? FILL : SWEEP;
          next.done = false;
        }
      }
      await saveCursor(client, next);
      await deps.onCommit?.(client);
    });
    Object.assign(state, next);
    deps.onPage({ stream: 'commits', items: nodes.length, rows: rows.contributors.length + nodes.length, totalCount: history?.totalCount ?? 0, writeMs: performance.now() - t0 });
    if (stopAfterWrite !== undefined) throw stopAfterWrite;
    if (state.done) {
      await (ahead as { page: Promise<Page> } | null)?.page.catch(() => {}); // discarded: nothing left running
      return state;
    }
  }
}
