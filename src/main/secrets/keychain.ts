import { randomBytes } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';

export const KEYCHAIN_SERVICE = 'repo-ops';
const TIMEOUT_MS = 5000;

/** Where secret values are kept. The OS keychain in the app; tests use the same real one. */
export interface SecretBackend {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Throws KeychainUnavailableError when secrets cannot be stored right now. */
  probe(): Promise<void>;
  /** Which store this is (absent: an OS keychain or a stand-in for one). */
  info?(): Promise<{ kind: 'os-keychain' | 'encrypted-file'; reason: string; locked: boolean; file: string | null }>;
  /** Unlocks (or creates) a passphrase-protected store. */
  unlock?(passphrase: string): Promise<{ created: boolean }>;
}

export class KeychainUnavailableError extends Error {}

/** The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager). */
export class OsKeychain implements SecretBackend {
  private readonly service: string;

  constructor(service = KEYCHAIN_SERVICE) {
    this.service = service;
  }

  get(account: string): Promise<string | null> {
    return this.run((signal) => new AsyncEntry(this.service, account).getPassword(signal));
  }
  async set(account: string, value: string): Promise<void> {
    await this.run((signal) => new AsyncEntry(this.service, account).setPassword(value, signal));
  }
  delete(account: string): Promise<boolean> {
    return this.run((signal) => new AsyncEntry(this.service, account).deletePassword(signal));
  }

  // Reads succeed (empty) even with no Secret Service running; only a write proves it works.
  // Each process probes its own item: consoles, workers and CLI commands starting together must
  // not delete each other's probe mid-check.
  async probe(): Promise<void> {
    const account = `__repo_ops_probe__${process.pid}_${randomBytes(4).toString('hex')}`;
    await this.set(account, 'probe');
    await this.delete(account);
  }

  private async run<T>(op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await op(AbortSignal.timeout(TIMEOUT_MS));
    } catch (e) {
      throw new KeychainUnavailableError(describeKeychainError(e));
    }
  }
}

export function describeKeychainError(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  if (/abort|timeout/i.test(raw)) return `The OS keychain did not answer within ${TIMEOUT_MS / 1000} s`;
  if (/platform storage|dbus|secret service|AccessDenied|NoStorageAccess/i.test(raw)) {
    return `The OS keychain is not available (${raw}). On Linux, run a Secret Service such as gnome-keyring or KWallet in an unlocked session, or use the environment variables instead.`;
  }
  return `The OS keychain failed: ${raw}`;
}
