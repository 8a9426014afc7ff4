// What an error from the openai SDK means for a batch: retry it, wait, or stop the whole run.
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { retryAfterMs } from './durations.ts';

export type Failure =
  | { kind: 'aborted' }
  /** 401/403: the key (or its project) is not allowed; retrying cannot help. */
  | { kind: 'unauthorized'; status: number; message: string }
  /** 429 insufficient_quota: billing, not pace; retrying cannot help. */
  | { kind: 'quota'; message: string }
  /** 429 from the RPM/TPM limits: wait `retryAfterMs`, then send again. */
  | { kind: 'rate_limited'; retryAfterMs?: number; headers?: Headers; message: string }
  /** 429 "Request too large": one request is over the account's TPM; it never gets through. */
  | { kind: 'too_large'; message: string }
  /** 400/404/422: something in the request is wrong. */
  | { kind: 'bad_request'; status: number; param?: string; code?: string; message: string }
  /** 5xx, 408, 409, timeouts, dropped connections: back off and try again. */
  | { kind: 'transient'; status?: number; retryAfterMs?: number; headers?: Headers; message: string }
  | { kind: 'fatal'; status?: number; message: string };

/** The API's own message (`error.message` in the body), not the SDK's "429 …" rendering. */
function apiMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : e.message;
}

export function classifyError(err: unknown): Failure {
  if (err instanceof APIUserAbortError) return { kind: 'aborted' };
  // Includes APIConnectionTimeoutError; the connection may have dropped mid-request.
  if (err instanceof APIConnectionError) return { kind: 'transient', message: err.message };
  if (!(err instanceof APIError) || err.status === undefined) {
    return { kind: 'fatal', message: err instanceof Error ? err.message : String(err) };
  }
  const { status, headers } = err;
  const message = apiMessage(err);
  const code = err.code ?? undefined;
  if (status === 401 || status === 403) return { kind: 'unauthorized', status, message };
  if (status === 429) {
    if (code === 'insufficient_quota' || err.type === 'insufficient_quota') return { kind: 'quota', message };
    if (/^Request too large/i.test(message)) return { kind: 'too_large', message };
    return { kind: 'rate_limited', retryAfterMs: retryAfterMs(headers), headers, message };
  }
  if (status === 408 || status === 409 || status >= 500) {
    if (headers?.get('x-should-retry') === 'false') return { kind: 'fatal', status, message };
    return { kind: 'transient', status, retryAfterMs: retryAfterMs(headers), headers, message };
  }
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return { kind: 'bad_request', status, param: err.param ?? undefined, code, message };
  }
  return { kind: 'fatal', status, message };
}

/**
 * Delay before attempt `failures + 1` after `failures` transient errors: exponential from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so clients spread out but never
 * retry immediately. A server-sent retry-after is a floor.
 */
export function backoffMs(failures: number, options: { baseMs: number; maxMs: number; random: () => number; retryAfterMs?: number }): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + options.random() * (exp / 2);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
