import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainUnavailableError, type SecretBackend } from '../../src/main/secrets/keychain.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

// A secret store that stops answering for a while (a keychain busy under load, locked, a D-Bus
// timeout) is not a store without the warehouse's URL: the console keeps the warehouse it is
// connected to, never switches to the embedded PostgreSQL in its place, and says so.
const entries = new Map<string, string>();
let down = false;
const failing = () => Promise.reject(new KeychainUnavailableError('The OS keychain did not answer (timeout)'));
const blipping: SecretBackend = {
  get: (account) => (down ? failing() : Promise.resolve(entries.get(account) ?? null)),
  set: (account, value) => (down ? failing() : Promise.resolve(void entries.set(account, value))),
  delete: (account) => (down ? failing() : Promise.resolve(entries.delete(account))),
  probe: () => (down ? failing() : Promise.resolve()),
};

let t: TestCore;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let profileId: string;
beforeAll(async () => {
  db = await createTestDatabase('blip');
  t = await startTestCore({ secretBackend: blipping, env: {} });
  profileId = (await t.ops.profiles.create({ name: 'team warehouse' })).id;
  await t.ops.profiles.activate({ id: profileId });
  await t.ops.secrets.set({ profileId, key: 'postgres_url', value: db.url });
}, 120_000);
afterAll(async () => {
  down = false;
  await t?.close();
  await db?.drop();
});

describe('a secret store that stops answering', () => {
  it('keeps the warehouse in use, on the same pool, and never starts the embedded one', async () => {
    const { pool, info } = await t.core.warehouse.connection();
    expect(info.mode).toBe('external');
    down = true;
    const during = await t.core.warehouse.connection();
    expect(during.pool).toBe(pool);
    expect(during.info.mode).toBe('external');
    // The pool was not ended: work goes on against the same database.
    expect((await pool.query('SELECT current_database() AS d')).rows[0].d).toBe(db.name);
    expect(existsSync(join(t.home, 'postgres'))).toBe(false);
    // Health: the warehouse is checked as usual; the services whose credentials could not be read
    // are unknown, with why, not "not configured".
    const run = await t.ops.health.run({ only: ['postgres', 'github', 'openai'] });
    const by = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(by.postgres).toMatchObject({ status: 'healthy', configured: true });
    for (const id of ['github', 'openai']) expect(by[id]).toMatchObject({ status: 'unknown', configured: true, summary: 'Not checked: its credentials could not be read from the secret store (The OS keychain did not answer (timeout))' });
    // The backfill's preflight names the store, not a missing token.
    const pf = await t.ops.backfill.preflight({ repository: 'octo/widgets', skipEmbeddings: true });
    expect(pf.ok).toBe(false);
    expect(pf.checks.find((c) => c.id === 'github')).toMatchObject({ state: 'fail', message: 'Could not be read from the secret store: The OS keychain did not answer (timeout)' });
    down = false;
    // Known down for a while (not asked again at once); the connection holds meanwhile and after.
    expect((await t.core.warehouse.connection()).pool).toBe(pool);
  });

  it('says the value could not be read, not that it is not set; with no connection yet, refuses to guess', async () => {
    const other = await startTestCore({ secretBackend: { ...blipping, get: () => failing() }, env: {} });
    try {
      const p = (await other.ops.profiles.create({ name: 'fresh console' })).id;
      await other.ops.profiles.activate({ id: p });
      await expect(other.core.secrets.lookup(p, 'postgres_url')).resolves.toEqual({ value: null, unreadable: 'The OS keychain did not answer (timeout)' });
      await expect(other.core.secrets.require(p, 'github_token')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^GitHub token could not be read from the secret store: The OS keychain did not answer \(timeout\)\. Set GITHUB_TOKEN/) });
      await expect(other.core.warehouse.connection()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/could not be read from the secret store \(The OS keychain did not answer \(timeout\)\); the embedded warehouse is not used in its place/) });
      expect(existsSync(join(other.home, 'postgres'))).toBe(false);
    } finally {
      await other.close();
    }
  });
});
