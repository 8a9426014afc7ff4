import type pg from 'pg';
import type { GitHubClient } from '../github/client.ts';
import type { Logger } from '../logging/logger.ts';
import { pageCost, type PageCost } from './follow-up-model.ts';
import { isWholePass, streamPlan, type SyncWindow } from './plan.ts';
import { githubCounts, storedCounts, type GitHubCounts } from './reconcile.ts';
import { findRepository, type TrackedRepository } from './repositories.ts';
import { commitsSince, incrementalMarks, scanSizes, type RequestTiming, type ScannedItem, type StreamScan } from './size-scan.ts';
import { DEFAULT_PAGE_SIZE, fetchPage } from './stream.ts';

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
  /**
   * The pages' requests and follow-ups (nodes per request) and rows, per stream and cursor: a whole
   * pass pages each state from both ends (lanes.ts), so its items are grouped as its cursors will
   * fetch them; any other pass is one cursor.
   */
  pageCosts: PageCost[][][];
  /** Streams paged by state from both ends: each ends with a catch-up request (what changed meanwhile). */
  wholePasses: number;
  /** Commits the commit pass fetches (from the mark on an incremental run) and releases (always whole). */
  commits: number;
  releases: number;
  pageSize: number;
  /** Every request this measurement made, timed (what a latency model is fitted on). */
  timings: RequestTiming[];
  /**
   * The first pull-request page fetched whole, as the sync will fetch it (bodies and every nested
   * node): what a page with content costs, which the totalCount-only scan cannot show.
   */
  fullPage: RequestTiming | null;
  /** GitHub's GraphQL bucket after the measurement. */
  graphql: { remaining: number | null; resetAt: string | null };
  /** When GitHub was read (a measurement may be reused for a few minutes: measure-memo.ts). */
  readAt: number;
}

/** The warehouse's side of a measurement: cheap, read every time. */
export interface WarehouseSide {
  repository: TrackedRepository | null;
  stored: { pullRequests: number; issues: number };
  /** The incremental marks the scan starts from: GitHub's side holds while they stay the same. */
  marks: Record<'pull_requests' | 'issues' | 'commits', Date | null>;
}

/** The repository's row, its stored counts in the window and its marks (incremental windows only). */
export async function warehouseSide(pool: pg.Pool, fullName: string, window: SyncWindow): Promise<WarehouseSide> {
  const repository = await findRepository(pool, fullName);
  const stored = repository ? await storedCounts(pool, repository.id, window) : { pullRequests: 0, issues: 0 };
  const marks = window.mode === 'incremental' ? await incrementalMarks(pool, repository?.id ?? null) : { pull_requests: null, issues: null, commits: null };
  return { repository, stored: { pullRequests: stored.pullRequests, issues: stored.issues }, marks };
}

/**
 * GitHub's counts, the warehouse's state, and a totalCount-only scan of the pages the sync will
 * fetch (`scan: false` skips it). Read-only: nothing is tracked or written.
 */
export async function measureSync(opts: { github: GitHubClient; log: Logger; owner: string; name: string; window: SyncWindow; side: WarehouseSide; scan: boolean; maxPages: number; signal?: AbortSignal }): Promise<SyncMeasurement> {
  const { github, owner, name, window } = opts;
  const { repository, stored, marks } = opts.side;
  const readAt = Date.now();
  const timings: RequestTiming[] = [];
  const t0 = performance.now();
  const counts = await githubCounts(github, owner, name, window);
  timings.push({ nodes: 3, ms: performance.now() - t0 });
  const scan = opts.scan ? await scanSizes({ github, log: opts.log, owner, name, window, marks, maxPages: opts.maxPages, signal: opts.signal, onTiming: (t) => timings.push(t) }) : [];
  let fullPage: RequestTiming | null = null;
  const firstPrs = scan[0]?.pages[0]?.length ?? 0;
  if (firstPrs > 0) {
    const plan = streamPlan('pull_requests', window, scan[0]!.since);
    const t1 = performance.now();
    const { page } = await fetchPage({ github, log: opts.log, signal: opts.signal ?? new AbortController().signal, owner, name }, plan, null, DEFAULT_PAGE_SIZE);
    fullPage = { nodes: 1 + countNodes(page.nodes), ms: performance.now() - t1 };
  }
  const commits = marks.commits ? await commitsSince(github, owner, name, marks.commits) : counts.commits;
  // As the sync decides it: a full pass (or an incremental one with no mark yet) pages by state from both ends.
  const wholePass = (s: StreamScan) => window.mode !== 'range' && isWholePass(streamPlan(s.stream, window, s.since));
  return {
    window,
    github: counts,
    stored,
    repository,
    scan,
    pageCosts: scan.map((s) => (wholePass(s) ? laneCosts(s) : [s.pages.map((p) => pageCost(p))])),
    wholePasses: scan.filter(wholePass).length,
    commits,
    releases: counts.releases,
    pageSize: DEFAULT_PAGE_SIZE,
    timings,
    fullPage,
    graphql: { remaining: github.stats.buckets.graphql?.remaining ?? null, resetAt: github.stats.buckets.graphql?.resetAt ?? null },
    readAt,
  };
}

/** The cursors of a whole pass: each state's items in pages of 100, the first half of them from the oldest, the rest from the newest. */
function laneCosts(s: StreamScan): PageCost[][] {
  const byState = new Map<string, ScannedItem[]>();
  for (const item of s.pages.flat()) {
    const list = byState.get(item.state);
    if (list) list.push(item);
    else byState.set(item.state, [item]);
  }
  const lanes: PageCost[][] = [];
  for (const items of byState.values()) {
    const pages: PageCost[] = [];
    for (let i = 0; i < items.length; i += DEFAULT_PAGE_SIZE) pages.push(pageCost(items.slice(i, i + DEFAULT_PAGE_SIZE)));
    const asc = Math.ceil(pages.length / 2);
    lanes.push(pages.slice(0, asc), pages.slice(asc).reverse());
  }
  return lanes.filter((l) => l.length);
}

/** Nodes in a GraphQL answer: every element of every `nodes` list, nested ones included. */
function countNodes(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + 1 + countNodes(v), 0);
  if (!value || typeof value !== 'object') return 0;
  let n = 0;
  for (const [k, v] of Object.entries(value)) n += k === 'nodes' && Array.isArray(v) ? countNodes(v) : Array.isArray(v) ? 0 : countNodes(v);
  return n;
}
