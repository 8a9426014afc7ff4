import { EncryptedFileBackend } from './encrypted-file.ts';
import { KeychainUnavailableError, type SecretBackend } from './keychain.ts';

export type SecretStoreKind = 'os-keychain' | 'encrypted-file';

export interface SecretStoreInfo {
  kind: SecretStoreKind;
  /** Why this store (for the Settings page). */
  reason: string;
  locked: boolean;
  /** The encrypted file, when that is the store. */
  file: string | null;
}

/**
 * Picks where secrets live, once per process: REPO_OPS_SECRET_STORE=keychain|file decides if set;
 * else an existing secrets file (the operator chose it earlier); else the OS keychain when it
 * can store a value; else the encrypted file, so a headless box can still hold secrets.
 */
export class AutoSecretBackend implements SecretBackend {
  private chosen: Promise<{ backend: SecretBackend; info: Omit<SecretStoreInfo, 'locked'> }> | null = null;
  readonly file: EncryptedFileBackend;
  private readonly os: SecretBackend;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: { os: SecretBackend; file: string; env: NodeJS.ProcessEnv }) {
    this.os = opts.os;
    this.file = new EncryptedFileBackend(opts.file);
    this.env = opts.env;
  }

  async info(): Promise<SecretStoreInfo> {
    const { info } = await this.choose();
    return { ...info, locked: info.kind === 'encrypted-file' && this.file.locked() };
  }

  /** Unlocks (or creates) the encrypted file; refused when the OS keychain is the store. */
  async unlock(passphrase: string): Promise<{ created: boolean }> {
    const { info } = await this.choose();
    if (info.kind !== 'encrypted-file') throw new KeychainUnavailableError('Secrets are in the OS keychain here; there is no file to unlock');
    return this.file.unlock(passphrase);
  }

  get(account: string) {
    return this.choose().then((c) => c.backend.get(account));
  }
  set(account: string, value: string) {
    return this.choose().then((c) => c.backend.set(account, value));
  }
  delete(account: string) {
    return this.choose().then((c) => c.backend.delete(account));
  }
  probe() {
    return this.choose().then((c) => c.backend.probe());
  }

  private choose() {
    this.chosen ??= this.decide();
    return this.chosen;
  }

  private async decide(): Promise<{ backend: SecretBackend; info: Omit<SecretStoreInfo, 'locked'> }> {
    const forced = this.env.REPO_OPS_SECRET_STORE;
    const fileInfo = (reason: string) => ({ backend: this.file, info: { kind: 'encrypted-file' as const, reason, file: this.file.path } });
    const osInfo = (reason: string) => ({ backend: this.os, info: { kind: 'os-keychain' as const, reason, file: null } });
    let picked: Awaited<ReturnType<AutoSecretBackend['decide']>>;
    if (forced === 'file') picked = fileInfo('REPO_OPS_SECRET_STORE=file');
    else if (forced === 'keychain') picked = osInfo('REPO_OPS_SECRET_STORE=keychain');
    else if (this.file.exists()) picked = fileInfo('an encrypted secrets file exists in the data directory');
    else {
      try {
        await this.os.probe();
        picked = osInfo('the OS keychain stores secrets on this machine');
      } catch (e) {
        picked = fileInfo(`no usable OS keychain (${(e as Error).message})`);
      }
    }
    const passphrase = this.env.REPO_OPS_SECRETS_PASSPHRASE;
    if (picked.info.kind === 'encrypted-file' && passphrase) {
      await this.file.unlock(passphrase).catch((e: Error) => {
        picked.info.reason += `; REPO_OPS_SECRETS_PASSPHRASE did not unlock it: ${e.message}`;
      });
    }
    return picked;
  }
}
