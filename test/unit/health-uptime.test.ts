import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { rng as seeded } from '../helpers/random.ts';

// Uptime % and status bars per service (Uptime Kuma / Grafana state timeline), checked against
// a plain reference computation over the same random history.
let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
});
afterAll(() => t.close());

const STATUSES = ['healthy', 'degraded', 'down', 'unknown'] as const;
const RANK = { unknown: 0, healthy: 1, degraded: 2, down: 3 };

describe('health uptime', () => {
  it('matches a reference: uptime over checks with a verdict, each bar the worst status of its window', async () => {
    const now = Date.now();
    const rng = seeded(7);
    const rows: { service: string; ts: number; status: (typeof STATUSES)[number] }[] = [];
    for (const service of ['milvus', 'postgres']) {
      for (let i = 0; i < 400; i++) rows.push({ service, ts: now - Math.floor(rng() * 30 * 3_600_000), status: STATUSES[Math.floor(rng() * (service === 'postgres' ? 2 : 4))]! });
    }
    const ins = t.core.db.prepare("INSERT INTO health_checks (ts, service, status, latency_ms, detail) VALUES (?, ?, ?, 1, '{}')");
    for (const r of rows) ins.run(r.ts, r.service, r.status);

    const got = await t.ops.health.uptime({ hours: 24, bars: 48 });
    expect(got.map((g) => g.service)).toEqual(['milvus', 'postgres']);
    for (const g of got) {
      // The server's window (its clock read a moment after ours).
      const since = Date.parse(g.bars[0]!.start);
      const mine = rows.filter((r) => r.service === g.service && r.ts >= since);
      const judged = mine.filter((r) => r.status !== 'unknown');
      expect(g.checks).toBe(mine.length);
      expect(g.uptimePct).toBeCloseTo((100 * judged.filter((r) => r.status !== 'down').length) / judged.length, 6);
      expect(g.bars).toHaveLength(48);
      const width = (24 * 3_600_000) / 48;
      g.bars.forEach((bar, i) => {
        const inBar = mine.filter((r) => Math.min(47, Math.floor((r.ts - since) / width)) === i);
        expect(bar.checks).toBe(inBar.length);
        const worst = inBar.reduce<string | null>((w, r) => (w === null || RANK[r.status] > RANK[w as keyof typeof RANK] ? r.status : w), null);
        expect(bar.status).toBe(worst);
      });
    }
    expect(got.find((g) => g.service === 'postgres')!.counts.down).toBe(0);
    expect(got.find((g) => g.service === 'postgres')!.uptimePct).toBe(100);
    await expect(t.ops.health.uptime({ hours: 0, bars: 48 } as never)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
