// Alerts end to end against real receivers on loopback: every channel type, every rule firing
// and resolving once, a receiver down for several retry periods, the circuit breaker,
// escalation, and two delivering processes on one warehouse. Time is compressed through the
// delivery policy (seconds → tenths), never with fake timers.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthObservations, secretObservations } from '../../src/main/alerts/sources.ts';
import type { HealthRun } from '../../src/shared/contract/health.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { startHttpReceiver, startSmtpServer, type HttpReceiver } from '../helpers/receivers.ts';
import { waitFor } from '../helpers/temp.ts';
import { z } from 'zod';
import { runCli } from '../helpers/cli.ts';

const SIGNING = 'whsec-test-signing-secret';
const POLICY = { retryBaseSeconds: 0.15, maxRetries: 3, circuitFailures: 5, circuitOpenSeconds: 0.4, escalateAfterSeconds: 3600, groupWaitSeconds: 0, pollIntervalMs: 20, requestTimeoutMs: 400, ratePerSecond: 200, evaluateIntervalSeconds: 0.2 };

let recv: HttpReceiver;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let t: TestCore;
let profileId: string;

const got = (path: string) => recv.received.filter((r) => r.path === path);
/** (alert id, kind) pairs a webhook received, to count duplicates. */
const webhookAlerts = (path: string) => got(path).flatMap((r) => ((r.json.alerts as { id: number; state: string }[]) ?? []).map((a) => `${a.id}:${r.json.kind as string}`));

beforeAll(async () => {
  [recv, smtp, db] = await Promise.all([startHttpReceiver(), startSmtpServer({ user: 'alerts', password: 'smtp-pass' }), createTestDatabase('alerts')]);
  t = await startTestCore();
  const profile = await t.ops.profiles.create({ name: 'alerts', httpServices: [{ name: 'API', url: `${recv.url}/svc` }] });
  profileId = profile.id;
  await t.ops.secrets.set({ profileId, key: 'postgres_url', value: db.url });
  await t.ops.settings.update({ healthIntervalMinutes: 0, healthTimeoutMs: 2000 });
  await t.ops.alerts.updatePolicy(POLICY);
  // Built-in rules stay; this test's rules fire with no delay and resolve loudly.
  for (const r of await t.ops.alerts.rules()) await t.ops.alerts.saveRule({ ...r, forSeconds: 0, repeatSeconds: 3600 });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([recv?.close(), smtp?.close(), db?.drop()]);
});

