import type { SyncRequest } from '../../shared/contract/repos.ts';

export type Stream = 'pull_requests' | 'issues';

/** The resolved shape of a run: which way to page and where to stop. */
export interface SyncWindow {
  mode: 'full' | 'incremental' | 'range';
  /** created_at window (range mode). */
  since: Date | null;
  until: Date | null;
}

/** Items updated during a run are caught by the next incremental run: keep an overlap. */
export const INCREMENTAL_OVERLAP_MS = 5 * 60_000;

export function resolveWindow(req: SyncRequest, now = new Date()): SyncWindow {
  if (req.timeRangeDays) return { mode: 'range', since: new Date(now.getTime() - req.timeRangeDays * 86_400_000), until: null };
  if (req.since || req.until || req.mode === 'range') {
    return { mode: 'range', since: req.since ? new Date(req.since) : null, until: req.until ? new Date(req.until) : null };
  }
  return { mode: req.mode === 'full' ? 'full' : 'incremental', since: null, until: null };
}

export interface StreamPlan {
  stream: Stream;
  field: 'CREATED_AT' | 'UPDATED_AT';
  direction: 'ASC' | 'DESC';
  /** Items before this (by `field`) end the stream (DESC order only). */
  stopBefore: Date | null;
  /** Items after this are skipped (range mode). */
  skipAfter: Date | null;
  /** Server-side `filterBy.since` for issues. */
  issuesSince: string | null;
}

/**
 * Full: oldest first by creation (stable under new items). Incremental: newest
 * updates first, down to the last complete run's mark. Range: newest created first,
 * down to the window's start.
 */
export function streamPlan(stream: Stream, w: SyncWindow, incrementalSince: Date | null): StreamPlan {
  if (w.mode === 'range') return { stream, field: 'CREATED_AT', direction: 'DESC', stopBefore: w.since, skipAfter: w.until, issuesSince: null };
  if (w.mode === 'incremental' && incrementalSince) {
    return { stream, field: 'UPDATED_AT', direction: 'DESC', stopBefore: incrementalSince, skipAfter: null, issuesSince: stream === 'issues' ? incrementalSince.toISOString() : null };
  }
  return { stream, field: 'CREATED_AT', direction: 'ASC', stopBefore: null, skipAfter: null, issuesSince: null };
}

/** Oldest first by creation with no stop: the pass lanes.ts splits by state and end. */
export function isWholePass(plan: StreamPlan): boolean {
  return plan.field === 'CREATED_AT' && plan.direction === 'ASC' && !plan.stopBefore && !plan.skipAfter && !plan.issuesSince;
}

/** Splits a page by the plan: what to keep, and whether the stream ends here. */
export function applyPlan<T extends { createdAt: string; updatedAt: string }>(plan: StreamPlan, nodes: T[]): { keep: T[]; stop: boolean } {
  const key = plan.field === 'CREATED_AT' ? 'createdAt' : 'updatedAt';
  let stop = false;
  const keep = nodes.filter((n) => {
    const t = Date.parse(n[key]);
    if (plan.stopBefore && t < plan.stopBefore.getTime()) {
      stop = true;
      return false;
    }
    return !(plan.skipAfter && Date.parse(n.createdAt) > plan.skipAfter.getTime());
  });
  return { keep, stop };
}
