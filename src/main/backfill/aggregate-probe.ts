import type { WorkspaceService } from '../workspaces/workspace-service.ts';

/** The aggregate step's reads, timed now; its writes, counted. */
export interface AggregateReads {
  readsMs: number;
  /** Service calls timed: each of the step's statements costs about as much beside its own work. */
  calls: number;
  /** Statements that write (a workspace created, the repository added to each). */
  writes: number;
}

/**
 * The backfill's aggregate step (backfill-job.ts) without its writes and its totals statement,
 * read-only: each workspace is found by name (a new one is read back after its insert). The same
 * service calls, in the same order, on the same pool: each costs what it will in the step (a query
 * a connection has not run yet pays its catalogue look-ups, which no round trip shows).
 */
export async function timeAggregateReads(d: { workspaces: Pick<WorkspaceService, 'find' | 'list'> }, workspaces: readonly string[]): Promise<AggregateReads> {
  let writes = 0;
  let calls = 0;
  const t0 = performance.now();
  for (const w of workspaces) {
    calls++;
    const found = await d.workspaces.find(w).catch(() => null);
    if (!found) {
      writes++;
      calls++;
      await d.workspaces.list();
    }
    writes++;
  }
  return { readsMs: performance.now() - t0, calls, writes };
}
