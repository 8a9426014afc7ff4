import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeychainUnavailableError, type SecretBackend } from './keychain.ts';

const scrypt = (pw: string, salt: Buffer, len: number, o: ScryptOptions) => new Promise<Buffer>((res, rej) => scryptCb(pw, salt, len, o, (e, k) => (e ? rej(e) : res(k))));

// scrypt at N = 2^15, r = 8: ≈ 100 ms and 32 MiB per unlock — costly to guess offline.
const KDF = { N: 2 ** 15, r: 8, p: 1 };
const MIN_PASSPHRASE = 12;
const VERIFIER = 'repo-ops secrets file v1';

interface Sealed {
  iv: string;
  tag: string;
  ct: string;
}
interface FileFormat {
  version: 1;
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  verifier: Sealed;
  entries: Record<string, Sealed>;
}

export class SecretStoreLockedError extends KeychainUnavailableError {}

/**
 * Secrets for machines without an OS keychain (a headless Linux box): one file in the data
 * directory, mode 0600, each value sealed with AES-256-GCM (the account name as associated
 * data, so entries cannot be swapped) under a key derived from the operator's passphrase.
 * The passphrase is never stored: it comes from REPO_OPS_SECRETS_PASSPHRASE or is entered in
 * Settings, and lives only in this process's memory.
 */
export class EncryptedFileBackend implements SecretBackend {
  private key: Buffer | null = null;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  get path(): string {
    return this.file;
  }
  exists(): boolean {
    return existsSync(this.file);
  }
  locked(): boolean {
    return this.key === null;
  }

  /** Unlocks the file, or creates it protected by this passphrase when there is none yet. */
  async unlock(passphrase: string): Promise<{ created: boolean }> {
    if (!this.exists()) {
      if (passphrase.length < MIN_PASSPHRASE) throw new KeychainUnavailableError(`Choose a passphrase of at least ${MIN_PASSPHRASE} characters for the new secrets file`);
      const salt = randomBytes(16);
      const key = await scrypt(passphrase, salt, 32, { ...KDF, maxmem: 128 * 2 ** 20 });
      this.write({ version: 1, kdf: { name: 'scrypt', salt: salt.toString('base64'), ...KDF }, verifier: seal(key, '', VERIFIER), entries: {} });
      this.key = key;
      return { created: true };
    }
    const f = this.read();
    const key = await scrypt(passphrase, Buffer.from(f.kdf.salt, 'base64'), 32, { N: f.kdf.N, r: f.kdf.r, p: f.kdf.p, maxmem: 256 * 2 ** 20 });
    let check: string | null = null;
    try {
      check = open(key, '', f.verifier);
    } catch {
      // wrong key: GCM authentication fails
    }
    if (check === null || !timingSafeEqual(Buffer.from(check), Buffer.from(VERIFIER))) throw new KeychainUnavailableError('Wrong passphrase for the secrets file');
    this.key = key;
    return { created: false };
  }

  lock(): void {
    this.key?.fill(0);
    this.key = null;
  }

  async get(account: string): Promise<string | null> {
    // No file: nothing was ever stored here (not a store that fails to answer).
    if (!this.key && !this.exists()) return null;
    const key = this.requireKey();
    const sealed = this.read().entries[account];
    if (!sealed) return null;
    try {
      return open(key, account, sealed);
    } catch {
      throw new KeychainUnavailableError(`The secrets file entry for ${account} does not authenticate: the file was altered`);
    }
  }

  async set(account: string, value: string): Promise<void> {
    const key = this.requireKey();
    const f = this.read();
    f.entries[account] = seal(key, account, value);
    this.write(f);
  }

  async delete(account: string): Promise<boolean> {
    this.requireKey();
    const f = this.read();
    if (!(account in f.entries)) return false;
    delete f.entries[account];
    this.write(f);
    return true;
  }

  async probe(): Promise<void> {
    this.requireKey();
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw new SecretStoreLockedError(
        this.exists()
          ? 'The encrypted secrets file is locked: unlock it in Settings → Secrets with its passphrase, or set REPO_OPS_SECRETS_PASSPHRASE'
          : 'No OS keychain here: create the encrypted secrets file in Settings → Secrets (choose a passphrase), or set REPO_OPS_SECRETS_PASSPHRASE',
      );
    }
    return this.key;
  }

  private read(): FileFormat {
    let f: FileFormat;
    try {
      f = JSON.parse(readFileSync(this.file, 'utf8')) as FileFormat;
    } catch (e) {
      throw new KeychainUnavailableError(`Cannot read the secrets file ${this.file}: ${(e as Error).message}`);
    }
    if (f?.version !== 1 || f.kdf?.name !== 'scrypt' || !f.verifier || typeof f.entries !== 'object') throw new KeychainUnavailableError(`${this.file} is not a Repo Ops secrets file (or a newer version)`);
    return f;
  }

  /** Atomic replace, 0600 from the first byte: a crash leaves the old file or the new one. */
  private write(f: FileFormat): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(f, null, 1), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

function seal(key: Buffer, aad: string, text: string): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

function open(key: Buffer, aad: string, s: Sealed): string {
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(s.tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(s.ct, 'base64')), d.final()]).toString('utf8');
}
