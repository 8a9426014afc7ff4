import type pg from 'pg';
import type { GitHubClient } from '../github/client.ts';
import type { Logger } from '../logging/logger.ts';
import { pageCost, type PageCost } from './follow-up-model.ts';
import type { SyncWindow } from './plan.ts';
import { githubCounts, storedCounts, type GitHubCounts } from './reconcile.ts';
import { findRepository, type TrackedRepository } from './repositories.ts';
import { commitsSince, incrementalMarks, scanSizes, type RequestTiming, type StreamScan } from './size-scan.ts';
import { DEFAULT_PAGE_SIZE } from './stream.ts';

/** What a sync of a window will fetch, measured read-only before it runs (the backfill estimate's input). */
export interface SyncMeasurement {
  window: SyncWindow;
  /** GitHub's counts for the window. */
  github: GitHubCounts;
  /** The warehouse's counts for the window (zeros when the repository is not tracked yet). */
  stored: { pullRequests: number; issues: number };
  repository: TrackedRepository | null;
  /** The PR and issue streams' pages as the sync will fetch them (empty when not scanned). */
  scan: StreamScan[];
  /** Each scanned page's request and follow-ups (nodes per request) and rows, per stream. */
  pageCosts: PageCost[][];
  /** Commits the commit pass fetches (from the mark on an incremental run) and releases (always whole). */
  commits: number;
  releases: number;
  pageSize: number;
  /** Every request this measurement made, timed (what a latency model is fitted on). */
  timings: RequestTiming[];
  /** GitHub's GraphQL bucket after the measurement. */
  graphql: { remaining: number | null; resetAt: string | null };
}

/**
 * GitHub's counts, the warehouse's state, and a totalCount-only scan of the pages the sync will
 * fetch (`scan: false` skips it). Read-only: nothing is tracked or written.
 */
export async function measureSync(opts: { pool: pg.Pool; github: GitHubClient; log: Logger; owner: string; name: string; window: SyncWindow; scan: boolean; maxPages: number; signal?: AbortSignal }): Promise<SyncMeasurement> {
  const { pool, github, owner, name, window } = opts;
  const timings: RequestTiming[] = [];
  const t0 = performance.now();
  const counts = await githubCounts(github, owner, name, window);
  timings.push({ nodes: 3, ms: performance.now() - t0 });
  const repository = await findRepository(pool, `${owner}/${name}`);
  const stored = repository ? await storedCounts(pool, repository.id, window) : { pullRequests: 0, issues: 0 };
  const marks = window.mode === 'incremental' ? await incrementalMarks(pool, repository?.id ?? null) : { pull_requests: null, issues: null, commits: null };
  const scan = opts.scan ? await scanSizes({ github, log: opts.log, owner, name, window, marks, maxPages: opts.maxPages, signal: opts.signal, onTiming: (t) => timings.push(t) }) : [];
  const commits = marks.commits ? await commitsSince(github, owner, name, marks.commits) : counts.commits;
  return {
    window,
    github: counts,
    stored: { pullRequests: stored.pullRequests, issues: stored.issues },
    repository,
    scan,
    pageCosts: scan.map((s) => s.pages.map((p) => pageCost(p))),
    commits,
    releases: counts.releases,
    pageSize: DEFAULT_PAGE_SIZE,
    timings,
    graphql: { remaining: github.stats.buckets.graphql?.remaining ?? null, resetAt: github.stats.buckets.graphql?.resetAt ?? null },
  };
}
