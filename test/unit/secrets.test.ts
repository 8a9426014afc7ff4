import { AsyncEntry } from '@napi-rs/keyring';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, KeychainUnavailableError, type SecretBackend } from '../../src/main/secrets/keychain.ts';
import { OpsError } from '../../src/shared/errors.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';

let t: TestCore;
let profileId: string;
beforeAll(async () => {
  t = await startTestCore({ env: { OPENAI_API_KEY: 'sk-env-' + 'e'.repeat(30) } });
  profileId = (await t.ops.profiles.create({ name: 'secrets-test' })).id;
});
afterAll(() => t.close());

const storeBytes = (home: string) =>
  readdirSync(home)
    .filter((f) => f.startsWith('repo-ops.sqlite'))
    .map((f) => readFileSync(join(home, f)).toString('latin1'))
    .join('');

describe('secrets in the real OS keychain', () => {
  const token = 'ghp_' + 'T3st'.repeat(9);

  it('stores a secret in the keychain under service repo-ops and reports only its status', async () => {
    const status = await t.ops.secrets.set({ profileId, key: 'github_token', value: token });
    expect(status).toMatchObject({ key: 'github_token', set: true, source: 'keychain', rotateEveryDays: 90, rotationOverdue: false });
    expect(JSON.stringify(status)).not.toContain(token);
    expect(await new AsyncEntry(KEYCHAIN_SERVICE, `${profileId}:github_token`).getPassword()).toBe(token);
    expect(await t.core.secrets.get(profileId, 'github_token')).toBe(token);
    const overview = await t.ops.secrets.status({ profileId });
    expect(overview.keychain.available).toBe(true);
    expect(JSON.stringify(overview)).not.toContain(token);
  });

  it('never writes the value to the SQLite store or the logs', async () => {
    t.core.logger.info('debug_dump', `token is ${token}`);
    t.core.logStore.flush();
    t.core.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = storeBytes(t.home);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes).not.toContain(token);
    expect(bytes).toContain('secrets-test'); // the check reads real content
  });

  it('records when a secret was set and when to rotate it (AutoDevOps table)', async () => {
    const s = await t.ops.secrets.set({ profileId, key: 'openai_key', value: 'sk-' + 'k'.repeat(40) });
    expect(s.rotateEveryDays).toBe(30);
    const due = Date.parse(s.rotationDueAt!) - Date.parse(s.setAt!);
    expect(Math.round(due / 86_400_000)).toBe(30);
    t.core.db.prepare("UPDATE secret_meta SET set_at = '2020-01-01T00:00:00.000Z' WHERE profile_id = ? AND key = 'openai_key'").run(profileId);
    const overdue = (await t.ops.secrets.status({ profileId })).items.find((i) => i.key === 'openai_key')!;
    expect(overdue.rotationOverdue).toBe(true);
    await t.ops.settings.update({ rotationDays: { openai_key: 7 } });
    expect((await t.ops.secrets.status({ profileId })).items.find((i) => i.key === 'openai_key')!.rotateEveryDays).toBe(7);
  });

  it('validates values without echoing them', async () => {
    const bad = 'mysql://root:pw-should-not-echo@h/db';
    const err = await t.ops.secrets.set({ profileId, key: 'postgres_url', value: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).message).toBe('The Postgres URL must start with postgres:// or postgresql://');
    const err2 = await t.ops.secrets.set({ profileId, key: 'github_token', value: 'has space inside' }).catch((e: unknown) => e);
    expect((err2 as OpsError).message).not.toContain('has space');
    await expect(t.ops.secrets.set({ profileId, key: 'postgres_url', value: 'postgres://u:p@localhost:5432/db' })).resolves.toMatchObject({ set: true });
  });

  it('falls back to the runbooks’ environment variables, keychain first', async () => {
    const other = (await t.ops.profiles.create({ name: 'env-only' })).id;
    const s = (await t.ops.secrets.status({ profileId: other })).items.find((i) => i.key === 'openai_key')!;
    expect(s).toMatchObject({ set: true, source: 'env', setAt: null, envVars: ['OPENAI_API_KEY'] });
    expect(await t.core.secrets.get(other, 'openai_key')).toBe('sk-env-' + 'e'.repeat(30));
    expect(await t.core.secrets.get(profileId, 'openai_key')).toBe('sk-' + 'k'.repeat(40));
    await expect(t.core.secrets.require(other, 'milvus_token')).rejects.toThrow('Milvus token is not set. Add it in Settings → Profiles, or set MILVUS_TOKEN.');
  });

  it('deletes from the keychain', async () => {
    const s = await t.ops.secrets.delete({ profileId, key: 'github_token' });
    expect(s).toMatchObject({ set: false, source: 'none', setAt: null });
    expect(await new AsyncEntry(KEYCHAIN_SERVICE, `${profileId}:github_token`).getPassword()).toBeNull();
  });

  it('deleting a profile removes its keychain entries', async () => {
    const p = (await t.ops.profiles.create({ name: 'short-lived' })).id;
    await t.ops.secrets.set({ profileId: p, key: 'milvus_token', value: 'milvus-secret-123456' });
    await t.ops.profiles.delete({ id: p });
    expect(await new AsyncEntry(KEYCHAIN_SERVICE, `${p}:milvus_token`).getPassword()).toBeNull();
  });
});

describe('without a working keychain', () => {
  const broken: SecretBackend = {
    get: () => Promise.reject(new KeychainUnavailableError('The OS keychain is not available (no Secret Service)')),
    set: () => Promise.reject(new KeychainUnavailableError('The OS keychain is not available (no Secret Service)')),
    delete: () => Promise.reject(new KeychainUnavailableError('The OS keychain is not available (no Secret Service)')),
    probe: () => Promise.reject(new KeychainUnavailableError('The OS keychain is not available (no Secret Service)')),
  };
  let u: TestCore;
  beforeAll(async () => {
    u = await startTestCore({ secretBackend: broken, env: { GITHUB_TOKEN: 'ghp_' + 'v'.repeat(36) } });
  });
  afterAll(() => u.close());

  it('reports the keychain as unavailable with a clear message and keeps env secrets working', async () => {
    const o = await u.ops.secrets.status();
    expect(o.keychain).toEqual({ available: false, message: 'The OS keychain is not available (no Secret Service)', store: 'os-keychain', reason: 'the OS keychain', locked: false, uninitialized: false });
    expect(o.items.find((i) => i.key === 'github_token')).toMatchObject({ set: true, source: 'env' });
    expect(await u.core.secrets.get(o.profileId, 'github_token')).toBe('ghp_' + 'v'.repeat(36));
  });

  it('refuses to store with that message instead of crashing', async () => {
    const profileId = (await u.ops.secrets.status()).profileId;
    await expect(u.ops.secrets.set({ profileId, key: 'openai_key', value: 'sk-abcdefabcdefabcdef' })).rejects.toMatchObject({ code: 'unavailable', message: 'The OS keychain is not available (no Secret Service)' });
    expect((await u.ops.app.info()).name).toBe('Repo Ops');
  });
});
