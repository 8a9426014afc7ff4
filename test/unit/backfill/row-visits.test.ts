import { describe, expect, it } from 'vitest';
import { rowVisits } from '../../../src/main/backfill/estimate-model.ts';

// The rows a pass over the warehouse's tables reads right after a run: each live row once, plus
// each older version the run left behind (an upsert or a mark writes a new version of its row).
describe('rowVisits', () => {
  it('a first backfill: only the embedding step rewrites (every item it embeds, once)', () => {
    // 5,000 PRs + 2,000 issues, 71,633 reviews and comments; all new, all embedded.
    const v = rowVisits({ peopleRows: 78_633, items: 7000, peopleRowsFetched: 78_633, itemsFetched: 7000, storedShare: 0, embedded: 7000 });
    expect(v).toEqual({ people: 85_633, items: 14_000 });
  });

  it('a re-run that fetches nothing and embeds nothing passes over the rows alone', () => {
    expect(rowVisits({ peopleRows: 1000, items: 100, peopleRowsFetched: 0, itemsFetched: 0, storedShare: 1, embedded: 0 })).toEqual({ people: 1000, items: 100 });
  });

  it('an incremental run: stored rows fetched again are rewritten by the sync, then their items marked', () => {
    // 40 changed items, 30 of them already stored, with 400 people rows; 40 items embedded again.
    const v = rowVisits({ peopleRows: 10_000, items: 1000, peopleRowsFetched: 400, itemsFetched: 40, storedShare: 0.75, embedded: 40 });
    expect(v.people).toBeCloseTo(10_000 + 300 + 40);
    expect(v.items).toBeCloseTo(1000 + 30 + 40);
  });

  it('a share outside 0..1 is clamped (a sample can round past either end)', () => {
    expect(rowVisits({ peopleRows: 10, items: 1, peopleRowsFetched: 10, itemsFetched: 1, storedShare: 1.2, embedded: 0 })).toEqual({ people: 20, items: 2 });
    expect(rowVisits({ peopleRows: 10, items: 1, peopleRowsFetched: 10, itemsFetched: 1, storedShare: -0.1, embedded: 0 })).toEqual({ people: 10, items: 1 });
  });
});
