// The runner: parallel checks, each on its own deadline; a hung check never delays the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsError } from '../../../src/shared/errors.ts';
import { VERSION } from '../../../src/main/core/version.ts';
import { httpCheck } from '../../../src/main/health/http.ts';
import { redisCheck } from '../../../src/main/health/redis.ts';
import { overallReport, runChecks } from '../../../src/main/health/run-checks.ts';
import type { Check, CheckOutcome } from '../../../src/main/health/types.ts';
import { startHttpFixtures, startTcpFixture, type HttpFixtures, type TcpFixture } from '../../helpers/http-fixtures.ts';
import { startRedis, type RedisServer } from '../../helpers/redis.ts';

const healthy = (summary = 'fine'): CheckOutcome => ({ status: 'healthy', latencyMs: 1, summary, details: {}, findings: [] });

/** A check that answers after `ms`, honouring its signal. */
function sleeper(id: string, ms: number, out: CheckOutcome = healthy()): Check {
  return {
    id,
    kind: 'http',
    name: id,
    run: (signal) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => resolve(out), ms);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(signal.reason as Error);
        });
      }),
  };
}

/** A check that ignores its signal and never settles. */
function hung(id: string, seen: { aborted?: boolean } = {}): Check {
  return {
    id,
    kind: 'postgres',
    name: id,
    run: (signal) => {
      signal.addEventListener('abort', () => (seen.aborted = true));
      return new Promise<CheckOutcome>(() => undefined);
    },
  };
}

