// The Redis check against real redis-server processes (test/helpers/redis.ts).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCheck, type RedisCheckOptions } from '../../../src/main/health/redis.ts';
import { runChecks } from '../../../src/main/health/run-checks.ts';
import type { CheckResult } from '../../../src/main/health/types.ts';
import { closedPort, startTcpFixture } from '../../helpers/http-fixtures.ts';
import { startRedis, type RedisServer } from '../../helpers/redis.ts';

const PASSWORD = 'redis-test-password-42';
let server: RedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await startRedis({ password: PASSWORD });
  admin = new Redis(server.url, { lazyConnect: true });
  await admin.connect();
  // Queues shaped like BullMQ's: <prefix>:<queue>:wait lists, :delayed sorted sets.
  await admin.rpush('bull:analysis:wait', ...Array.from({ length: 1500 }, (_, i) => `job-${i}`));
  await admin.rpush('bull:sync:wait', 'a', 'b', 'c');
  await admin.zadd('bull:analysis:delayed', 1, 'x', 2, 'y', 3, 'z', 4, 'v', 5, 'w');
  await admin.set('bull:analysis:meta', 'not a queue');
  await admin.hset('bull:analysis:1', 'name', 'job');
  for (let i = 0; i < 300; i++) await admin.set(`filler:${i}`, 'x');
}, 60_000);

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

async function check(options: Partial<RedisCheckOptions> & { url?: string }): Promise<CheckResult> {
  const { results } = await runChecks([redisCheck({ url: server.url, ...options })], { timeoutMs: 10_000 });
  return results[0]!;
}

