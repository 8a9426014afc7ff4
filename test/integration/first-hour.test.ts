import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/compose.ts';
import { inProcessClient } from '../../src/main/rpc/in-process.ts';
import { smallDataset, startSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

// Issue 10 (minor items checked through the API).
let env: SyncEnv;
beforeAll(async () => {
  env = await startSyncEnv({ dataset: smallDataset(3, 20, 10, 0) });
});
afterAll(() => env?.close());

describe('the operator’s first hour', () => {
  it('a preflight checks the repository on GitHub without tracking it', async () => {
    const pf = await env.t.ops.backfill.preflight({ repository: 'octo/widgets', skipEmbeddings: true });
    expect(pf.checks.find((c) => c.id === 'repository')).toMatchObject({ state: 'pass', message: 'octo/widgets exists on GitHub' });
    expect(await env.t.ops.repos.list()).toEqual([]);
    const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM repositories');
    expect(rows[0].n).toBe(0);
  });

  it('a bad owner/name is refused with the rule it breaks', async () => {
    const pf = await env.t.ops.backfill.preflight({ repository: 'octo-/widgets', skipEmbeddings: true });
    expect(pf.ok).toBe(false);
    expect(pf.checks.find((c) => c.id === 'repository')).toMatchObject({ state: 'fail', message: expect.stringMatching(/"octo-" is not a valid GitHub owner/) });
  });

  it('health results belong to their profile: another profile never shows them as its own', async () => {
    const a = await env.t.ops.health.run({});
    expect(a.results.find((r) => r.id === 'github')).toMatchObject({ configured: true });
    const other = await env.t.ops.profiles.create({ name: 'second' });
    await env.t.ops.profiles.activate({ id: other.id });
    expect((await env.t.ops.health.latest()).run).toBeNull();
    const b = await env.t.ops.health.run({});
    expect(b.results.find((r) => r.id === 'github')).toMatchObject({ configured: false });
    await env.t.ops.profiles.activate({ id: env.profileId });
    expect((await env.t.ops.health.latest()).run!.results.find((r) => r.id === 'github')).toMatchObject({ configured: true });
  });
});

describe('health results after a restart', () => {
  it('a restarted core shows the active profile its own last results, never another profile’s', async () => {
    expect((await env.t.ops.health.run({})).results.find((r) => r.id === 'github')).toMatchObject({ configured: true });
    const fresh = await env.t.ops.profiles.create({ name: 'fresh after restart' });
    await env.t.ops.profiles.activate({ id: fresh.id });
    // The same data directory, read by a new core, as after a restart of the console.
    const again = await createCore({ home: env.t.home, mode: 'test', env: {} });
    try {
      const ops = inProcessClient(again.rpc);
      expect((await ops.health.latest()).run).toBeNull();
      await ops.profiles.activate({ id: env.profileId });
      expect((await ops.health.latest()).run!.results.find((r) => r.id === 'github')).toMatchObject({ configured: true });
    } finally {
      await again.close();
      await env.t.ops.profiles.activate({ id: env.profileId });
    }
  });
});

describe('Save & test, per profile', () => {
  it('tests one connection of a profile that is not active, with its own secrets; each verdict is that profile’s only', async () => {
    const a = await env.t.ops.health.test({ profileId: env.profileId, connection: 'github' });
    expect(a).toMatchObject({ id: 'github', status: 'healthy', configured: true });
    // Duplicate: same settings, copies of the stored secrets, and no verdict of the original.
    const { profile: b, copiedSecrets } = await env.t.ops.profiles.duplicate({ id: env.profileId, name: 'staging' });
    expect(copiedSecrets.sort()).toEqual(['github_token', 'postgres_url']);
    expect(b).toMatchObject({ active: false, githubApiUrl: env.emulator.url });
    expect(await env.t.ops.health.verdicts({ profileId: b.id })).toEqual([]);
    // The copy's warehouse is tested over its own URL (it is not the active profile's connection).
    expect(await env.t.ops.health.test({ profileId: b.id, connection: 'postgres' })).toMatchObject({ id: 'postgres', status: 'healthy', configured: true });
    // A bad token on the copy: its verdict is down, the original's stays healthy, the active Health view is untouched.
    await env.t.ops.secrets.set({ profileId: b.id, key: 'github_token', value: 'ghp_wrong_token_000000000000000000000000' });
    const bad = await env.t.ops.health.test({ profileId: b.id, connection: 'github' });
    expect(bad.status).toBe('down');
    expect(bad.summary).toMatch(/401|credentials|token/i);
    expect((await env.t.ops.health.verdicts({ profileId: b.id })).map((r) => [r.id, r.status])).toEqual([['github', 'down'], ['postgres', 'healthy']]);
    expect((await env.t.ops.health.verdicts({ profileId: env.profileId })).find((r) => r.id === 'github')).toMatchObject({ status: 'healthy' });
    expect((await env.t.ops.health.latest()).run?.results.find((r) => r.id === 'github')?.status ?? 'healthy').toBe('healthy');
    // Not configured is a verdict too (unknown, says what is missing), never another profile's result.
    expect(await env.t.ops.health.test({ profileId: b.id, connection: 'openai' })).toMatchObject({ status: 'unknown', configured: false, summary: expect.stringMatching(/No OpenAI key/) });
  });

  it('refuses what it cannot do, clearly', async () => {
    await expect(env.t.ops.health.test({ profileId: 'nope', connection: 'github' })).rejects.toMatchObject({ code: 'not_found', message: 'No profile with id nope' });
    await expect(env.t.ops.health.test({ profileId: env.profileId, connection: 'ftp' as 'github' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/connection/) });
    await expect(env.t.ops.profiles.duplicate({ id: env.profileId, name: 'test' })).rejects.toMatchObject({ message: expect.stringMatching(/test/) });
    const { profile: c } = await env.t.ops.profiles.duplicate({ id: env.profileId, name: 'no secrets', copySecrets: false });
    expect((await env.t.ops.secrets.status({ profileId: c.id })).items.filter((i) => i.source !== 'none' && i.source !== 'env')).toEqual([]);
    // Without a Postgres URL a profile that is not active uses the embedded warehouse: the verdict says how to test it.
    expect(await env.t.ops.health.test({ profileId: c.id, connection: 'postgres' })).toMatchObject({ status: 'down', summary: expect.stringMatching(/embedded warehouse.*make it active/) });
  });
});

describe('first-run checklist', () => {
  it('ticks itself from the real state of the active profile, and a secret changed after its test un-ticks the test', async () => {
    await env.t.ops.profiles.activate({ id: env.profileId });
    let c = await env.t.ops.setup.checklist();
    expect(c.steps.map((s) => s.id)).toEqual(['profile', 'secrets', 'connections', 'backfill']);
    expect(c.complete).toBe(false);
    expect(c.steps[0]).toMatchObject({ done: true, detail: 'Active profile "test"' });
    expect(c.steps[1]).toMatchObject({ done: false, detail: expect.stringMatching(/^Missing: OpenAI API key, Milvus URL/), link: '/settings?focus=secrets' });
    await env.t.ops.health.test({ profileId: env.profileId, connection: 'github' });
    c = await env.t.ops.setup.checklist();
    expect(c.steps[2]!.items.find((i) => i.label === 'GitHub')).toMatchObject({ done: true, detail: expect.stringMatching(/^healthy/) });
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'github_token', value: env.emulator.token });
    c = await env.t.ops.setup.checklist();
    expect(c.steps[2]!.items.find((i) => i.label === 'GitHub')).toMatchObject({ done: false, detail: expect.stringMatching(/changed since the last test/) });
    expect(c.steps[3]).toMatchObject({ done: false, link: '/backfill', detail: expect.stringMatching(/No verified backfill yet/) });
    // A verified backfill into this profile's warehouse ticks the last step.
    const run = await env.t.core.jobs.wait((await env.t.ops.backfill.start({ repository: 'octo/widgets', skipEmbeddings: true })).id);
    expect(run.status).toBe('succeeded');
    c = await env.t.ops.setup.checklist();
    expect(c.steps[3]).toMatchObject({ done: true, detail: expect.stringMatching(/^octo\/widgets backfilled and verified/) });
  });
});
