// bench: the five runbook systems' health in one click. Each system has its own real database
// (embedded PostgreSQL, its tables and rows from the test fixtures), AutoDevOps its BullMQ queues
// in a real redis-server, What the Repo and pgGit their HTTP fixtures; What the Repo also has a
// service that never answers. Every check has a 2,000 ms timeout. Goal: the one-click run of all
// five systems ends within the slowest timeout + 200 ms. Baseline: the same systems checked one
// after the other (what an operator does with one profile at a time).
// Prints a table, then one JSON line. Run: node_modules/.bin/node bench/systems-health.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/compose.ts';
import type { SecretBackend } from '../src/main/secrets/keychain.ts';
import { SystemFields } from '../src/shared/contract/systems.ts';
import { createTestDatabase, startTestPostgres } from '../test/helpers/postgres.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { AUTODEVOPS_QUEUES, loadFixture, populateQueues, startSystemHttp } from '../test/helpers/systems.ts';
import { percentile, printTable } from './report.ts';

const TIMEOUT_MS = 2000;
const GOAL_OVERSHOOT_MS = 200;
const ROUNDS = 5;
const KINDS = ['what-the-repo', 'leaderboard', 'autodevops', 'pggit', 'contributor-info'] as const;
const log = (s: string) => console.error(s);

const work = mkdtempSync(join(tmpdir(), 'repo-ops-bench-systems-'));
const stops: (() => Promise<unknown>)[] = [];
try {
  log('starting services…');
  const postgres = await startTestPostgres();
  stops.push(() => postgres.stop());
  process.env.REPO_OPS_TEST_PG_URL = postgres.url;
  const [redis, http] = await Promise.all([startRedis(), startSystemHttp()]);
  stops.push(() => redis.stop(), () => http.close());
  const dbs = await Promise.all(KINDS.map((k) => createTestDatabase(`bench_${k.replace(/-/g, '_')}`)));
  stops.push(() => Promise.all(dbs.map((d) => d.drop())));
  await Promise.all(KINDS.map((k, i) => loadFixture(dbs[i]!.url, k)));
  await populateQueues(redis.url);

  const memory = new Map<string, string>();
  const backend: SecretBackend = { get: async (a) => memory.get(a) ?? null, set: async (a, v) => void memory.set(a, v), delete: async (a) => memory.delete(a), probe: async () => {} };
  const core = await createCore({ home: join(work, 'home'), mode: 'test', env: {}, secretBackend: backend });
  stops.push(() => core.close());
  const extra: Record<string, Record<string, unknown>> = {
    'what-the-repo': { http: [{ name: 'app', url: http.whatTheRepo, endpoints: ['/'], required: ['/'] }, { name: 'hung', url: http.hanging, role: 'other' }] },
    autodevops: { queues: AUTODEVOPS_QUEUES },
    pggit: { http: [{ name: 'api', url: http.pggit, endpoints: ['/health'] }] },
  };
  const ids: string[] = [];
  for (const [i, k] of KINDS.entries()) {
    const s = core.systems.create(SystemFields.parse({ name: k, kind: k, timeoutMs: TIMEOUT_MS, ...(extra[k] ?? {}) }));
    await core.systems.setSecret(s.id, 'postgres_url', dbs[i]!.url);
    if (k === 'autodevops') await core.systems.setSecret(s.id, 'redis_url', redis.url);
    ids.push(s.id);
  }
  await core.systems.health(); // warm-up: module loading, first connections

  const oneClick: number[] = [];
  const sequential: number[] = [];
  let checks = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const run = await core.systems.health();
    oneClick.push(performance.now() - t0);
    checks = run.systems.reduce((a, s) => a + s.results.filter((x) => x.configured).length, 0);
    const t1 = performance.now();
    for (const id of ids) await core.systems.health([id]);
    sequential.push(performance.now() - t1);
  }
  const p50 = percentile(oneClick, 50);
  const max = Math.max(...oneClick);
  printTable(
    ['scenario', 'systems', 'checks', 'p50 ms', 'max ms', 'over timeout (max)'],
    [
      ['one click, all systems in parallel', '5', String(checks), p50.toFixed(0), max.toFixed(0), `${(max - TIMEOUT_MS).toFixed(0)} ms`],
      ['baseline: one system after another', '5', String(checks), percentile(sequential, 50).toFixed(0), Math.max(...sequential).toFixed(0), '—'],
    ],
  );
  console.log(
    JSON.stringify({
      systems: 5,
      checks,
      rounds: ROUNDS,
      slowest_timeout_ms: TIMEOUT_MS,
      one_click_ms_p50: Math.round(p50),
      one_click_ms_max: Math.round(max),
      overshoot_ms_max: Math.round(max - TIMEOUT_MS),
      sequential_ms_p50: Math.round(percentile(sequential, 50)),
      within_goal: max <= TIMEOUT_MS + GOAL_OVERSHOOT_MS,
    }),
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch((e: Error) => log(`cleanup: ${e.message}`));
  rmSync(work, { recursive: true, force: true });
}
