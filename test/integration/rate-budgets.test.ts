// Shared rate budgets on a real Postgres: two holders (as two processes would) on one credential's
// budget never exceed its concurrency, its points per minute or the server's window; another
// credential's budget is independent; the stored name never contains the credential.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/main/logging/logger.ts';
import { Redactor } from '../../src/main/logging/redact.ts';
import { RateBudgets } from '../../src/main/rate-budgets/rate-budgets.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { migrateTestWarehouse, warehousePool } from '../helpers/warehouse.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const logger = new Logger({ sinks: [], redactor: new Redactor() });
const budgets = (holder: string) => new RateBudgets({ pool: async () => pool, logger, holder });
const TOKEN = 'ghp_sharedToken000000000000000000000000';

beforeAll(async () => {
  db = await createTestDatabase('budgets');
  pool = warehousePool(db.url, 8);
  await migrateTestWarehouse(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Rejects when the acquisition is still waiting after `ms` (it was held back). */
async function blocked(p: (signal: AbortSignal) => Promise<unknown>, ms = 250): Promise<boolean> {
  const c = new AbortController();
  const t = setTimeout(() => c.abort(new Error('still waiting')), ms);
  try {
    await p(c.signal);
    return false;
  } catch (e) {
    if ((e as Error).message !== 'still waiting') throw e;
    return true;
  } finally {
    clearTimeout(t);
  }
}

describe('shared rate budgets', () => {
  it('two holders on one token: never more requests in flight than the budget allows, and the budget is used', async () => {
    const [a, b] = [budgets('host-a:1'), budgets('host-b:2')];
    const [ga, gb] = [await a.gate('github', TOKEN, { concurrent: 3 }), await b.gate('github', TOKEN, { concurrent: 3 })];
    let inFlight = 0;
    let peak = 0;
    const request = async (gate: typeof ga) => {
      const release = await gate.acquire([{ resource: 'core', points: 1 }]);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 15));
      inFlight--;
      release();
    };
    await Promise.all(Array.from({ length: 24 }, (_, i) => request(i % 2 ? ga : gb)));
    expect(peak).toBe(3);
    // Released slots are gone from the table (eventually: the release is not awaited by the request).
    await expect.poll(async () => Number((await pool.query('SELECT count(*) FROM rate_slots')).rows[0].count)).toBe(0);
    const names = (await pool.query('SELECT DISTINCT budget FROM rate_slots UNION SELECT budget FROM rate_buckets')).rows.map((r) => r.budget as string);
    for (const n of names) expect(n).not.toContain(TOKEN.slice(4, 12));
  });

  it('points per minute: what one holder spent, the other cannot; a waiting request can be cancelled', async () => {
    const [a, b] = [budgets('host-a:1'), budgets('host-b:2')];
    const limits = { perMinute: { 'graphql/min': 3 } };
    const [ga, gb] = [await a.gate('github', `${TOKEN}-ppm`, limits), await b.gate('github', `${TOKEN}-ppm`, limits)];
    await ga.acquire([{ resource: 'graphql/min', points: 1 }]);
    await gb.acquire([{ resource: 'graphql/min', points: 1 }]);
    await ga.acquire([{ resource: 'graphql/min', points: 1 }]);
    // 3 per minute: the next point comes back in 20 s.
    expect(await blocked((signal) => gb.acquire([{ resource: 'graphql/min', points: 1 }], signal))).toBe(true);
    // A request that needs two resources takes neither while one is short.
    const other = await b.gate('github', `${TOKEN}-ppm`, { perMinute: { 'rest/min': 10 } });
    expect(await blocked((signal) => other.acquire([{ resource: 'rest/min', points: 1 }, { resource: 'graphql/min', points: 1 }], signal))).toBe(true);
    const rest = (await pool.query("SELECT level FROM rate_buckets WHERE resource = 'rest/min' AND budget = $1", [RateBudgets.budgetName('github', `${TOKEN}-ppm`)])).rows[0];
    expect(Number(rest.level)).toBe(10);
    // Another token has its own budget.
    const elsewhere = await a.gate('github', `${TOKEN}-other`, limits);
    expect(await blocked((signal) => elsewhere.acquire([{ resource: 'graphql/min', points: 1 }], signal))).toBe(false);
  });

  it("the server's window (GitHub's primary limit): both holders stop at what is left until the reset, a query's extra cost counts, a new window frees them", async () => {
    const [a, b] = [budgets('host-a:1'), budgets('host-b:2')];
    const [ga, gb] = [await a.gate('github', `${TOKEN}-win`, {}), await b.gate('github', `${TOKEN}-win`, {})];
    // Nothing known yet: no limit.
    expect(await blocked((signal) => ga.acquire([{ resource: 'graphql', points: 1 }], signal))).toBe(false);
    const reset = Date.now() + 60_000;
    ga.observeWindow('graphql', 5, reset);
    const budget = RateBudgets.budgetName('github', `${TOKEN}-win`);
    await expect.poll(async () => (await pool.query("SELECT window_remaining FROM rate_buckets WHERE budget = $1 AND resource = 'graphql'", [budget])).rows[0]?.window_remaining).toBe(5);
    await ga.acquire([{ resource: 'graphql', points: 1 }]);
    await gb.acquire([{ resource: 'graphql', points: 1 }]);
    gb.charge('graphql', 2); // that query cost 3
    // A late report of the same window never raises what is left.
    gb.observeWindow('graphql', 4, reset);
    await expect.poll(async () => (await pool.query("SELECT window_remaining FROM rate_buckets WHERE budget = $1 AND resource = 'graphql'", [budget])).rows[0].window_remaining).toBe(1);
    await ga.acquire([{ resource: 'graphql', points: 1 }]);
    expect(await blocked((signal) => gb.acquire([{ resource: 'graphql', points: 1 }], signal))).toBe(true);
    expect(await blocked((signal) => ga.acquire([{ resource: 'graphql', points: 1 }], signal))).toBe(true);
    // A report far from its window's end is not written (nothing to coordinate): the stored window stands.
    gb.observeWindow('graphql', 4999, reset + 3_600_000, 5000);
    expect(await blocked((signal) => ga.acquire([{ resource: 'graphql', points: 1 }], signal))).toBe(true);
    // The next window (a report with a later reset) starts from the server's count again.
    gb.observeWindow('graphql', 4999, reset + 3_600_000);
    await expect.poll(() => blocked((signal) => ga.acquire([{ resource: 'graphql', points: 1 }], signal))).toBe(false);
  });

  it('learned per-minute limits (OpenAI reports TPM in its headers) bound every holder of the key', async () => {
    const [a, b] = [budgets('host-a:1'), budgets('host-b:2')];
    const [ga, gb] = [await a.gate('openai', 'sk-key', {}), await b.gate('openai', 'sk-key', {})];
    ga.learnPerMinute('tokens/min', 1000);
    await expect.poll(async () => (await pool.query("SELECT capacity FROM rate_buckets WHERE resource = 'tokens/min'")).rows[0]?.capacity).toBe(1000);
    await ga.acquire([{ resource: 'tokens/min', points: 700 }]);
    expect(await blocked((signal) => gb.acquire([{ resource: 'tokens/min', points: 700 }], signal))).toBe(true);
    expect(await blocked((signal) => gb.acquire([{ resource: 'tokens/min', points: 250 }], signal))).toBe(false);
  });

  it('bad limits are refused with a message naming them', async () => {
    await expect(budgets('x:1').gate('github', TOKEN, { concurrent: 0 })).rejects.toThrow(/concurrent requests must be a positive integer/);
    await expect(budgets('x:1').gate('github', TOKEN, { perMinute: { 'rest/min': -1 } })).rejects.toThrow(/rest\/min: points per minute must be positive/);
  });
});