describe('channels', () => {
  it('stores credentials in the keychain (never returned), validates input, and sends a test through each type', async () => {
    const hook = await t.ops.alerts.saveChannel({ id: 'ops-webhook', name: 'Ops webhook', config: { type: 'webhook' }, severities: ['P1', 'P2', 'P3', 'P4'], secrets: { url: `${recv.url}/hook`, signingSecret: SIGNING } });
    expect(hook.secretsSet).toEqual({ url: true, signingSecret: true });
    expect(JSON.stringify(hook)).not.toContain(SIGNING);
    expect(JSON.stringify(await t.ops.alerts.channels())).not.toContain(`${recv.url}/hook`);
    await t.ops.alerts.saveChannel({ id: 'slack', name: 'Slack #alerts', config: { type: 'slack' }, severities: ['P1', 'P2', 'P3'], secrets: { url: `${recv.url}/slack` } });
    await t.ops.alerts.saveChannel({ id: 'pager', name: 'PagerDuty', config: { type: 'pagerduty', eventsUrl: `${recv.url}/pagerduty/v2/enqueue` }, severities: ['P1'], secrets: { routingKey: 'R0UTINGKEY0123456789' } });
    await t.ops.alerts.saveChannel({ id: 'mail', name: 'On-call mail', config: { type: 'email', host: '127.0.0.1', port: smtp.port, security: 'starttls', user: 'alerts', from: 'repo-ops@example.com', to: ['oncall@example.com'], allowSelfSigned: true }, severities: ['P1'], secrets: { password: 'smtp-pass' } });

    // Bad input names the field and stores nothing.
    await expect(t.ops.alerts.saveChannel({ name: 'x', config: { type: 'slack' }, secrets: { url: 'ftp://nope' } })).rejects.toThrow(/secrets\.url/);
    await expect(t.ops.alerts.saveChannel({ name: 'x', config: { type: 'email', host: 'h', port: 25, from: 'not-an-address', to: ['a@b.c'] } })).rejects.toThrow(/from/);
    await expect(t.ops.alerts.saveChannel({ name: 'x', config: { type: 'slack' }, secrets: { token: 'x' } })).rejects.toThrow(/no credential "token"/);

    for (const id of ['ops-webhook', 'slack', 'pager', 'mail']) {
      const r = await t.ops.alerts.testChannel({ id });
      expect(r, id).toMatchObject({ ok: true, error: null });
    }
    const signed = got('/hook').at(-1)!;
    expect(signed.json).toMatchObject({ version: '1', kind: 'test', source: 'repo-ops' });
    const expected = `sha256=${createHmac('sha256', SIGNING).update(`${signed.headers['x-repo-ops-timestamp'] as string}.${signed.body}`).digest('hex')}`;
    expect(signed.headers['x-repo-ops-signature']).toBe(expected);
    expect(got('/slack').at(-1)!.json.text).toMatch(/test notification/);
    expect(got('/pagerduty/v2/enqueue').at(-1)!.json).toMatchObject({ routing_key: 'R0UTINGKEY0123456789', event_action: 'trigger' });
    expect(smtp.mails.at(-1)).toMatchObject({ to: ['oncall@example.com'], user: 'alerts', secure: true });

    // A receiver that refuses: the test says so, and the channel shows the error.
    recv.setMode('/slack', 'reject');
    const bad = await t.ops.alerts.testChannel({ id: 'slack' });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/404/);
    recv.setMode('/slack', 'ok');
  });
});

