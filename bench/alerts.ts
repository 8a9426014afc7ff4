// bench:alerts — issue 17's figures, through the real core on an embedded PostgreSQL:
//   10,000 alert events (health observations of 200 services, each flipping state now and
//   then) → rules → the warehouse outbox → two webhook channels on loopback, each rate-limited
//   at 10/s; the second answers 503 for the first half of the run, then recovers.
//   - delivery latency p95 from event to receiver on the healthy channel (goal < 1 s);
//   - alerts lost and duplicated across both channels (goal 0 and 0);
//   - the budget check's cost per paid batch: SpendGuard.admit + settle with 6 budgets (goal < 1 ms).
// Last line: {"events":…,"delivery_p95_ms":…,"lost":…,"duplicates":…,"budget_check_us":…}
//   npm run bench:alerts [-- --events N --seconds S]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { healthObservations } from '../src/main/alerts/sources.ts';
import { createCore } from '../src/main/core/compose.ts';
import type { SecretBackend } from '../src/main/secrets/keychain.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import type { HealthRun } from '../src/shared/contract/health.ts';
import { ProfileFields } from '../src/shared/contract/profiles.ts';
import { rng } from '../test/helpers/random.ts';
import { startHttpReceiver } from '../test/helpers/receivers.ts';
import { percentile, printTable } from './report.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '40' } } });
const EVENTS = Number(values.events);
const SECONDS = Number(values.seconds);
const SERVICES = 200;
// ~6 state changes a second on average: well under the channel's 10/s, with bursts.
const FLIP = (6 * SECONDS) / EVENTS;

const WORK = join(tmpdir(), `repo-ops-bench-alerts-${process.pid}`);
const memory = new Map<string, string>();
const backend: SecretBackend = { get: async (a) => memory.get(a) ?? null, set: async (a, v) => void memory.set(a, v), delete: async (a) => memory.delete(a), probe: async () => {} };

