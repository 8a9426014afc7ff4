import { SECRET_KEYS, type KeychainState, type SecretKey, type SecretStatus, type SecretsOverview } from '../../shared/contract/secrets.ts';
import { existsSync } from 'node:fs';
import { OpsError } from '../../shared/errors.ts';
import type { Redactor } from '../logging/redact.ts';
import type { Db } from '../store/database.ts';
import { SECRET_CATALOG } from './catalog.ts';
import { KeychainUnavailableError, type SecretBackend } from './keychain.ts';

export interface SecretServiceDeps {
  db: Db;
  backend: SecretBackend;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  rotationOverrides: () => Record<string, number>;
}

const account = (profileId: string, key: SecretKey) => `${profileId}:${key}`;

/**
 * Secrets per profile in the OS keychain, with the runbooks' environment variables
 * as fallback. Values leave this service only towards the services that use them:
 * the contract exposes status, never values.
 */
export class SecretService {
  private keychainState: { available: boolean; message: string | null; at: number } | null = null;

  private readonly deps: SecretServiceDeps;

  constructor(deps: SecretServiceDeps) {
    this.deps = deps;
    for (const spec of Object.values(SECRET_CATALOG)) for (const v of spec.envVars) deps.redactor.add(deps.env[v]);
  }

  /** For services (GitHub client, Postgres pool …). Never route this to a client. */
  async get(profileId: string, key: SecretKey): Promise<string | null> {
    return (await this.lookup(profileId, key)).value;
  }

  /**
   * The value, or why there is none: `unreadable` names the store's failure when the store did not
   * answer (a keychain busy or locked, a locked secrets file) and no environment variable stands in.
   * Unreadable is not "not set": a caller that would act differently on a missing value (the
   * warehouse: its URL, else the embedded PostgreSQL) must not take one for the other.
   */
  async lookup(profileId: string, key: SecretKey): Promise<{ value: string | null; unreadable: string | null }> {
    const stored = await this.readKeychain(profileId, key);
    const value = stored.value ?? this.fromEnv(key);
    this.deps.redactor.add(value);
    return { value, unreadable: value === null ? stored.error : null };
  }

  async require(profileId: string, key: SecretKey): Promise<string> {
    const { value, unreadable } = await this.lookup(profileId, key);
    if (!value) {
      const spec = SECRET_CATALOG[key];
      if (unreadable) throw new OpsError('unavailable', `${spec.label} could not be read from the secret store: ${unreadable}. Set ${spec.envVars.join(' / ')} to go on without it.`);
      throw new OpsError('unavailable', `${spec.label} is not set. Add it in Settings → Profiles, or set ${spec.envVars.join(' / ')}.`);
    }
    return value;
  }

  async set(profileId: string, key: SecretKey, value: string): Promise<SecretStatus> {
    const spec = SECRET_CATALOG[key];
    const trimmed = value.trim();
    const problem = spec.validate(trimmed);
    if (problem) throw new OpsError('invalid_input', problem);
    try {
      await this.deps.backend.set(account(profileId, key), trimmed);
    } catch (e) {
      this.keychainState = { available: false, message: (e as Error).message, at: Date.now() };
      throw this.unavailable(e);
    }
    this.keychainState = { available: true, message: null, at: Date.now() };
    this.deps.redactor.add(trimmed);
    this.deps.db.prepare('INSERT INTO secret_meta (profile_id, key, set_at) VALUES (?, ?, ?) ON CONFLICT (profile_id, key) DO UPDATE SET set_at = excluded.set_at').run(profileId, key, new Date().toISOString());
    return this.statusOf(profileId, key, true, await this.storedAs());
  }

  async delete(profileId: string, key: SecretKey): Promise<SecretStatus> {
    try {
      await this.deps.backend.delete(account(profileId, key));
    } catch (e) {
      throw this.unavailable(e);
    }
    this.deps.db.prepare('DELETE FROM secret_meta WHERE profile_id = ? AND key = ?').run(profileId, key);
    return this.statusOf(profileId, key, false);
  }

  /** Copies the secrets stored for one profile to another (a duplicated profile); returns the keys copied. */
  async copyAll(fromProfileId: string, toProfileId: string): Promise<SecretKey[]> {
    const copied: SecretKey[] = [];
    for (const key of SECRET_KEYS) {
      let value: string | null;
      try {
        value = await this.deps.backend.get(account(fromProfileId, key));
      } catch (e) {
        throw this.unavailable(e);
      }
      if (value === null) continue;
      await this.set(toProfileId, key, value);
      copied.push(key);
    }
    return copied;
  }

  async deleteAll(profileId: string): Promise<void> {
    for (const key of SECRET_KEYS) {
      try {
        await this.deps.backend.delete(account(profileId, key));
      } catch {
        // keychain gone: the metadata is still removed with the profile
      }
    }
  }

  /**
   * Credentials outside the profile catalogue (alert channels …), by account name. Env fallback
   * for headless workers: REPO_OPS_SECRET_<ACCOUNT> with every non-alphanumeric as _.
   */
  async getNamed(accountName: string): Promise<string | null> {
    let value: string | null = null;
    if (!(this.keychainState && !this.keychainState.available && Date.now() - this.keychainState.at < 30_000)) {
      try {
        value = await this.deps.backend.get(accountName);
      } catch (e) {
        this.keychainState = { available: false, message: (e as Error).message, at: Date.now() };
      }
    }
    value ??= this.deps.env[namedEnvVar(accountName)] ?? null;
    this.deps.redactor.add(value);
    return value;
  }