describe('rules', () => {
  it('a health state change pages every routed channel once when it fires and once when it resolves', async () => {
    const before = { hook: got('/hook').length, slack: got('/slack').length, pd: got('/pagerduty/v2/enqueue').length, mail: smtp.mails.length };
    recv.setHealth(false);
    await t.ops.health.run({ only: ['http:*'] });
    await waitFor('P1 delivered to all four', () => got('/hook').length > before.hook && got('/slack').length > before.slack && got('/pagerduty/v2/enqueue').length > before.pd && smtp.mails.length > before.mail);
    const open = await t.ops.alerts.list({});
    const down = open.find((a) => a.ruleId === 'service-down')!;
    expect(down).toMatchObject({ state: 'firing', severity: 'P1', labels: { system: 'console', service: expect.stringMatching(/^http:/) } });
    // Still down on the next run: no new notification (repeat is an hour).
    await t.ops.health.run({ only: ['http:*'] });
    recv.setHealth(true);
    await t.ops.health.run({ only: ['http:*'] });
    await waitFor('resolved notices', () => got('/pagerduty/v2/enqueue').some((r) => r.json.event_action === 'resolve' && r.json.dedup_key === down.dedupKey));
    await waitFor('webhook resolved', () => webhookAlerts('/hook').includes(`${down.id}:resolved`));
    const mine = webhookAlerts('/hook').filter((k) => k.startsWith(`${down.id}:`));
    expect(mine.sort()).toEqual([`${down.id}:firing`, `${down.id}:resolved`]);
    const pd = got('/pagerduty/v2/enqueue').filter((r) => r.json.dedup_key === down.dedupKey).map((r) => r.json.event_action);
    expect(pd).toEqual(['trigger', 'resolve']);
    await waitFor('resolved mail', () => smtp.mails.filter((m) => m.raw.includes('Service down')).length === 2);
    expect(smtp.mails.filter((m) => m.raw.includes('RESOLVED')).length).toBe(1);
    expect((await t.ops.alerts.list({ state: 'all' })).find((a) => a.id === down.id)!.state).toBe('resolved');
  });

  it('jobs failed or incomplete, budgets, rotation and GitHub limits each fire once and resolve once', async () => {
    const core = t.core;
    // A failing job, then a successful run of the same kind and scope.
    const outcomes: string[] = ['fail', 'incomplete', 'ok'];
    const kind = 'alert-probe';
    core.jobs.register({ kind, title: 'Probe', params: z.object({ repository: z.string() }), describe: (p: { repository: string }) => `Probe ${p.repository}`, run: async () => {
      const o = outcomes.shift();
      if (o === 'fail') throw new Error('probe failed');
      return { status: o === 'incomplete' ? 'incomplete' : 'succeeded' };
    } });
    for (let i = 0; i < 3; i++) await core.jobs.wait((await core.jobs.enqueue(kind, { repository: 'octo/widgets' })).id);
    // A budget crossing its warning and critical lines, then raised.
    const budget = await t.ops.budgets.save({ name: 'Probe budget', metric: 'usd', period: 'day', cap: 1, category: 'llm' });
    await core.costs.record([{ category: 'llm', usd: 0.85, inputTokens: 1000, runId: '00000000-0000-4000-8000-000000000001', jobKind: kind }]);
    await waitFor('warning seen', async () => (await t.ops.alerts.list({})).some((a) => a.ruleId === 'budget-warning'));
    await core.costs.record([{ category: 'llm', usd: 0.12, inputTokens: 100, runId: '00000000-0000-4000-8000-000000000001', jobKind: kind }]);
    await waitFor('critical seen', async () => (await t.ops.alerts.list({})).some((a) => a.ruleId === 'budget-critical'));
    await t.ops.budgets.save({ ...budget, cap: 100 });
    // Rotation: a key set 40 days ago on a 30-day schedule, then rotated.
    await t.ops.secrets.set({ profileId, key: 'openai_key', value: 'sk-rotation-test-000000000000' });
    core.db.prepare('UPDATE secret_meta SET set_at = ? WHERE profile_id = ? AND key = ?').run(new Date(Date.now() - 40 * 86_400_000).toISOString(), profileId, 'openai_key');
    core.alerts.observe(secretObservations(await core.secrets.overview(profileId), 'alerts'));
    await core.alerts.drain();
    await t.ops.secrets.set({ profileId, key: 'openai_key', value: 'sk-rotation-test-111111111111' });
    core.alerts.observe(secretObservations(await core.secrets.overview(profileId), 'alerts'));
    // GitHub's GraphQL bucket low, then reset.
    const gh = (remaining: number): HealthRun => ({ durationMs: 1, report: { status: 'healthy', timestamp: new Date().toISOString(), version: 't', services: {} }, results: [{ id: 'github', kind: 'github', name: 'GitHub', status: 'healthy', latencyMs: 1, summary: 'ok', details: { rateLimits: { graphql: { limit: 5000, remaining, resetAt: new Date().toISOString() } } }, findings: [], checkedAt: new Date().toISOString(), configured: true }] });
    core.alerts.observe(healthObservations(gh(120)));
    await core.alerts.drain();
    core.alerts.observe(healthObservations(gh(4900)));
    await core.alerts.drain();

    const expectRule = async (ruleId: string) => {
      const alerts = (await t.ops.alerts.list({ state: 'all' })).filter((a) => a.ruleId === ruleId);
      expect(alerts.length, ruleId).toBe(1);
      await waitFor(`${ruleId} resolved notice`, () => webhookAlerts('/hook').includes(`${alerts[0]!.id}:resolved`));
      expect(webhookAlerts('/hook').filter((k) => k.startsWith(`${alerts[0]!.id}:`)).sort(), ruleId).toEqual([`${alerts[0]!.id}:firing`, `${alerts[0]!.id}:resolved`]);
    };
    for (const rule of ['job-failed', 'job-incomplete', 'budget-warning', 'budget-critical', 'secret-rotation', 'github-rate-limit']) await expectRule(rule);
  });

  it('silences hold notifications until they end; acknowledging stops repeats and tells PagerDuty', async () => {
    const silence = await t.ops.alerts.silence({ matchers: { rule: 'service-*', service: 'http:*' }, endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'maintenance window' });
    const before = got('/hook').length;
    recv.setHealth(false);
    await t.ops.health.run({ only: ['http:*'] });
    const alert = await waitFor('silenced alert', async () => (await t.ops.alerts.list({})).find((a) => a.ruleId === 'service-down' && a.silencedBy === silence.id));
    expect(got('/hook').length).toBe(before);
    await t.ops.alerts.expireSilence({ id: silence.id });
    await waitFor('notified after the silence', () => webhookAlerts('/hook').includes(`${alert.id}:firing`));
    const acked = await t.ops.alerts.acknowledge({ id: alert.id });
    expect(acked.acknowledgedBy).toMatch(/@/);
    await waitFor('PagerDuty acknowledged', () => got('/pagerduty/v2/enqueue').some((r) => r.json.event_action === 'acknowledge'));
    const audit = await t.ops.audit.list({});
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['silence.create', 'silence.expire', 'alert.acknowledge', 'channel.create']));
    recv.setHealth(true);
    await t.ops.health.run({ only: ['http:*'] });
  });
});

