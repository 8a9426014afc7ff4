import type pg from 'pg';
import type { Reconciliation, SyncRequest } from '../../shared/contract/repos.ts';
import type { GitHubClient } from '../github/client.ts';
import type { Logger } from '../logging/logger.ts';
import type { ProgressUpdate } from '../jobs/types.ts';
import { carriedCount } from '../../shared/progress.ts';
import { githubCounts, reconcile, repositoryTotals, type GitHubCounts } from './reconcile.ts';
import { trackRepository } from './repositories.ts';
import { parseRepoName } from '../github/repo-name.ts';
import { INCREMENTAL_OVERLAP_MS, isWholePass, resolveWindow, streamPlan, type Stream } from './plan.ts';
import { DEFAULT_PAGE_SIZE, syncStream, type StreamDeps } from './stream.ts';
import { syncLanes } from './lanes.ts';
import { saveCursor } from './writer.ts';
import { describePgError } from '../warehouse/pg-errors.ts';
import { BusyTime } from './busy-time.ts';
import { syncCommits } from './commits.ts';
import { syncReleases } from './releases.ts';
import type { StreamCursor } from './writer.ts';

type SyncStream = StreamCursor['stream'];

/** The catch-up pass's first page: what changed during a pass is usually a handful of items. */
const CATCH_UP_FIRST_PAGE = 10;
import type { SyncSpend } from './spend.ts';

export interface SyncContext {
  runId: string;
  pool: pg.Pool;
  url: string;
  github: GitHubClient;
  log: Logger;
  signal: AbortSignal;
  progress(u: ProgressUpdate): void;
  /** GitHub points: the budget check before each page and the ledger entry with it. */
  spend?: (repository: string) => Promise<SyncSpend>;
  /** Job step wrapper: a stream finished in an earlier attempt is skipped. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface SyncResult {
  repository: string;
  repositoryId: string;
  mode: string;
  reconciliation: Reconciliation;
  github: ReturnType<GitHubClient['stats']['snapshot']>;
  rowsWritten: number;
  /** Time during which a page transaction was open (database write time; overlapping streams counted once). */
  writeSeconds: number;
  items: number;
  seconds: number;
}

interface StateRow {
  run_id: string | null;
  mode: string | null;
  cursor: string | null;
  page_size: number | null;
  pages: number;
  rows: number;
  items: number;
  done: boolean;
  window_since: Date | null;
  window_until: Date | null;
  high_water_mark: Date | null;
}

async function loadState(pool: pg.Pool, repositoryId: string, stream: SyncStream): Promise<StateRow | null> {
  const { rows } = await pool.query('SELECT * FROM sync_state WHERE repository_id = $1 AND stream = $2', [repositoryId, stream]);
  return (rows[0] as StateRow | undefined) ?? null;
}