  async setNamed(accountName: string, value: string): Promise<void> {
    try {
      await this.deps.backend.set(accountName, value);
    } catch (e) {
      this.keychainState = { available: false, message: (e as Error).message, at: Date.now() };
      throw this.unavailable(e);
    }
    this.deps.redactor.add(value);
  }

  async deleteNamed(accountName: string): Promise<void> {
    try {
      await this.deps.backend.delete(accountName);
    } catch (e) {
      throw this.unavailable(e);
    }
  }

  /** Whether the secret store can store secrets (probed at most every 30 s), and which store it is. */
  async keychainStatus(): Promise<KeychainState> {
    const cached = this.keychainState;
    if (!cached || Date.now() - cached.at >= 30_000) {
      try {
        await this.deps.backend.probe();
        this.keychainState = { available: true, message: null, at: Date.now() };
      } catch (e) {
        this.keychainState = { available: false, message: e instanceof KeychainUnavailableError ? e.message : String(e), at: Date.now() };
      }
    }
    const info = (await this.deps.backend.info?.()) ?? { kind: 'os-keychain' as const, reason: 'the OS keychain', locked: false, file: null };
    const uninitialized = info.kind === 'encrypted-file' && info.locked && info.file !== null && !existsSync(info.file);
    return { available: this.keychainState!.available, message: this.keychainState!.message, store: info.kind, reason: info.reason, locked: info.locked, uninitialized };
  }

  /** Unlocks (or creates) the encrypted secrets file; secrets stored there become readable. */
  async unlock(passphrase: string): Promise<{ created: boolean; keychain: KeychainState }> {
    if (!this.deps.backend.unlock) throw new OpsError('conflict', 'Secrets are in the OS keychain here; there is nothing to unlock');
    let created: boolean;
    try {
      ({ created } = await this.deps.backend.unlock(passphrase));
    } catch (e) {
      throw new OpsError(e instanceof KeychainUnavailableError && /passphrase/i.test(e.message) ? 'invalid_input' : 'unavailable', (e as Error).message);
    }
    this.keychainState = null;
    return { created, keychain: await this.keychainStatus() };
  }

  async overview(profileId: string): Promise<SecretsOverview> {
    const items: SecretStatus[] = [];
    let keychain = await this.keychainStatus();
    const stored = keychain.store === 'encrypted-file' ? 'file' : 'keychain';
    for (const key of SECRET_KEYS) {
      let inKeychain = false;
      if (keychain.available) {
        try {
          inKeychain = (await this.deps.backend.get(account(profileId, key))) !== null;
        } catch (e) {
          keychain = { ...keychain, available: false, message: e instanceof KeychainUnavailableError ? e.message : String(e) };
        }
      }
      items.push(this.statusOf(profileId, key, inKeychain, stored));
    }
    return { profileId, keychain, items };
  }

  private async readKeychain(profileId: string, key: SecretKey): Promise<{ value: string | null; error: string | null }> {
    // A keychain known to be down is not asked again for 30 s: env fallback answers.
    const state = this.keychainState;
    if (state && !state.available && Date.now() - state.at < 30_000) return { value: null, error: state.message ?? 'the secret store did not answer' };
    try {
      return { value: await this.deps.backend.get(account(profileId, key)), error: null };
    } catch (e) {
      this.keychainState = { available: false, message: (e as Error).message, at: Date.now() };
      return { value: null, error: (e as Error).message };
    }
  }

  private fromEnv(key: SecretKey): string | null {
    for (const v of SECRET_CATALOG[key].envVars) if (this.deps.env[v]) return this.deps.env[v]!;
    return null;
  }

  private statusOf(profileId: string, key: SecretKey, inKeychain: boolean, stored: 'keychain' | 'file' = 'keychain'): SecretStatus {
    const spec = SECRET_CATALOG[key];
    const meta = this.deps.db.prepare('SELECT set_at FROM secret_meta WHERE profile_id = ? AND key = ?').get(profileId, key) as { set_at: string } | undefined;
    const rotateEveryDays = this.deps.rotationOverrides()[key] ?? spec.rotateEveryDays;
    const source = inKeychain ? stored : this.fromEnv(key) ? 'env' : 'none';
    const setAt = inKeychain ? (meta?.set_at ?? null) : null;
    const due = setAt ? new Date(Date.parse(setAt) + rotateEveryDays * 86_400_000) : null;
    return {
      key,
      label: spec.label,
      envVars: spec.envVars,
      set: source !== 'none',
      source,
      setAt,
      rotateEveryDays,
      rotationDueAt: due?.toISOString() ?? null,
      rotationOverdue: due !== null && due.getTime() < Date.now(),
    };
  }

  private async storedAs(): Promise<'keychain' | 'file'> {
    return (await this.deps.backend.info?.())?.kind === 'encrypted-file' ? 'file' : 'keychain';
  }

  private unavailable(e: unknown): OpsError {
    const message = e instanceof Error ? e.message : String(e);
    return new OpsError('unavailable', message);
  }
}

export const namedEnvVar = (accountName: string) => `REPO_OPS_SECRET_${accountName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
