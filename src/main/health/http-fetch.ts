// One HTTP request for a health check: bounded in time (the signal) and size (a health answer is
// small; a service that streams megabytes at us must not exhaust memory), with network failures
// named the way an operator fixes them.
import { OpsError } from '../../shared/errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: string;
  truncated: boolean;
  /** Until the whole body arrived. */
  latencyMs: number;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Default 1 MiB; the rest is dropped and `truncated` set. */
  maxBytes?: number;
}

export async function httpRequest(url: string, req: HttpRequest): Promise<HttpAnswer> {
  const started = performance.now();
  const res = await fetch(url, { method: req.method ?? 'GET', headers: req.headers, body: req.body, signal: req.signal, redirect: 'follow' });
  const max = req.maxBytes ?? 1 << 20;
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > max) {
        chunks.push(value.subarray(0, max - size));
        truncated = true;
        await reader.cancel().catch(() => undefined);
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  }
  return { status: res.status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), truncated, latencyMs: performance.now() - started };
}

/** scheme://host:port/path — never the user:password@ part or the query (either may hold a secret). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the configured URL';
  }
}

/** `base` + `path`, keeping a base path (https://host/api + /health → https://host/api/health). */
export function joinUrl(base: string, path: string): string {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

export type NetFailureKind = 'refused' | 'dns' | 'timeout' | 'reset' | 'tls' | 'cancelled' | 'other';

export interface NetFailure {
  kind: NetFailureKind;
  /** System or undici error code, if any. */
  code?: string;
  message: string;
}

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|EPROTO$)/;

/** Why a request failed before any HTTP status: refused, DNS, timeout, reset, TLS. */
export function netFailure(e: unknown, target: string): NetFailure {
  if (e instanceof OpsError) {
    // withDeadline's message already names the target: "<target> did not answer within N ms".
    if (e.code === 'timeout') return { kind: 'timeout', message: e.message };
    if (e.code === 'cancelled') return { kind: 'cancelled', message: e.message };
    return { kind: 'other', message: e.message };
  }
  const code = errorCode(e);
  const text = e instanceof Error ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}` : String(e);
  if ((e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError') return { kind: 'timeout', code, message: `${target} did not answer in time` };
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', code, message: `${target} refused the connection (ECONNREFUSED): is the service running, and are the host and port right?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'dns', code, message: `The host of ${target} does not resolve (${code}): check the host name and DNS.` };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { kind: 'timeout', code, message: `${target} is unreachable (${code}): check the network path and firewall.` };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return { kind: 'reset', code, message: `${target} closed the connection before answering (${code}).` };
  }
  if ((code && TLS_CODE.test(code)) || /certificate|SSL|TLS|wrong version number/i.test(text)) {
    return { kind: 'tls', code, message: `TLS to ${target} failed (${code ?? 'handshake'}): check https:// vs http:// and the certificate.` };
  }
  return { kind: 'other', code, message: `${target}: ${text}` };
}

/** undici wraps the system error in `cause`; Happy Eyeballs wraps several in an AggregateError. */
function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    const inner = (cur as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) {
      const found = inner.map((x) => (x as { code?: unknown }).code).find((x) => typeof x === 'string');
      if (typeof found === 'string') return found;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A JSON body, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  const t = body.trim();
  if (!t || (t[0] !== '{' && t[0] !== '[' && t[0] !== '"')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}
