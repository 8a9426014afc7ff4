// The loopback console's gate. The token travels only where a browser sends it to this
// origin alone: the URL fragment (never sent over HTTP), the tab's sessionStorage, and the
// WebSocket handshake. No cookie: browsers share cookies across every port of 127.0.0.1.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';

/** The subprotocol the console speaks; the server echoes this one, never the token. */
export const PROTOCOL = 'repo-ops.v1';
/** Browsers cannot set headers on a WebSocket: the token rides as a second subprotocol. */
export const TOKEN_PROTOCOL_PREFIX = 'token.';

/** A random per-launch token: the only key to the loopback console. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (typeof presented !== 'string') return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request presents: `Authorization: Bearer` (CLI, Node clients) or the WebSocket subprotocol (browsers). */
export function presentedToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',')) {
      const v = p.trim();
      if (v.startsWith(TOKEN_PROTOCOL_PREFIX)) return v.slice(TOKEN_PROTOCOL_PREFIX.length);
    }
  }
  return null;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Refuses DNS rebinding: only loopback host names addressed to our port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && LOOPBACK_NAMES.some((h) => host === `${h}:${port}`);
}

/** A browser's Origin must be this console's own; non-browser clients send none. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return LOOPBACK_NAMES.some((h) => origin === `http://${h}:${port}`);
}

/**
 * The decoded path of a request target, or null when it is not a plain origin-form path
 * ("/a/b?x"): absolute or authority forms, "//host" tricks, malformed %-escapes and NUL
 * bytes are refused instead of parsed (new URL and decodeURIComponent throw on some).
 */
export function requestPath(target: string | undefined): string | null {
  // "//host…" reads as an authority to URL parsers (new URL threw on "//a:b"): refused.
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.length > 8192) return null;
  const end = target.search(/[?#]/);
  const raw = end === -1 ? target : target.slice(0, end);
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  // "/.//evil.example" is a path here, collapsed: never a host.
  return posix.normalize(`/${decoded}`).replace(/^\/+/, '/');
}
