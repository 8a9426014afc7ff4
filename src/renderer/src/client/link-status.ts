// What the page knows about its link to the core, for the disconnected banner: why it is down
// and when the next attempt is, not only "closed".
export type LinkState =
  /** First attempt in progress. */
  | 'connecting'
  | 'open'
  /** The core is unreachable (restarting, stopped): retrying with backoff. */
  | 'down'
  /** The core answers but no longer accepts this tab's token (serve --new-session): no retry. */
  | 'session-ended'
  /** The page was opened without the URL `repo-ops serve` printed. */
  | 'no-token';

export interface LinkStatus {
  state: LinkState;
  /** When the link left `open` (ms since epoch), for "disconnected for 12 s". */
  since: number | null;
  attempt: number;
  nextRetryAt: number | null;
}

let status: LinkStatus = { state: 'connecting', since: null, attempt: 0, nextRetryAt: null };
const listeners = new Set<(s: LinkStatus) => void>();
let retry: () => void = () => {};

export const linkStatus = (): LinkStatus => status;

export function setLinkStatus(patch: Partial<LinkStatus>): void {
  status = { ...status, ...patch };
  for (const l of listeners) l(status);
}

export function onLinkStatus(l: (s: LinkStatus) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** "Retry now" in the banner: skip the backoff wait. */
export const retryNow = (): void => retry();
export const setRetry = (fn: () => void): void => {
  retry = fn;
};

/** Does this token still open the console? 'ok' | 'ended' (401) | 'down' (unreachable). */
export async function checkSession(token: string): Promise<'ok' | 'ended' | 'down'> {
  try {
    const r = await fetch('/session', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    return r.status === 204 ? 'ok' : r.status === 401 ? 'ended' : 'down';
  } catch {
    return 'down';
  }
}
