import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