/** One sync run: PRs, issues (with their closers), commits and releases, then reconciliation; resumable at page granularity. */
export async function runSync(ctx: SyncContext, req: SyncRequest): Promise<SyncResult> {
  const t0 = Date.now();
  const window = resolveWindow(req);
  // Whole-repository counts come per state too (where a whole pass splits its cursors); asked for
  // by the name given while the repository is looked up, and again by its new name after a rename.
  const given = parseRepoName(req.repository);
  const early = window.mode === 'range' ? null : repositoryTotals(ctx.github, given.owner, given.name);
  early?.catch(() => {}); // awaited below unless the repository was renamed
  // Checked on GitHub every run: a rename since the last one is followed (and logged) whichever name is given.
  const { repository: repo, renamedFrom } = await trackRepository(ctx.pool, ctx.github, req.repository);
  if (renamedFrom) ctx.log.info('repository_renamed', `${renamedFrom} was renamed to ${repo.fullName} on GitHub; following the rename`, { from: renamedFrom, to: repo.fullName });
  await ctx.pool.query(
    `INSERT INTO sync_runs (id, repository_id, mode, window_since, window_until, status) VALUES ($1, $2, $3, $4, $5, 'running')
     ON CONFLICT (id) DO UPDATE SET status = 'running', finished_at = NULL, error = NULL`,
    [ctx.runId, repo.id, window.mode, window.since, window.until],
  );
  // A resumed run keeps the window of its first attempt ("last 30 days" must not move).
  const first = (await ctx.pool.query('SELECT started_at, window_since, window_until FROM sync_runs WHERE id = $1', [ctx.runId])).rows[0] as { started_at: Date; window_since: Date | null; window_until: Date | null };
  const startedAt = first.started_at;
  if (window.mode === 'range') {
    window.since = first.window_since;
    window.until = first.window_until;
  }
  ctx.log.info('pipeline_started', `Sync of ${repo.fullName} started (${window.mode})`, { repository: repo.fullName, mode: window.mode, since: window.since, until: window.until });

  const sameName = repo.fullName.toLowerCase() === given.fullName.toLowerCase();
  const totals = early && sameName ? await early : window.mode === 'range' ? null : await repositoryTotals(ctx.github, repo.owner, repo.name);
  const expected = totals?.counts ?? (await githubCounts(ctx.github, repo.owner, repo.name, window));
  const streams: SyncStream[] = ['pull_requests', 'issues', 'commits', 'releases'];
  // Where each stream starts: a resumed attempt continues this run's cursor; an incremental pass starts at the last run's mark.
  const prevState = Object.fromEntries(await Promise.all(streams.map(async (st) => [st, await loadState(ctx.pool, repo.id, st)] as const))) as Record<SyncStream, StateRow | null>;
  const sinceFor = (stream: SyncStream): Date | null => {
    const prev = prevState[stream];
    if (prev?.run_id === ctx.runId) return prev.window_since;
    return window.mode === 'incremental' && prev?.high_water_mark ? prev.high_water_mark : null;
  };
  // GitHub's counts (the estimate's figures) are the total whenever every stream is a full pass;
  // an incremental pass from a mark fetches an unknown number of updated items.
  const fullPass = window.mode !== 'incremental' || (['pull_requests', 'issues', 'commits'] as SyncStream[]).every((st) => sinceFor(st) === null);
  const total = fullPass ? expected.pullRequests + expected.issues + expected.commits + expected.releases : null;
  // Counts across resumes: what earlier attempts of this run committed, stream by stream.
  const earlier = streams.reduce((n, st) => n + (prevState[st]?.run_id === ctx.runId ? (prevState[st]!.items ?? 0) : 0), 0);
  let items = 0; // this attempt's
  let rowsWritten = 0;
  const writing = new BusyTime(); // the streams write at once: the time any page transaction was open
  let gaps = 0;
  const report = (message: string) =>
    ctx.progress({
      done: carriedCount(earlier, items),
      total: total === null ? null : Math.max(total, carriedCount(earlier, items)),
      unit: 'items',
      message,
      extra: { rows: rowsWritten, rowsPerSecWritten: writing.ms ? Math.round(rowsWritten / (writing.ms / 1000)) : null, ...rateExtras(ctx.github) },
    });
  report('Starting');

  const spend = await ctx.spend?.(repo.fullName);
  const LABEL: Record<SyncStream, string> = { pull_requests: 'Pull requests', issues: 'Issues', commits: 'Commits', releases: 'Releases' };
  // The streams run at once (below): the first to fail stops the others at their next page.
  const streamsStop = new AbortController();
  const stopStreams = (reason: unknown) => streamsStop.abort(reason);
  if (ctx.signal.aborted) stopStreams(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', () => stopStreams(ctx.signal.reason), { once: true });
  const deps = (stream: SyncStream): StreamDeps => ({
    pool: ctx.pool,
    url: ctx.url,
    github: ctx.github,
    log: ctx.log,
    signal: streamsStop.signal,
    owner: repo.owner,
    name: repo.name,
    beforeFetch: spend ? () => spend.beforeFetch() : undefined,
    onCommit: spend ? (client) => spend.onCommit(client) : undefined,
    onPage: (p) => {
      items += p.items;
      rowsWritten += p.rows;
      const now = performance.now();
      writing.add(now - p.writeMs, now);
      report(`${LABEL[stream]}: page written`);
    },
  });
  // Mid-run statements between the pages' transactions: a warehouse going away is named as such.
  const described = <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => {
    throw describePgError(e, ctx.url);
  });
  const startOf = async (stream: SyncStream, windowSince: Date | null, windowUntil: Date | null): Promise<StreamCursor> => {
    const prev = await described(loadState(ctx.pool, repo.id, stream));
    const resuming = prev?.run_id === ctx.runId;
    if (resuming && !prev!.done) ctx.log.info('sync_resumed', `${stream}: resuming after page ${prev!.pages}`, { stream, pages: prev!.pages });
    return {
      repositoryId: repo.id,
      stream,
      runId: ctx.runId,
      mode: window.mode,
      cursor: resuming ? prev!.cursor : null,
      pageSize: (resuming ? prev!.page_size : null) ?? DEFAULT_PAGE_SIZE,
      pages: resuming ? prev!.pages : 0,
      rows: resuming ? prev!.rows : 0,
      items: resuming ? (prev!.items ?? 0) : 0,
      done: resuming ? prev!.done : false,
      windowSince: windowSince?.toISOString() ?? null,
      windowUntil: windowUntil?.toISOString() ?? null,
      highWaterMark: prev?.high_water_mark?.toISOString() ?? null,
    };
  };
  // A completed full or incremental pass moves the mark the next incremental run starts from.
  const moveMark = async (stream: SyncStream) => {
    if (window.mode !== 'range') await described(ctx.pool.query('UPDATE sync_state SET high_water_mark = $3 WHERE repository_id = $1 AND stream = $2', [repo.id, stream, new Date(startedAt.getTime() - INCREMENTAL_OVERLAP_MS)]));
  };
  // The four streams are independent (their own cursors and pages; people are upserted in a
  // statement of their own, in id order, so concurrent pages do not wait on each other): they run at once, so one stream's page
  // writes overlap the others' fetches. The first error stops the other streams after the page
  // they are writing, and every stream is awaited before it is raised: a failed, paused or
  // cancelled run leaves no stream still writing, and each resumes from its own last page.
  // GitHub's counts for the reconciliation are asked for as soon as every stream has fetched its
  // pages (a whole pass: before its catch-up request), so the request overlaps the last ones. A
  // stream finished in an earlier attempt never reports: the reconciliation then asks itself.
  let streamsFetching = 4;
  let countsAtEnd: Promise<GitHubCounts> | undefined;
  const fetched = () => {
    if (--streamsFetching > 0) return;
    countsAtEnd = githubCounts(ctx.github, repo.owner, repo.name, window);
    countsAtEnd.catch(() => {}); // awaited by the reconciliation
  };
  const nested = (stream: Stream) =>
    ctx.step(stream, async () => {
      // The incremental mark comes from the last complete run and stays fixed across resumes.
      const incrementalSince = sinceFor(stream);
      const plan = streamPlan(stream, window, window.mode === 'incremental' ? incrementalSince : null);
      const start = await startOf(stream, plan.stopBefore ?? window.since, window.until);
      const whole = totals && isWholePass(plan) && !start.done;
      const { cursor, gaps: g } = whole ? await wholePass(stream, plan, start, totals.byState[stream]) : await syncStream(deps(stream), plan, start);
      if (!whole) fetched();
      gaps += g;
      await moveMark(stream);
      return { pages: cursor.pages, rows: cursor.rows };
    });
  // A whole pass: every state paged from both ends at once (lanes.ts), then a catch-up pass over
  // what changed since the run started (items that changed state or appeared mid-pass).
  const wholePass = async (stream: Stream, plan: ReturnType<typeof streamPlan>, start: StreamCursor, byState: Record<string, number>) => {
    const fresh = (await described(loadState(ctx.pool, repo.id, stream)))?.run_id !== ctx.runId;
    if (fresh) await described(saveCursor(ctx.pool, start)); // this run's row: the lanes add their pages to it
    const { gaps: laneGaps } = await syncLanes(deps(stream), plan, start, byState);
    fetched();
    const row = (await described(loadState(ctx.pool, repo.id, stream)))!;
    const catchUp = streamPlan(stream, { mode: 'incremental', since: null, until: null }, new Date(startedAt.getTime() - INCREMENTAL_OVERLAP_MS));
    const from: StreamCursor = { ...start, cursor: row.cursor, pages: row.pages, rows: row.rows, items: row.items, pageSize: row.cursor ? (row.page_size ?? DEFAULT_PAGE_SIZE) : CATCH_UP_FIRST_PAGE };
    const done = await syncStream(deps(stream), catchUp, from, { growTo: DEFAULT_PAGE_SIZE });
    return { cursor: done.cursor, gaps: laneGaps + done.gaps };
  };
  const commits = () =>
    ctx.step('commits', async () => {
      // Incremental: committed since the mark (a merge's older commits are caught by the gap fill); range: the window.
      const since = window.mode === 'range' ? window.since : sinceFor('commits');
      const until = window.mode === 'range' ? window.until : null;
      const start = await startOf('commits', since, until);
      const cursor = await syncCommits(deps('commits'), { since, until, pruneBefore: window.mode === 'range' ? null : startedAt, expectedTotal: window.mode === 'range' ? null : expected.commits }, start);
      fetched();
      await moveMark('commits');
      return { pages: cursor.pages, rows: cursor.rows };
    });
  const releases = () =>
    ctx.step('releases', async () => {
      const cursor = await syncReleases(deps('releases'), startedAt, await startOf('releases', null, null));
      fetched();
      await moveMark('releases');
      return { pages: cursor.pages, rows: cursor.rows };
    });
  try {
    const errors: unknown[] = [];
    const stopOthersOnError = (p: Promise<unknown>) =>
      p.catch((error: unknown) => {
        errors.push(error);
        stopStreams(error);
      });
    await Promise.all([nested('pull_requests'), nested('issues'), commits(), releases()].map(stopOthersOnError));
    if (errors.length) throw errors[0];
  } finally {
    spend?.close();
  }

  report('Reconciling with GitHub');
  const reconciliation = await reconcile({ pool: ctx.pool, github: ctx.github, log: ctx.log, repositoryId: repo.id, owner: repo.owner, name: repo.name, window, nestedGaps: gaps, githubCounts: countsAtEnd });
  const stats = ctx.github.stats.snapshot();
  await ctx.pool.query(
    `UPDATE sync_runs SET status = $2, finished_at = now(), requests = requests + $3, graphql_points = graphql_points + $4, rows_written = rows_written + $5,
       counts = $6, reconciliation = $7, active_seconds = COALESCE(active_seconds, 0) + $8 WHERE id = $1`,
    // This attempt's time, paired with this attempt's requests: paused and crashed time never counts.
    [ctx.runId, reconciliation.ok ? 'succeeded' : 'incomplete', stats.requests, stats.graphqlPoints, rowsWritten, JSON.stringify({ expected, items }), JSON.stringify(reconciliation), (Date.now() - t0) / 1000],
  );
  await ctx.pool.query('UPDATE repositories SET last_synced_at = now() WHERE id = $1', [repo.id]);
  const seconds = (Date.now() - t0) / 1000;
  ctx.log.info('pipeline_completed', `Sync of ${repo.fullName} finished in ${seconds.toFixed(1)} s: ${items} items, ${rowsWritten} rows, ${stats.requests} requests, ${stats.graphqlPoints} points`, { items, rowsWritten, ...stats });
  report(reconciliation.ok ? 'Done: matches GitHub' : 'Done: differs from GitHub');
  return { repository: repo.fullName, repositoryId: repo.id, mode: window.mode, reconciliation, github: stats, rowsWritten, writeSeconds: writing.ms / 1000, items: carriedCount(earlier, items), seconds };
}

function rateExtras(github: GitHubClient): Record<string, unknown> {
  const s = github.stats;
  const gql = s.buckets.graphql;
  return {
    requests: s.requests,
    graphqlPoints: s.graphqlPoints,
    rateRemaining: gql?.remaining ?? null,
    rateResetAt: gql?.resetAt ?? null,
    secondaryLimitHits: s.secondaryLimitHits,
  };
}

/** Marks a failed attempt on its sync run row (the job stays resumable). */
export async function markSyncFailed(pool: pg.Pool, runId: string, message: string, status = 'failed'): Promise<void> {
  await pool.query('UPDATE sync_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1', [runId, status, message]).catch(() => {});
}