describe('delivery', () => {
  it('a receiver down for several retry periods loses nothing and gets each alert exactly once; the circuit opens and closes; two processes deliver', async () => {
    // A second core on the same warehouse delivers too (the test keychain is shared).
    const second = await startTestCore();
    const p2 = await second.ops.profiles.create({ name: 'second' });
    await second.ops.secrets.set({ profileId: p2.id, key: 'postgres_url', value: db.url });
    await second.ops.alerts.policy();
    try {
      await t.ops.alerts.saveChannel({ id: 'outage', name: 'Outage hook', config: { type: 'webhook' }, severities: ['P2'], secrets: { url: `${recv.url}/outage`, signingSecret: SIGNING } });
      await t.ops.alerts.saveRule({ id: 'outage-probe', name: 'Outage probe', kind: 'health', params: { statuses: ['down'], service: 'probe-*' }, severity: 'P2', channels: ['outage'] });
      recv.setMode('/outage', 'fail');
      const run = (i: number, status: 'down' | 'healthy'): HealthRun => ({ durationMs: 1, report: { status: 'healthy', timestamp: '', version: 't', services: {} }, results: [{ id: `probe-${i}`, kind: 'http', name: `Probe ${i}`, status, latencyMs: 1, summary: status, details: {}, findings: [], checkedAt: new Date().toISOString(), configured: true }] });
      for (let i = 0; i < 12; i++) (i % 2 ? second : t).core.alerts.observe(healthObservations(run(i, 'down')));
      await Promise.all([t.core.alerts.drain(), second.core.alerts.drain()]);
      const unavailable = await waitFor('circuit open', async () => (await t.ops.alerts.channels()).find((c) => c.id === 'outage' && c.health.label === 'unavailable'));
      expect(unavailable.health.consecutiveFailures).toBeGreaterThanOrEqual(5);
      // Down across several retry periods (0.15 s × attempts) and circuit windows.
      await new Promise((r) => setTimeout(r, 900));
      expect(got('/outage')).toHaveLength(0);
      recv.setMode('/outage', 'ok');
      await waitFor('all twelve delivered', () => new Set(webhookAlerts('/outage')).size === 12, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      const keys = webhookAlerts('/outage');
      expect(keys.length).toBe(12);
      expect(new Set(keys).size).toBe(12);
      const healthy = await waitFor('circuit closed', async () => (await t.ops.alerts.channels()).find((c) => c.id === 'outage' && c.health.status === 'healthy'));
      expect(healthy.health.circuitOpenUntil).toBeNull();
      const deliveries = await t.ops.alerts.deliveries({ channelId: 'outage' });
      expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
      expect(Math.max(...deliveries.map((d) => d.attempts))).toBeGreaterThan(1);
    } finally {
      await second.close();
    }
  });

  it('escalates a notification still undelivered after the delay to the next channel, once', async () => {
    await t.ops.alerts.saveChannel({ id: 'backup', name: 'Backup hook', config: { type: 'webhook' }, severities: [], secrets: { url: `${recv.url}/backup`, signingSecret: SIGNING } });
    await t.ops.alerts.saveChannel({ id: 'primary', name: 'Primary hook', config: { type: 'webhook' }, severities: [], escalateTo: 'backup', secrets: { url: `${recv.url}/primary`, signingSecret: SIGNING } });
    await t.ops.alerts.saveRule({ id: 'escalation-probe', name: 'Escalation probe', kind: 'health', params: { statuses: ['down'], service: 'esc-*' }, severity: 'P1', channels: ['primary'] });
    await t.ops.alerts.updatePolicy({ escalateAfterSeconds: 0.6 });
    recv.setMode('/primary', 'hang');
    const run: HealthRun = { durationMs: 1, report: { status: 'down', timestamp: '', version: 't', services: {} }, results: [{ id: 'esc-1', kind: 'http', name: 'Esc', status: 'down', latencyMs: 1, summary: 'down', details: {}, findings: [], checkedAt: new Date().toISOString(), configured: true }] };
    t.core.alerts.observe(healthObservations(run));
    await waitFor('escalated to backup', () => got('/backup').length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 800));
    expect(got('/backup')).toHaveLength(1);
    expect(got('/primary')).toHaveLength(0);
    const esc = (await t.ops.alerts.deliveries({ channelId: 'backup' }))[0]!;
    expect(esc.escalatedFrom).not.toBeNull();
    recv.setMode('/primary', 'ok');
    await t.ops.alerts.updatePolicy({ escalateAfterSeconds: 3600 });
  });

  it('with no console delivering, cron\'s `repo-ops health` pages before it exits; `repo-ops alerts test` and `costs report` work', async () => {
    await t.core.alerts.deliverer.stop(); // nobody else delivers now
    try {
      const before = got('/slack').length;
      recv.setHealth(false);
      const health = await runCli(['health', '--only', 'http:*'], { home: t.home, timeoutMs: 60_000 });
      expect(health.code).toBe(2);
      expect(got('/slack').length).toBe(before + 1);
      expect(got('/slack').at(-1)!.json.text).toMatch(/FIRING.*: Service down/);
      recv.setHealth(true);
      const ok = await runCli(['health', '--only', 'http:*'], { home: t.home, timeoutMs: 60_000 });
      expect(ok.code).toBe(0);
      expect(got('/slack').at(-1)!.json.text).toMatch(/RESOLVED.*: Service down/);
      const test = await runCli(['alerts', 'test', 'slack'], { home: t.home });
      expect(test).toMatchObject({ code: 0 });
      expect(test.stdout).toMatch(/Delivered to slack in \d+ ms \(200\)/);
      expect((await runCli(['alerts', 'silence', 'service=x', '--for', 'soon', '--comment', 'x'], { home: t.home })).code).toBe(2);
      const report = await runCli(['costs', 'report'], { home: t.home });
      expect(report.stdout).toMatch(/Budget report .* month to date \$\d/s);
    } finally {
      t.core.alerts.deliverer.start();
    }
  });

  it('when the warehouse itself is down, this machine alerts directly from its last known rules, and resolves', async () => {
    const before = got('/slack').length;
    const pg = (status: 'down' | 'healthy'): HealthRun => ({ durationMs: 1, report: { status: 'down', timestamp: '', version: 't', services: {} }, results: [{ id: 'postgres', kind: 'postgres', name: 'Postgres', status, latencyMs: null, summary: status === 'down' ? 'connection refused' : 'ok', details: {}, findings: [], checkedAt: new Date().toISOString(), configured: true }] });
    await db.drop(); // the warehouse, home of the outbox, is gone
    t.core.alerts.observe(healthObservations(pg('down')));
    await t.core.alerts.drain(true);
    await waitFor('paged directly', () => got('/slack').slice(before).some((r) => /FIRING: Service down \(warehouse unreachable: sent directly\) - console\/postgres/.test(String(r.json.text))));
    t.core.alerts.observe(healthObservations(pg('down'))); // still down: no second page
    await t.core.alerts.drain(true);
    t.core.alerts.observe(healthObservations(pg('healthy')));
    await t.core.alerts.drain(true);
    await waitFor('resolved directly', () => got('/slack').slice(before).some((r) => /RESOLVED: Service down/.test(String(r.json.text))));
    expect(got('/slack').slice(before).filter((r) => /Service down/.test(String(r.json.text)))).toHaveLength(2);
  });
});
