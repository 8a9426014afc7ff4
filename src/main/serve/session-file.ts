import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from './auth.ts';

export const SESSION_FILE = 'serve-session.json';

export interface ServeSession {
  port: number;
  token: string;
  createdAt: string;
}

/**
 * The console's session for one data directory: the port and token `repo-ops serve` reuses on
 * its next start, so an open tab reconnects by itself after a restart. 0600 in the data
 * directory (0700), beside the store and the secrets file it guards access to.
 */
export function loadSession(home: string, opts: { rotate?: boolean } = {}): ServeSession {
  const file = join(home, SESSION_FILE);
  let saved: ServeSession | null = null;
  if (existsSync(file)) {
    try {
      const s = JSON.parse(readFileSync(file, 'utf8')) as ServeSession;
      if (typeof s.token === 'string' && /^[\w-]{32}$/.test(s.token) && Number.isInteger(s.port)) saved = s;
    } catch {
      // unreadable: a new session
    }
  }
  if (saved && !opts.rotate) return saved;
  // A new token keeps the port: the URL changes only in its fragment.
  return { port: saved?.port ?? 0, token: newToken(), createdAt: new Date().toISOString() };
}

export function saveSession(home: string, s: ServeSession): void {
  const file = join(home, SESSION_FILE);
  writeFileSync(file, JSON.stringify(s) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}
