import type pg from 'pg';
import type { Reconciliation } from '../../shared/contract/repos.ts';
import type { Logger } from '../logging/logger.ts';
import type { GitHubClient } from '../github/client.ts';
import { ISSUE_STATES, PULL_REQUEST_STATES, REPOSITORY_TOTALS_QUERY, WINDOW_COUNTS_QUERY } from '../github/queries.ts';
import { checkGraphQLErrors } from '../github/resilient-query.ts';
import type { SyncWindow } from './plan.ts';

export interface GitHubCounts {
  pullRequests: number;
  issues: number;
  /** Default-branch commits (committed in the window, in range mode). */
  commits: number;
  /** All releases, drafts included (releases are always synced whole). */
  releases: number;
}

/** Pull requests and issues per state (whole repository): how a whole pass splits its cursors. */
export type StateCounts = Record<'pull_requests' | 'issues', Record<string, number>>;

type HistoryTotal = { releases: { totalCount: number }; defaultBranchRef: { target: { history?: { totalCount: number } } | null } | null };
const commitTotal = (r: HistoryTotal) => r.defaultBranchRef?.target?.history?.totalCount ?? 0;

const searchDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** GitHub's own counts: repository totals, or `search` counts for a created-at window. */
export async function githubCounts(github: GitHubClient, owner: string, name: string, w: SyncWindow): Promise<GitHubCounts> {
  if (w.mode === 'range') {
    const range = `created:${w.since ? searchDate(w.since) : '*'}..${w.until ? searchDate(w.until) : '*'}`;
    const res = await github.graphql<{ prs: { issueCount: number }; issues: { issueCount: number }; repository: HistoryTotal }>(WINDOW_COUNTS_QUERY, {
      prs: `repo:${owner}/${name} is:pr ${range}`,
      issues: `repo:${owner}/${name} is:issue ${range}`,
      owner,
      name,
      since: w.since?.toISOString() ?? null,
      until: w.until?.toISOString() ?? null,
    });
    checkGraphQLErrors(res.errors, `Counting ${owner}/${name}`);
    return { pullRequests: res.data!.prs.issueCount, issues: res.data!.issues.issueCount, commits: commitTotal(res.data!.repository), releases: res.data!.repository.releases.totalCount };
  }
  return (await repositoryTotals(github, owner, name)).counts;
}

/** The whole repository's counts, with pull requests and issues per state, in one request. */
export async function repositoryTotals(github: GitHubClient, owner: string, name: string): Promise<{ counts: GitHubCounts; byState: StateCounts }> {
  const res = await github.graphql<{ repository: HistoryTotal }>(REPOSITORY_TOTALS_QUERY, { owner, name });
  checkGraphQLErrors(res.errors, `Counting ${owner}/${name}`);
  const r = res.data!.repository;
  const total = (alias: string) => (r as unknown as Record<string, { totalCount: number }>)[alias]!.totalCount;
  const byState: StateCounts = {
    pull_requests: Object.fromEntries(PULL_REQUEST_STATES.map((s) => [s, total(`pr_${s}`)])),
    issues: Object.fromEntries(ISSUE_STATES.map((s) => [s, total(`issue_${s}`)])),
  };
  return { counts: { pullRequests: total('pullRequests'), issues: total('issues'), commits: commitTotal(r), releases: r.releases.totalCount }, byState };
}

export async function storedCounts(pool: pg.Pool, repositoryId: string, w: SyncWindow): Promise<GitHubCounts> {
  const since = w.mode === 'range' ? w.since : null;
  const until = w.mode === 'range' ? w.until : null;
  const { rows } = await pool.query(
    `SELECT
       (SELECT count(*) FROM pull_requests WHERE repository_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at <= $3))::int AS prs,
       (SELECT count(*) FROM issues WHERE repository_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at <= $3))::int AS issues,
       (SELECT count(*) FROM commits WHERE repository_id = $1 AND ($2::timestamptz IS NULL OR committed_date >= $2) AND ($3::timestamptz IS NULL OR committed_date <= $3))::int AS commits,
       (SELECT count(*) FROM releases WHERE repository_id = $1)::int AS releases`,
    [repositoryId, since, until],
  );
  return { pullRequests: rows[0].prs, issues: rows[0].issues, commits: rows[0].commits, releases: rows[0].releases };
}

/**
 * The run's proof of completeness: what GitHub counts against what the warehouse
 * holds for the synced window. Any difference makes the run incomplete.
 */
export async function reconcile(opts: { pool: pg.Pool; github: GitHubClient; log: Logger; repositoryId: string; owner: string; name: string; window: SyncWindow; nestedGaps: number; githubCounts?: Promise<GitHubCounts> }): Promise<Reconciliation> {
  const [gh, stored] = await Promise.all([opts.githubCounts ?? githubCounts(opts.github, opts.owner, opts.name, opts.window), storedCounts(opts.pool, opts.repositoryId, opts.window)]);
  const check = (g: number, s: number) => ({ github: g, stored: s, match: g === s });
  const result: Reconciliation = {
    window: { since: opts.window.mode === 'range' ? (opts.window.since?.toISOString() ?? null) : null, until: opts.window.mode === 'range' ? (opts.window.until?.toISOString() ?? null) : null },
    pullRequests: check(gh.pullRequests, stored.pullRequests),
    issues: check(gh.issues, stored.issues),
    commits: check(gh.commits, stored.commits),
    releases: check(gh.releases, stored.releases),
    nestedGaps: opts.nestedGaps,
    ok: false,
    checkedAt: new Date().toISOString(),
  };
  result.ok = result.pullRequests.match && result.issues.match && result.commits!.match && result.releases!.match && opts.nestedGaps === 0;
  if (result.ok) opts.log.info('reconciliation_passed', `Warehouse matches GitHub: ${stored.pullRequests} PRs, ${stored.issues} issues, ${stored.commits} commits, ${stored.releases} releases`, { ...result });
  else {
    opts.log.error(
      'reconciliation_failed',
      `Warehouse differs from GitHub: PRs ${stored.pullRequests}/${gh.pullRequests}, issues ${stored.issues}/${gh.issues}, commits ${stored.commits}/${gh.commits}, releases ${stored.releases}/${gh.releases}, nested gaps ${opts.nestedGaps}`,
      { ...result },
    );
  }
  return result;
}
