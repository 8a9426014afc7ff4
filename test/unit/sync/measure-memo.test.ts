import { describe, expect, it } from 'vitest';
import type { SyncMeasurement, WarehouseSide } from '../../../src/main/sync/measure.ts';
import { MeasureMemo, measureKey } from '../../../src/main/sync/measure-memo.ts';

const side = (over: Partial<WarehouseSide> = {}): WarehouseSide => ({
  repository: { id: 'r1', githubId: 7, owner: 'octo', name: 'widgets', fullName: 'octo/widgets', previousNames: [] },
  stored: { pullRequests: 10, issues: 5 },
  marks: { pull_requests: new Date('2026-01-01T00:00:00Z'), issues: null, commits: null },
  ...over,
});
const measurement = (readAt: number, s = side()) =>
  ({ readAt, repository: s.repository, stored: s.stored, github: { pullRequests: 12, issues: 5 }, scan: [], timings: [{ nodes: 3, ms: 120 }] }) as unknown as SyncMeasurement;
const key = (over: Partial<Parameters<typeof measureKey>[0]> = {}) =>
  measureKey({ profileId: 'p1', apiUrl: 'https://api.github.com', fullName: 'octo/widgets', window: { mode: 'incremental' }, scan: true, maxPages: 150, ...over });

describe('the measurement memo', () => {
  it('gives GitHub’s side back while it is young enough and the marks are the same, with the warehouse’s side fresh', () => {
    let now = 1_000_000;
    const memo = new MeasureMemo(600_000, () => now);
    memo.set(key(), side(), measurement(now));
    now += 60_000;
    const later = side({ stored: { pullRequests: 11, issues: 5 } });
    const hit = memo.get(key(), later, 300_000);
    expect(hit?.readAt).toBe(1_000_000);
    expect(hit?.github).toEqual({ pullRequests: 12, issues: 5 });
    expect(hit?.stored).toEqual({ pullRequests: 11, issues: 5 });
    // Older than the caller allows: read again.
    now += 250_000;
    expect(memo.get(key(), later, 300_000)).toBeNull();
  });

  it('reads again after a sync moved a mark, or once the repository is tracked', () => {
    const memo = new MeasureMemo(600_000, () => 5);
    memo.set(key(), side(), measurement(5));
    expect(memo.get(key(), side({ marks: { pull_requests: new Date('2026-02-01T00:00:00Z'), issues: null, commits: null } }), 300_000)).toBeNull();
    const untracked = side({ repository: null, stored: { pullRequests: 0, issues: 0 }, marks: { pull_requests: null, issues: null, commits: null } });
    memo.set(key({ window: { mode: 'full' } }), untracked, measurement(5, untracked));
    expect(memo.get(key({ window: { mode: 'full' } }), untracked, 300_000)).not.toBeNull();
    expect(memo.get(key({ window: { mode: 'full' } }), side({ marks: untracked.marks }), 300_000)).toBeNull();
  });

  it('keys on the profile, the API, the repository (any case), the window as asked, and the scan', () => {
    expect(key({ fullName: 'Octo/Widgets' })).toBe(key());
    for (const other of [{ profileId: 'p2' }, { apiUrl: 'https://ghe.example/api/v3' }, { fullName: 'octo/gadgets' }, { window: { mode: 'full' } }, { window: { timeRangeDays: 30 } }, { window: { since: '2026-01-01' } }, { scan: false }, { maxPages: 10 }]) {
      expect(key(other)).not.toBe(key());
    }
    const memo = new MeasureMemo(600_000, () => 5);
    memo.set(key(), side(), measurement(5));
    expect(memo.get(key({ window: { timeRangeDays: 30 } }), side(), 300_000)).toBeNull();
  });

  it('keeps a few, the newest, and forgets what is past its retention', () => {
    let now = 0;
    const memo = new MeasureMemo(600_000, () => now);
    for (let i = 0; i < 10; i++) memo.set(key({ fullName: `octo/r${i}` }), side(), measurement(now));
    expect(memo.get(key({ fullName: 'octo/r0' }), side(), 600_000)).toBeNull();
    expect(memo.get(key({ fullName: 'octo/r1' }), side(), 600_000)).toBeNull();
    expect(memo.get(key({ fullName: 'octo/r9' }), side(), 600_000)).not.toBeNull();
    now = 600_001;
    // Past the memo's own retention, whatever a caller would accept.
    expect(memo.get(key({ fullName: 'octo/r9' }), side(), 10 * 600_000)).toBeNull();
  });
});
