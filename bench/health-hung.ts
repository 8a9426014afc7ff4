// bench: one-click health checks with one service hanging. All checks run against real local
// services (embedded PostgreSQL, redis-server, Milvus Lite, the OpenAI and GitHub emulators, HTTP
// fixtures); in each scenario one of them hangs: a Postgres probe blocked on a lock, a "Redis" that
// accepts and never answers, an HTTP service that never answers, or a check that ignores its
// AbortSignal altogether. Goal: the whole run ends within the slowest timeout + 200 ms, and the
// healthy checks finish as fast as without the hung one. Prints a table, then one JSON line:
// {"hung_total_ms":…,"slowest_timeout_ms":…}.
// Run: node_modules/.bin/node bench/health-hung.ts
import pg from 'pg';
import { githubCheck } from '../src/main/health/github.ts';
import { httpCheck } from '../src/main/health/http.ts';
import { milvusCheck } from '../src/main/health/milvus.ts';
import { openaiCheck } from '../src/main/health/openai.ts';
import { postgresCheck } from '../src/main/health/postgres.ts';
import { redisCheck } from '../src/main/health/redis.ts';
import { runChecks } from '../src/main/health/run-checks.ts';
import type { Check, CheckOutcome } from '../src/main/health/types.ts';
import { generateDataset } from '../test/emulators/github/dataset.ts';
import { startGitHubEmulator } from '../test/emulators/github/server.ts';
import { startOpenAIEmulator } from '../test/emulators/openai/server.ts';
import { startHttpFixtures, startTcpFixture } from '../test/helpers/http-fixtures.ts';
import { startMilvus, type MilvusServer } from '../test/helpers/milvus-lite.ts';
import { createTestDatabase, startTestPostgres } from '../test/helpers/postgres.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { percentile, printTable } from './report.ts';

const TIMEOUT_MS = 2000;
const ROUNDS = 5;
const GOAL_OVERSHOOT_MS = 200;
const OPENAI_KEY = 'sk-bench-health-key-000000000000';

const stops: (() => Promise<unknown>)[] = [];
const log = (s: string): void => console.error(s);

log('starting services…');
const t0 = performance.now();
const postgres = await startTestPostgres();
stops.push(() => postgres.stop());
process.env.REPO_OPS_TEST_PG_URL = postgres.url;
const db = await createTestDatabase('bench_health');
stops.push(() => db.drop()); // runs before postgres.stop (stops run in reverse)
const [redis, openai, github, fx, silent] = await Promise.all([
  startRedis(),
  startOpenAIEmulator({ apiKeys: [OPENAI_KEY], recordTexts: false }),
  startGitHubEmulator({ dataset: generateDataset({ seed: 3, users: 5, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 3, issues: 2 }] }) }),
  startHttpFixtures(),
  startTcpFixture('silent'),
]);
stops.push(() => redis.stop(), () => openai.close(), () => github.close(), () => fx.close(), () => silent.close());
let milvus: MilvusServer | undefined;
try {
  milvus = await startMilvus();
  stops.push(() => milvus!.stop());
} catch (e) {
  log(`Milvus Lite unavailable, benchmarking without it: ${(e as Error).message.split('\n')[0]}`);
}
log(`services up in ${Math.round(performance.now() - t0)} ms`);

// Fixtures the checks look at: a queue backlog, a canary table the Postgres probe can be locked out of.
const setup = new pg.Client({ connectionString: db.url });
await setup.connect();
await setup.query('CREATE TABLE canary (id int)');
await setup.end();

function healthyChecks(): Check[] {
  const checks: Check[] = [
    postgresCheck({ url: db.url }),
    redisCheck({ url: redis.url, queueKeys: ['bull:*:wait'] }),
    openaiCheck({ apiKey: OPENAI_KEY, baseUrl: openai.baseUrl }),
    githubCheck({ token: github.token, apiUrl: github.url }),
    httpCheck({ name: 'api', url: fx.service('healthy') }, { rateWindowMs: 500 }),
  ];
  if (milvus) checks.push(milvusCheck({ url: milvus.url, token: milvus.token }));
  return checks;
}

/** A check that ignores its AbortSignal and never settles: only the runner's race can end it. */
const deaf: Check = { id: 'deaf', kind: 'http', name: 'Ignores its signal', run: () => new Promise<CheckOutcome>(() => undefined) };

