import { EncryptedFileBackend } from './encrypted-file.ts';
import { KeychainUnavailableError, type SecretBackend } from './keychain.ts';

const PROBE_RETRY_MS = 1000;
// How long a file chosen only because the keychain did not answer (no file yet) stands before the
// keychain is asked again.
const RECHECK_MS = 10_000;

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

  /** Set while the choice is the file by default only (the keychain failed, no file yet): when to ask again. */
  private recheckAt: number | null = null;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(opts: { os: SecretBackend; file: string; env: NodeJS.ProcessEnv; recheckMs?: number; now?: () => number }) {
    this.os = opts.os;
    this.file = new EncryptedFileBackend(opts.file);
    this.env = opts.env;
    this.recheckMs = opts.recheckMs ?? RECHECK_MS;
    this.now = opts.now ?? Date.now;
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
    // A file chosen by default while no file exists holds nothing yet: a keychain that failed at
    // start (a session still starting, a busy bus) is asked again, so a blip does not hide the
    // operator's keychain secrets for the life of the process. Once the file exists, it stands.
    if (this.chosen && this.recheckAt !== null && this.now() >= this.recheckAt && !this.file.exists()) this.chosen = null;
    this.chosen ??= this.decide();
    return this.chosen;
  }

  /**
   * Null when the OS keychain stores a value. A keychain that is up but slow or busy (a session
   * just starting, many processes starting at once) gets a second chance: the choice holds for the
   * whole process, and a file chosen by a blip would hide the operator's keychain secrets.
   */
  private async probeOs(): Promise<string | null> {
    try {
      await this.os.probe();
      return null;
    } catch (first) {
      await new Promise((r) => setTimeout(r, PROBE_RETRY_MS));
      try {
        await this.os.probe();
        return null;
      } catch {
        return (first as Error).message;
      }
    }
  }

  private async decide(): Promise<{ backend: SecretBackend; info: Omit<SecretStoreInfo, 'locked'> }> {
    this.recheckAt = null;
    const forced = this.env.REPO_OPS_SECRET_STORE;
    const fileInfo = (reason: string) => ({ backend: this.file, info: { kind: 'encrypted-file' as const, reason, file: this.file.path } });
    const osInfo = (reason: string) => ({ backend: this.os, info: { kind: 'os-keychain' as const, reason, file: null } });
    let picked: Awaited<ReturnType<AutoSecretBackend['decide']>>;
    if (forced === 'file') picked = fileInfo('REPO_OPS_SECRET_STORE=file');
    else if (forced === 'keychain') picked = osInfo('REPO_OPS_SECRET_STORE=keychain');
    else if (this.file.exists()) picked = fileInfo('an encrypted secrets file exists in the data directory');
    else {
      const failure = await this.probeOs();
      picked = failure ? fileInfo(`no usable OS keychain (${failure})`) : osInfo('the OS keychain stores secrets on this machine');
      this.recheckAt = failure ? this.now() + this.recheckMs : null;
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