const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const recv = await startHttpReceiver();
const core = await createCore({ home: join(WORK, 'home'), mode: 'test', env: {}, secretBackend: backend });
try {
  const profile = core.profiles.create(ProfileFields.parse({ name: 'bench' }));
  core.profiles.activate(profile.id);
  await core.secrets.set(profile.id, 'postgres_url', cluster.url);
  await core.alerts.pool(true);
  await core.alerts.updatePolicy({ groupWaitSeconds: 0, pollIntervalMs: 50, ratePerSecond: 10, retryBaseSeconds: 0.5, maxRetries: 3, circuitFailures: 5, circuitOpenSeconds: 1, requestTimeoutMs: 2000, escalateAfterSeconds: 86_400 });
  for (const r of await core.alerts.rules()) if (r.id !== 'service-down') await core.alerts.saveRule({ ...r, enabled: false });
  const down = await core.alerts.rules().then((rs) => rs.find((r) => r.id === 'service-down')!);
  await core.alerts.saveRule({ ...down, forSeconds: 0, repeatSeconds: 86_400, sendResolved: true });
  await core.alerts.deleteChannel('desktop');
  for (const [id, path] of [['healthy', '/healthy'], ['flaky', '/flaky']] as const) {
    await core.alerts.saveChannel({ id, name: id, config: { type: 'webhook' }, severities: ['P1'], escalateTo: null, ratePerSecond: null, enabled: true, secrets: { url: `${recv.url}${path}`, signingSecret: 'bench-secret' } });
  }
  recv.setMode('/flaky', 'fail');

  // The event stream: evenly spaced, one service per event, a seeded coin decides a flip.
  const random = rng(17);
  const state = new Array<boolean>(SERVICES).fill(true);
  const transitions = new Map<string, number[]>(); // `${service}:${firing|resolved}` → event times
  const spacing = (SECONDS * 1000) / EVENTS;
  const t0 = performance.now();
  const wall0 = Date.now();
  let flipped = 0;
  for (let i = 0; i < EVENTS; i++) {
    const due = t0 + i * spacing;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const s = i % SERVICES;
    if (random() < FLIP) {
      state[s] = !state[s];
      flipped++;
      const key = `svc-${s}:${state[s] ? 'resolved' : 'firing'}`;
      const list = transitions.get(key) ?? [];
      list.push(Date.now());
      transitions.set(key, list);
    }
    if (i === Math.floor(EVENTS / 2)) recv.setMode('/flaky', 'ok');
    const run: HealthRun = { durationMs: 0, report: { status: 'healthy', timestamp: '', version: 'bench', services: {} }, results: [{ id: `svc-${s}`, kind: 'http', name: `Service ${s}`, status: state[s] ? 'healthy' : 'down', latencyMs: 1, summary: state[s] ? 'ok' : 'HTTP 503', details: {}, findings: [], checkedAt: new Date().toISOString(), configured: true }] };
    core.alerts.observe(healthObservations(run));
  }
  const emitted = (performance.now() - t0) / 1000;
  await core.alerts.drain();
  const expected = [...transitions.values()].reduce((n, l) => n + l.length, 0);
  // Drain: every notification of both channels, or a deadline.
  const deadline = Date.now() + 180_000;
  const keys = (path: string) => recv.received.filter((r) => r.path === path).flatMap((r) => (r.json.alerts as { id: number; labels: { service: string } }[]).map((a) => ({ key: `${a.id}:${r.json.kind as string}`, service: a.labels.service, kind: r.json.kind as string, id: a.id, at: r.at })));
  while (Date.now() < deadline && (new Set(keys('/healthy').map((k) => k.key)).size < expected || new Set(keys('/flaky').map((k) => k.key)).size < expected)) await new Promise((r) => setTimeout(r, 200));
  const drained = (Date.now() - wall0) / 1000;

  let lost = 0;
  let duplicates = 0;
  for (const path of ['/healthy', '/flaky']) {
    const k = keys(path);
    const unique = new Set(k.map((x) => x.key));
    lost += Math.max(0, expected - unique.size);
    duplicates += k.length - unique.size;
  }
  // Latency on the healthy channel: the n-th firing (resolved) notice of a service ↔ its n-th down (up) event.
  const latencies: number[] = [];
  const byService = new Map<string, { id: number; kind: string; at: number }[]>();
  for (const k of keys('/healthy')) (byService.get(`${k.service}:${k.kind}`) ?? byService.set(`${k.service}:${k.kind}`, []).get(`${k.service}:${k.kind}`)!).push(k);
  for (const [key, got] of byService) {
    const sent = transitions.get(key) ?? [];
    got.sort((a, b) => a.id - b.id).forEach((g, i) => sent[i] !== undefined && latencies.push(g.at - sent[i]!));
  }
  const flakyAttempts = recv.attempts.get('/flaky') ?? 0;

  // The budget check: six budgets, an admit and a settle per batch, the way a paid job calls it.
  await core.budgets.save({ name: 'month', metric: 'usd', period: 'month', cap: 1e9, category: 'openai', repository: null, warnPct: 80, criticalPct: 95, enforce: true, enabled: true });
  await core.budgets.save({ name: 'day', metric: 'usd', period: 'day', cap: 1e9, category: 'openai', repository: null, warnPct: 80, criticalPct: 95, enforce: true, enabled: true });
  await core.budgets.save({ name: 'job', metric: 'usd', period: 'job', cap: 1e9, category: 'openai', repository: null, warnPct: 80, criticalPct: 95, enforce: true, enabled: true });
  await core.budgets.save({ name: 'repo day', metric: 'usd', period: 'day', cap: 1e9, category: 'embeddings', repository: 'octo/widgets', warnPct: 80, criticalPct: 95, enforce: true, enabled: true });
  await core.budgets.save({ name: 'tokens day', metric: 'tokens', period: 'day', cap: 1e12, category: 'openai', repository: null, warnPct: 80, criticalPct: 95, enforce: true, enabled: true });
  await core.budgets.save({ name: 'tokens repo', metric: 'tokens', period: 'month', cap: 1e12, category: 'openai', repository: 'octo/gadgets', warnPct: 80, criticalPct: 95, enforce: true, enabled: true });
  const guard = await core.budgets.guard({ category: 'embeddings', runId: '00000000-0000-4000-8000-00000000b0b0', jobKind: 'embed', repository: null });
  const batch = { usd: 0.0026, tokens: 128_000, parts: [{ repository: 'octo/widgets', usd: 0.002, tokens: 100_000 }, { repository: 'octo/gadgets', usd: 0.0006, tokens: 28_000 }] };
  const N = 200_000;
  for (let i = 0; i < 10_000; i++) guard.settle(guard.admit(batch), batch); // warm up
  const b0 = performance.now();
  for (let i = 0; i < N; i++) guard.settle(guard.admit(batch), batch);
  const budgetCheckUs = ((performance.now() - b0) * 1000) / N;
  guard.close();

  const p95 = Math.round(percentile(latencies, 95));
  console.log(`bench:alerts — ${EVENTS} events over ${emitted.toFixed(1)} s (${flipped} state changes → ${expected} notifications per channel), drained after ${drained.toFixed(1)} s`);
  printTable(
    ['figure', 'measured', 'goal', 'met'],
    [
      ['delivery latency p50, healthy channel (10/s)', `${Math.round(percentile(latencies, 50))} ms`, '', ''],
      ['delivery latency p95, healthy channel (10/s)', `${p95} ms`, '< 1000 ms', p95 < 1000 ? 'yes' : 'NO'],
      ['delivery latency max, healthy channel', `${Math.round(Math.max(...latencies))} ms`, '', ''],
      ['attempts at the channel down for the first half', String(flakyAttempts), '(circuit breaker bounds them)', ''],
      ['alerts lost (both channels)', String(lost), '0', lost === 0 ? 'yes' : 'NO'],
      ['duplicates (both channels)', String(duplicates), '0', duplicates === 0 ? 'yes' : 'NO'],
      ['budget check per paid batch (6 budgets)', `${budgetCheckUs.toFixed(3)} µs`, '< 1000 µs', budgetCheckUs < 1000 ? 'yes' : 'NO'],
    ],
  );
  console.log(JSON.stringify({ events: EVENTS, delivery_p95_ms: p95, lost, duplicates, budget_check_us: Number(budgetCheckUs.toFixed(3)) }));
} finally {
  await core.close();
  await recv.close();
  await cluster.stop();
  rmSync(WORK, { recursive: true, force: true });
}