describe('runChecks', () => {
  it('runs checks in parallel', async () => {
    const t0 = performance.now();
    const run = await runChecks([sleeper('a', 300), sleeper('b', 300), sleeper('c', 300)], { timeoutMs: 2000 });
    expect(performance.now() - t0).toBeLessThan(700);
    expect(run.results.map((r) => r.status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(run.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('abandons a check that ignores its signal at its timeout; the others finish on time', async () => {
    const seen: { aborted?: boolean } = {};
    const finished: Record<string, number> = {};
    const t0 = performance.now();
    const run = await runChecks([hung('stuck', seen), sleeper('quick', 50), sleeper('medium', 300)], { timeoutMs: 800, onResult: (r) => (finished[r.id] = performance.now() - t0) });
    const total = performance.now() - t0;
    expect(total).toBeGreaterThanOrEqual(790);
    // Without the race the run would never end; the margins only absorb a loaded machine.
    expect(total).toBeLessThan(800 + 400);
    expect(finished.quick).toBeLessThan(400);
    expect(finished.medium).toBeLessThan(700);
    expect(seen.aborted).toBe(true); // it was asked to stop
    const stuck = run.results.find((r) => r.id === 'stuck')!;
    expect(stuck).toMatchObject({ kind: 'postgres', status: 'down', summary: 'No answer: timed out after 800 ms', details: { timedOut: true, timeoutMs: 800 } });
    expect(stuck.findings).toEqual([{ status: 'down', message: 'The service did not answer: timed out after 800 ms', threshold: 'check timeout 800 ms' }]);
    expect(stuck.latencyMs).toBeGreaterThanOrEqual(790);
    expect(run.report).toMatchObject({ status: 'down', services: { stuck: 'down', quick: 'healthy', medium: 'healthy' } });
  });

  it('takes a per-check timeout over the run default', async () => {
    const t0 = performance.now();
    const run = await runChecks([{ ...hung('short'), timeoutMs: 200 }, sleeper('ok', 10)], { timeoutMs: 5000 });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(run.results[0]!.summary).toBe('No answer: timed out after 200 ms');
  });

  it('turns thrown errors (async, sync, OpsError) and malformed outcomes into down with a clear message', async () => {
    const checks: Check[] = [
      { id: 'async', kind: 'redis', name: 'Redis', run: async () => Promise.reject(new Error('socket exploded')) },
      {
        id: 'sync',
        kind: 'redis',
        name: 'Sync',
        run: () => {
          throw new TypeError('cannot read x of undefined');
        },
      },
      { id: 'ops', kind: 'github', name: 'GitHub', run: async () => Promise.reject(new OpsError('unauthorized', 'The token was revoked.')) },
      { id: 'bad', kind: 'openai', name: 'Bad', run: async () => ({ status: 'great' }) as unknown as CheckOutcome },
    ];
    const run = await runChecks(checks);
    expect(run.results.map((r) => [r.id, r.status, r.summary, r.details.error])).toEqual([
      ['async', 'down', 'Redis check failed: socket exploded', 'internal'],
      ['sync', 'down', 'Sync check failed: cannot read x of undefined', 'internal'],
      ['ops', 'down', 'The token was revoked.', 'unauthorized'],
      ['bad', 'down', 'Bad check failed: the check returned an invalid result', 'internal'],
    ]);
  });

  it('makes a result as bad as its worst finding', async () => {
    const run = await runChecks([sleeper('x', 1, { ...healthy(), findings: [{ status: 'degraded', message: 'slow' }] })]);
    expect(run.results[0]!.status).toBe('degraded');
    expect(run.report.status).toBe('degraded');
  });

  it('scrubs the check\'s secrets and token shapes from everything it returns', async () => {
    const secret = 'my-very-secret-password';
    const leaky: Check = {
      id: 'leaky',
      kind: 'postgres',
      name: 'Leaky',
      secrets: [secret],
      run: async () => ({
        status: 'down',
        latencyMs: null,
        summary: `auth failed for postgres://app:${secret}@db:5432/x`,
        details: { note: `pw=${secret}`, token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
        findings: [{ status: 'down', message: `bad ${secret}` }],
      }),
    };
    const { results } = await runChecks([leaky]);
    const text = JSON.stringify(results);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('ghp_abcdefghijklmnop');
    expect(results[0]!.summary).toBe('auth failed for postgres://app:[redacted]@db:5432/x');
  });

  it('reports checks still running at a cancel as unknown, and the run as degraded', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const t0 = performance.now();
    const run = await runChecks([sleeper('done', 10), hung('pending')], { timeoutMs: 5000, signal: controller.signal });
    expect(performance.now() - t0).toBeLessThan(400);
    expect(run.results.map((r) => [r.id, r.status, r.summary])).toEqual([['done', 'healthy', 'fine'], ['pending', 'unknown', 'Cancelled before it finished']]);
    expect(run.report.status).toBe('degraded');
  });

  it('calls onResult as each check finishes, and refuses duplicate ids or bad timeouts', async () => {
    const order: string[] = [];
    await runChecks([sleeper('slow', 150), sleeper('fast', 10)], { onResult: (r) => order.push(r.id) });
    expect(order).toEqual(['fast', 'slow']);
    await expect(runChecks([sleeper('a', 1), sleeper('a', 1)])).rejects.toThrow('Two health checks have the id "a"');
    await expect(runChecks([{ ...sleeper('a', 1), timeoutMs: 0 }])).rejects.toThrow(OpsError);
  });

  it('does not leak an unhandled rejection from a check that fails after it was abandoned', async () => {
    const late: Check = { id: 'late', kind: 'http', name: 'late', run: () => new Promise((_, reject) => setTimeout(() => reject(new Error('too late')), 250)) };
    const run = await runChecks([late], { timeoutMs: 100 });
    expect(run.results[0]!.status).toBe('down');
    await new Promise((r) => setTimeout(r, 300)); // vitest fails the file on an unhandled rejection
  });
});

describe('overallReport', () => {
  it('has the What-the-Repo shape: worst status, timestamp, version, services', () => {
    const at = new Date('2024-01-20T16:45:00Z');
    expect(overallReport([{ id: 'supabase', status: 'healthy' }, { id: 'milvus', status: 'healthy' }], '1.0.0', at)).toEqual({
      status: 'healthy',
      timestamp: '2024-01-20T16:45:00.000Z',
      version: '1.0.0',
      services: { supabase: 'healthy', milvus: 'healthy' },
    });
    expect(overallReport([{ id: 'a', status: 'healthy' }, { id: 'b', status: 'unknown' }]).status).toBe('degraded');
    expect(overallReport([{ id: 'a', status: 'degraded' }, { id: 'b', status: 'down' }]).status).toBe('down');
    expect(overallReport([]).version).toBe(VERSION);
  });
});

describe('one hung service among real ones', () => {
  let fx: HttpFixtures;
  let redis: RedisServer;
  let silent: TcpFixture;
  beforeAll(async () => {
    [fx, redis, silent] = await Promise.all([startHttpFixtures(), startRedis(), startTcpFixture('silent')]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([fx?.close(), redis?.stop(), silent?.close()]);
  });

  it('finishes at the hung checks\' timeout, not later', async () => {
    const checks = [
      redisCheck({ url: redis.url, queueKeys: ['bull:*:wait'] }),
      httpCheck({ name: 'api', url: fx.service('healthy') }, { rateWindowMs: 200 }),
      // A "Redis" that accepts and never speaks, with a connect timeout longer than the check's.
      redisCheck({ id: 'redis-hung', url: `redis://127.0.0.1:${silent.port}`, connectTimeoutMs: 30_000, commandTimeoutMs: 30_000 }),
      // An HTTP service that never answers, with request timeouts longer than the check's.
      httpCheck({ name: 'hung', url: fx.service('hang') }, { requestTimeoutMs: 30_000 }),
    ];
    const t0 = performance.now();
    const run = await runChecks(checks, { timeoutMs: 1000 });
    const total = performance.now() - t0;
    expect(total).toBeLessThan(1000 + 500);
    expect(Object.fromEntries(run.results.map((r) => [r.id, r.status]))).toEqual({ redis: 'healthy', 'http:api': 'healthy', 'redis-hung': 'down', 'http:hung': 'down' });
    for (const id of ['redis-hung', 'http:hung']) expect(run.results.find((r) => r.id === id)!.summary).toBe('No answer: timed out after 1000 ms');
    // The aborted ioredis client let go of its socket.
    await new Promise((r) => setTimeout(r, 100));
    expect(silent.accepted).toBe(1);
  });
});
