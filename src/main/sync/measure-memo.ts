import type { SyncMeasurement, WarehouseSide } from './measure.ts';

/** How many measurements are kept: one per repository and window an operator is looking at. */
const MAX_ENTRIES = 8;

interface Entry {
  marks: string;
  measurement: SyncMeasurement;
}

/**
 * GitHub's side of recent measurements. The backfill's preflight, its estimate and a budgeted start
 * read the same pages within a minute or two: a scan of a large repository is ~100 requests and
 * GraphQL points each time. A measurement is reused while it is young enough and the warehouse's
 * incremental marks (where its scan starts) are unchanged; the warehouse's side is read fresh.
 */
export class MeasureMemo {
  private readonly entries = new Map<string, Entry>();
  /** retainMs: how long any caller may reuse a measurement (callers ask for at most this age). */
  private readonly retainMs: number;
  private readonly now: () => number;
  constructor(retainMs = 10 * 60_000, now: () => number = Date.now) {
    this.retainMs = retainMs;
    this.now = now;
  }

  get(key: string, side: WarehouseSide, maxAgeMs: number): SyncMeasurement | null {
    this.prune();
    const hit = this.entries.get(key);
    if (!hit || hit.marks !== marksKey(side) || this.now() - hit.measurement.readAt > maxAgeMs) return null;
    return { ...hit.measurement, repository: side.repository, stored: side.stored };
  }

  set(key: string, side: WarehouseSide, measurement: SyncMeasurement): void {
    this.prune();
    this.entries.delete(key);
    this.entries.set(key, { marks: marksKey(side), measurement });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  private prune() {
    for (const [key, e] of this.entries) if (this.now() - e.measurement.readAt > this.retainMs) this.entries.delete(key);
  }
}

/** The memo's key: who reads (profile and API), what (repository, window as asked) and how far (scan, pages). */
export function measureKey(parts: { profileId: string; apiUrl: string; fullName: string; window: { mode?: string; timeRangeDays?: number; since?: string; until?: string }; scan: boolean; maxPages: number }): string {
  const w = parts.window;
  return JSON.stringify([parts.profileId, parts.apiUrl, parts.fullName.toLowerCase(), w.mode ?? 'incremental', w.timeRangeDays ?? null, w.since ?? null, w.until ?? null, parts.scan, parts.maxPages]);
}

const marksKey = (side: WarehouseSide) => JSON.stringify([side.repository?.id ?? null, side.marks.pull_requests, side.marks.issues, side.marks.commits]);