interface Scenario {
  name: string;
  hungId?: string;
  checks: () => Check[];
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

let locker: pg.Client | undefined;
const scenarios: Scenario[] = [
  { name: 'baseline (nothing hangs)', checks: healthyChecks },
  {
    name: 'Postgres probe blocked on a lock',
    hungId: 'warehouse',
    checks: () => [...healthyChecks(), postgresCheck({ id: 'warehouse', url: db.url, probeQuery: 'SELECT count(*) FROM canary' })],
    before: async () => {
      locker = new pg.Client({ connectionString: db.url });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE canary IN ACCESS EXCLUSIVE MODE');
    },
    after: async () => {
      await locker?.query('ROLLBACK');
      await locker?.end();
    },
  },
  { name: 'Redis accepts, never answers', hungId: 'redis-hung', checks: () => [...healthyChecks(), redisCheck({ id: 'redis-hung', url: `redis://127.0.0.1:${silent.port}`, connectTimeoutMs: 60_000, commandTimeoutMs: 60_000 })] },
  { name: 'HTTP service never answers', hungId: 'http:hung', checks: () => [...healthyChecks(), httpCheck({ name: 'hung', url: fx.service('hang') }, { requestTimeoutMs: 60_000 })] },
  { name: 'check ignores its signal', hungId: 'deaf', checks: () => [...healthyChecks(), deaf] },
];

interface Row {
  scenario: string;
  totals: number[];
  othersMax: number[];
  statuses: string;
}
const rows: Row[] = [];
// One warm-up run: the first run pays for loading the Milvus SDK and JIT.
await runChecks(healthyChecks(), { timeoutMs: TIMEOUT_MS });
for (const s of scenarios) {
  log(`scenario: ${s.name}`);
  await s.before?.();
  const row: Row = { scenario: s.name, totals: [], othersMax: [], statuses: '' };
  for (let i = 0; i < ROUNDS; i++) {
    const finished: Record<string, number> = {};
    const start = performance.now();
    const run = await runChecks(s.checks(), { timeoutMs: TIMEOUT_MS, onResult: (r) => (finished[r.id] = performance.now() - start) });
    row.totals.push(performance.now() - start);
    row.othersMax.push(Math.max(...Object.entries(finished).filter(([id]) => id !== s.hungId).map(([, ms]) => ms)));
    const bad = run.results.filter((r) => r.status !== 'healthy').map((r) => `${r.id}=${r.status}`);
    if (s.hungId && !run.results.find((r) => r.id === s.hungId)?.summary.includes(`timed out after ${TIMEOUT_MS} ms`)) {
      throw new Error(`${s.name}: the hung check did not report its timeout: ${JSON.stringify(run.results.find((r) => r.id === s.hungId))}`);
    }
    row.statuses = bad.length ? bad.join(' ') : 'all healthy';
  }
  await s.after?.();
  rows.push(row);
}

const fmt = (n: number): string => n.toFixed(0);
console.log(`\nhealth checks: ${healthyChecks().length} real checks (+1 hung), timeout ${TIMEOUT_MS} ms each, ${ROUNDS} rounds per scenario, node ${process.version}`);
printTable(
  ['scenario', 'total p50 ms', 'total max ms', 'over timeout ms', 'others done by ms', 'not healthy'],
  rows.map((r) => [r.scenario, fmt(percentile(r.totals, 50)), fmt(Math.max(...r.totals)), r.scenario.startsWith('baseline') ? '–' : fmt(Math.max(...r.totals) - TIMEOUT_MS), fmt(Math.max(...r.othersMax)), r.statuses]),
);
const hungTotal = Math.max(...rows.filter((r) => !r.scenario.startsWith('baseline')).flatMap((r) => r.totals));
console.log(`goal: every hung run within ${TIMEOUT_MS} + ${GOAL_OVERSHOOT_MS} ms: ${hungTotal <= TIMEOUT_MS + GOAL_OVERSHOOT_MS ? 'met' : 'MISSED'} (worst ${fmt(hungTotal)} ms)`);

for (const stop of stops.reverse()) await stop().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
console.log(JSON.stringify({ hung_total_ms: Math.round(hungTotal), slowest_timeout_ms: TIMEOUT_MS }));
// Abandoned checks may still hold sockets (that is the point); do not wait for them.
process.exit(0);
