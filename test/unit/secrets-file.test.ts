import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/compose.ts';
import { inProcessClient } from '../../src/main/rpc/in-process.ts';
import { AutoSecretBackend } from '../../src/main/secrets/auto-backend.ts';
import { EncryptedFileBackend, SecretStoreLockedError } from '../../src/main/secrets/encrypted-file.ts';
import { KeychainUnavailableError, type SecretBackend } from '../../src/main/secrets/keychain.ts';
import { tempDir } from '../helpers/temp.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const PASS = 'correct horse battery staple';
const TOKEN = 'ghp_' + 'F1le'.repeat(9);

class MemoryKeychain implements SecretBackend {
  readonly values = new Map<string, string>();
  private readonly works: boolean;
  constructor(works: boolean) {
    this.works = works;
  }
  async get(a: string) {
    return this.values.get(a) ?? null;
  }
  async set(a: string, v: string) {
    if (!this.works) throw new KeychainUnavailableError('no Secret Service');
    this.values.set(a, v);
  }
  async delete(a: string) {
    return this.values.delete(a);
  }
  async probe() {
    if (!this.works) throw new KeychainUnavailableError('no Secret Service');
  }
}

describe('encrypted secrets file', () => {
  it('seals each value with the passphrase-derived key, 0600, nothing in clear', async () => {
    const file = join(tmp.dir, 'a', 'secrets.enc');
    const store = new EncryptedFileBackend(file);
    // No file yet: nothing was ever stored here (a read is not a failure); storing needs the passphrase.
    await expect(store.get('p:github_token')).resolves.toBeNull();
    await expect(store.set('p:github_token', TOKEN)).rejects.toBeInstanceOf(SecretStoreLockedError);
    await expect(store.unlock('short')).rejects.toThrow(/at least 12 characters/);
    expect(await store.unlock(PASS)).toEqual({ created: true });
    await store.set('p:github_token', TOKEN);
    expect(await store.get('p:github_token')).toBe(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(PASS);
    expect(JSON.parse(raw).entries['p:github_token'].ct).toBeTruthy(); // the check reads real content

    const later = new EncryptedFileBackend(file);
    expect(later.locked()).toBe(true);
    // A file that is there but locked may hold the value: reading it fails, it does not answer "none".
    await expect(later.get('p:github_token')).rejects.toBeInstanceOf(SecretStoreLockedError);
    await expect(later.unlock('wrong passphrase!!')).rejects.toThrow('Wrong passphrase for the secrets file');
    expect(await later.unlock(PASS)).toEqual({ created: false });
    expect(await later.get('p:github_token')).toBe(TOKEN);
    expect(await later.delete('p:github_token')).toBe(true);
    expect(await later.get('p:github_token')).toBeNull();
  });

  it('detects an altered or swapped entry instead of returning it', async () => {
    const file = join(tmp.dir, 'b.enc');
    const store = new EncryptedFileBackend(file);
    await store.unlock(PASS);
    await store.set('p:a', 'value-a');
    await store.set('p:b', 'value-b');
    const f = JSON.parse(readFileSync(file, 'utf8'));
    f.entries['p:a'] = f.entries['p:b']; // a valid ciphertext under another account name
    writeFileSync(file, JSON.stringify(f));
    await expect(store.get('p:a')).rejects.toThrow(/does not authenticate/);
    expect(await store.get('p:b')).toBe('value-b');
    writeFileSync(file, 'not json');
    await expect(store.get('p:b')).rejects.toThrow(/Cannot read the secrets file/);
  });

  it('gives a slow or busy OS keychain a second chance before choosing the file', async () => {
    let probes = 0;
    const blip = Object.assign(new MemoryKeychain(true), {
      async probe() {
        if (++probes === 1) throw new KeychainUnavailableError('The OS keychain did not answer within 5 s');
      },
    });
    const auto = new AutoSecretBackend({ os: blip, file: join(tmp.dir, 'blip.enc'), env: {} });
    expect(await auto.info()).toMatchObject({ kind: 'os-keychain' });
    expect(probes).toBe(2);
    let downProbes = 0;
    const down = Object.assign(new MemoryKeychain(false), {
      async probe() {
        downProbes++;
        throw new KeychainUnavailableError('no Secret Service');
      },
    });
    const file = new AutoSecretBackend({ os: down, file: join(tmp.dir, 'down.enc'), env: {} });
    expect(await file.info()).toMatchObject({ kind: 'encrypted-file', reason: expect.stringContaining('no Secret Service') });
    expect(downProbes).toBe(2);
  });

  it('asks a keychain that failed at start again, while no file holds anything; a file once there stands', async () => {
    let now = 0;
    let up = false;
    const late = Object.assign(new MemoryKeychain(true), {
      async probe() {
        if (!up) throw new KeychainUnavailableError('The OS keychain did not answer within 5 s');
      },
    });
    late.values.set('p:github_token', TOKEN);
    const auto = new AutoSecretBackend({ os: late, file: join(tmp.dir, 'late.enc'), env: {}, recheckMs: 10_000, now: () => now });
    expect(await auto.info()).toMatchObject({ kind: 'encrypted-file', reason: expect.stringContaining('did not answer') });
    // Nothing is stored in a file that does not exist: not a failure, no value.
    expect(await auto.get('p:github_token')).toBeNull();
    up = true;
    now = 9_999;
    expect(await auto.info()).toMatchObject({ kind: 'encrypted-file' });
    now = 10_000;
    expect(await auto.info()).toMatchObject({ kind: 'os-keychain' });
    expect(await auto.get('p:github_token')).toBe(TOKEN);

    // Where the operator created the file meanwhile, the file stays the store.
    up = false;
    now = 0;
    const chosen = new AutoSecretBackend({ os: late, file: join(tmp.dir, 'made.enc'), env: {}, recheckMs: 10_000, now: () => now });
    expect(await chosen.info()).toMatchObject({ kind: 'encrypted-file' });
    await chosen.unlock(PASS);
    up = true;
    now = 60_000;
    expect(await chosen.info()).toMatchObject({ kind: 'encrypted-file', locked: false });
  });

  it('is chosen automatically when the OS keychain cannot store a value, and only then', async () => {
    const none = new AutoSecretBackend({ os: new MemoryKeychain(false), file: join(tmp.dir, 'c.enc'), env: {} });
    expect(await none.info()).toMatchObject({ kind: 'encrypted-file', locked: true, reason: expect.stringContaining('no usable OS keychain') });
    const os = new AutoSecretBackend({ os: new MemoryKeychain(true), file: join(tmp.dir, 'd.enc'), env: {} });
    expect(await os.info()).toMatchObject({ kind: 'os-keychain', locked: false });
    await expect(os.unlock(PASS)).rejects.toThrow(/OS keychain here/);
    // A file the operator already created wins over a keychain that appeared later.
    await new EncryptedFileBackend(join(tmp.dir, 'e.enc')).unlock(PASS);
    expect(await new AutoSecretBackend({ os: new MemoryKeychain(true), file: join(tmp.dir, 'e.enc'), env: {} }).info()).toMatchObject({ kind: 'encrypted-file' });
    const unattended = new AutoSecretBackend({ os: new MemoryKeychain(true), file: join(tmp.dir, 'e.enc'), env: { REPO_OPS_SECRETS_PASSPHRASE: PASS } });
    expect(await unattended.info()).toMatchObject({ kind: 'encrypted-file', locked: false });
    const wrongEnv = new AutoSecretBackend({ os: new MemoryKeychain(true), file: join(tmp.dir, 'e.enc'), env: { REPO_OPS_SECRETS_PASSPHRASE: 'not the passphrase' } });
    expect(await wrongEnv.info()).toMatchObject({ locked: true, reason: expect.stringContaining('REPO_OPS_SECRETS_PASSPHRASE did not unlock it') });
    expect(await new AutoSecretBackend({ os: new MemoryKeychain(false), file: join(tmp.dir, 'f.enc'), env: { REPO_OPS_SECRET_STORE: 'keychain' } }).info()).toMatchObject({ kind: 'os-keychain' });
  });

  it('lets a headless operator create, use and later unlock the file through the console, with no restart', async () => {
    const home = join(tmp.dir, 'home');
    const env = { REPO_OPS_SECRET_STORE: 'file' };
    const core = await createCore({ home, mode: 'test', env });
    const ops = inProcessClient(core.rpc);
    try {
      const profileId = (await ops.profiles.create({ name: 'headless' })).id;
      const before = await ops.secrets.status({ profileId });
      expect(before.keychain).toMatchObject({ store: 'encrypted-file', locked: true, uninitialized: true, available: false });
      await expect(ops.secrets.set({ profileId, key: 'github_token', value: TOKEN })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('create the encrypted secrets file') });
      await expect(ops.secrets.unlock({ passphrase: 'too short' })).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await ops.secrets.unlock({ passphrase: PASS })).toMatchObject({ created: true, keychain: { available: true, locked: false, uninitialized: false } });
      expect(await ops.secrets.set({ profileId, key: 'github_token', value: TOKEN })).toMatchObject({ source: 'file', set: true });
      expect(await core.secrets.get(profileId, 'github_token')).toBe(TOKEN);
      expect(statSync(join(home, 'secrets.enc')).mode & 0o777).toBe(0o600);
    } finally {
      await core.close();
    }
    const again = await createCore({ home, mode: 'test', env });
    const ops2 = inProcessClient(again.rpc);
    try {
      const profileId = (await ops2.profiles.list())[0]!.id;
      expect((await ops2.secrets.status({ profileId })).keychain).toMatchObject({ locked: true, uninitialized: false });
      expect(await again.secrets.get(profileId, 'github_token')).toBeNull();
      await expect(ops2.secrets.unlock({ passphrase: 'not the passphrase' })).rejects.toMatchObject({ code: 'invalid_input', message: 'Wrong passphrase for the secrets file' });
      await ops2.secrets.unlock({ passphrase: PASS });
      expect(await again.secrets.get(profileId, 'github_token')).toBe(TOKEN);
      expect((await ops2.secrets.status({ profileId })).items.find((i) => i.key === 'github_token')).toMatchObject({ source: 'file' });
    } finally {
      await again.close();
    }
  });
});