describe('Redis check', () => {
  it('reports PING latency, version, memory and clients', async () => {
    const r = await check({});
    expect(r.status).toBe('healthy');
    expect(r.findings).toEqual([]);
    expect(r.summary).toMatch(/^Redis 7\.\d+\.\d+ · PING [\d.]+ ms · [\d.]+ [KM]B used \(no maxmemory\) · \d+ clients?$/);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.details).toMatchObject({ ping: 'PONG', role: 'master', memory: { maxBytes: null, policy: 'noeviction' }, clients: { max: 10000 }, server: `127.0.0.1:${server.port}` });
    expect((r.details.memory as { usedBytes: number }).usedBytes).toBeGreaterThan(100_000);
    expect((r.details.clients as { connected: number }).connected).toBeGreaterThanOrEqual(2); // admin and us
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it('measures queue lengths by pattern with SCAN (lists by LLEN, sorted sets by ZCARD) and flags backlogs', async () => {
    const r = await check({ queueKeys: ['bull:*:wait', { pattern: 'bull:*:delayed', degradedAbove: 2 }, 'bull:ci_generation:wait', 'bull:analysis:meta'] });
    const queues = Object.fromEntries((r.details.queues as { key: string; type: string; length: number | null }[]).map((q) => [q.key, [q.type, q.length]]));
    expect(queues).toEqual({
      'bull:analysis:wait': ['list', 1500],
      'bull:sync:wait': ['list', 3],
      'bull:analysis:delayed': ['zset', 5],
      'bull:ci_generation:wait': ['none', 0], // an empty queue: Redis removes empty lists
      'bull:analysis:meta': ['string', null], // not a queue type: no length
    });
    expect(r.details.queueTotal).toBe(1508);
    expect(r.status).toBe('degraded');
    expect(r.findings).toEqual([
      { status: 'degraded', message: 'Backlog: bull:analysis:wait has 1,500 entries', threshold: '> 1,000 (pggit operations guide: QueueDepthHigh; AutoDevOps runbook: worker backlog)' },
      { status: 'degraded', message: 'Backlog: bull:analysis:delayed has 5 entries', threshold: '> 2 (pggit operations guide: QueueDepthHigh; AutoDevOps runbook: worker backlog)' },
    ]);
    expect(r.summary).toMatch(/^Backlog: bull:analysis:wait has 1,500 entries \(\+1 more\) · Redis 7.* · queued 1,508 \(largest bull:analysis:wait: 1,500\)$/);
    // Patterns go through SCAN, never KEYS.
    const stats = await admin.info('commandstats');
    expect(stats).toMatch(/cmdstat_scan:calls=\d+/);
    expect(stats).not.toMatch(/cmdstat_keys:/);
  });

  it('says when a pattern scan was cut short', async () => {
    const r = await check({ queueKeys: ['filler:*'], maxKeysPerPattern: 10, maxScanKeys: 1000 });
    expect((r.details.queues as unknown[]).length).toBeLessThanOrEqual(10);
    expect(r.findings.map((f) => f.status)).toEqual(['unknown']);
    expect(r.findings[0]!.message).toMatch(/^Stopped scanning for filler:\* after ~[\d,]+ keys/);
  });

  it('judges the keyspace hit rate when Redis is a cache', async () => {
    const before = await check({ cache: true });
    expect(before.findings).toEqual([]); // no lookups yet: nothing to judge
    for (let i = 0; i < 150; i++) await admin.get(`missing:${i}`);
    for (let i = 0; i < 10; i++) await admin.get('filler:1');
    const r = await check({ cache: true });
    // Counters are server-wide since start (the queue test's TYPE/LLEN count as hits too).
    const stats = await admin.info('stats');
    const hits = Number(/keyspace_hits:(\d+)/.exec(stats)![1]);
    const misses = Number(/keyspace_misses:(\d+)/.exec(stats)![1]);
    expect(misses).toBeGreaterThanOrEqual(150);
    expect(r.status).toBe('degraded');
    expect(r.findings[0]!.message).toBe(`Cache hit rate ${+((hits / (hits + misses)) * 100).toFixed(1)} % (${hits} hits, ${misses} misses since start)`);
    expect(r.findings[0]!.threshold).toBe('< 70 % (pggit operations guide: LowCacheHitRate)');
  });

  it('names a wrong password, a missing password and an unreachable server', async () => {
    const wrong = await check({ url: `redis://:not-the-password@127.0.0.1:${server.port}` });
    expect(wrong.status).toBe('down');
    expect(wrong.summary).toMatch(/^Wrong password: Redis at 127\.0\.0\.1:\d+ \(WRONGPASS/);
    expect(JSON.stringify(wrong)).not.toContain('not-the-password');
    expect(wrong.details.failure).toBe('wrong_password');

    const none = await check({ url: `redis://127.0.0.1:${server.port}` });
    expect(none.summary).toMatch(/^Password required: Redis at 127\.0\.0\.1:\d+ \(NOAUTH/);

    const port = await closedPort();
    const t0 = performance.now();
    const gone = await check({ url: `redis://127.0.0.1:${port}` });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(gone).toMatchObject({ status: 'down', details: { failure: 'unreachable' } });
    expect(gone.summary).toMatch(/^Unreachable: Redis at 127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
  });

  it('refuses an empty URL instead of trying localhost:6379', async () => {
    const r = await check({ url: ' ' });
    expect(r).toMatchObject({ status: 'down', details: { failure: 'missing_url' } });
  });

  it('gives up on a server that accepts but never answers within the connect timeout', async () => {
    const silent = await startTcpFixture('silent');
    try {
      const t0 = performance.now();
      const r = await check({ url: `redis://127.0.0.1:${silent.port}`, connectTimeoutMs: 500 });
      const ms = performance.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(1500);
      expect(r).toMatchObject({ status: 'down', details: { failure: 'unresponsive' } });
      expect(r.summary).toMatch(/^Not answering: Redis at 127\.0\.0\.1:\d+ \(Redis at 127\.0\.0\.1:\d+ did not answer within 500 ms\)/);
      expect(silent.accepted).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('connects once: no reconnect storm against a server that hangs up', async () => {
    const hangup = await startTcpFixture('hangup');
    try {
      const r = await check({ url: `redis://127.0.0.1:${hangup.port}` });
      expect(r.status).toBe('down');
      await new Promise((res) => setTimeout(res, 600)); // ioredis's first retry would come after ~50 ms
      expect(hangup.accepted).toBe(1);
    } finally {
      await hangup.close();
    }
  });
});

describe('Redis memory', () => {
  let small: RedisServer;
  let c: Redis;
  beforeAll(async () => {
    small = await startRedis({ maxmemory: '3mb', maxmemoryPolicy: 'noeviction' });
    c = new Redis(small.url, { lazyConnect: true });
    await c.connect();
    // Fill until Redis refuses writes with OOM.
    const chunk = 'x'.repeat(10_000);
    for (let i = 0; i < 1000; i++) {
      try {
        await c.set(`blob:${i}`, chunk);
      } catch (e) {
        if (/OOM/.test((e as Error).message)) break;
        throw e;
      }
    }
  }, 60_000);
  afterAll(async () => {
    c?.disconnect();
    await small?.stop();
  });

  it('is down when memory is full under noeviction, and warns about evicting policies for queues', async () => {
    const full = (await runChecks([redisCheck({ url: small.url })])).results[0]!;
    expect(full.status).toBe('down');
    expect(full.findings[0]).toMatchObject({ status: 'down', threshold: '> 95 % of maxmemory with noeviction' });
    expect(full.findings[0]!.message).toMatch(/^Memory full: [\d.]+ MB of 3 MB \(\d+ %\) with noeviction: writes fail with OOM$/);

    await c.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const lru = (await runChecks([redisCheck({ url: small.url, queueKeys: ['bull:*:wait'] })])).results[0]!;
    expect(lru.status).toBe('degraded');
    expect(lru.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Memory [\d.]+ MB of 3 MB \(\d+ %, policy allkeys-lru\)$/),
      'maxmemory-policy is allkeys-lru: under memory pressure Redis evicts queue keys (job queues need noeviction)',
    ]);
  });
});
