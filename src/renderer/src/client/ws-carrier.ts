import type { ClientCarrier, ClientFrame, ServerFrame } from '../../../shared/rpc/frames.ts';
import { checkSession, setLinkStatus, setRetry } from './link-status.ts';

const MAX_BACKOFF_MS = 5000;

/**
 * The protocol over a WebSocket to `repo-ops serve` (same origin). The access token rides
 * in the handshake as a subprotocol: browsers cannot set headers on a WebSocket, and it
 * must not live in a cookie that other loopback ports would receive. Reconnects with backoff
 * while the core is unreachable; stops when the core says this tab's session has ended.
 */
export function webSocketCarrier(url: string, token: string | null): ClientCarrier {
  let ws: WebSocket | null = null;
  let onFrame: (f: ServerFrame) => void = () => {};
  let onState: (s: 'open' | 'closed') => void = () => {};
  const queue: string[] = [];
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const open = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (ws || !token) return;
    ws = new WebSocket(url, ['repo-ops.v1', `token.${token}`]);
    ws.onopen = () => {
      attempt = 0;
      setLinkStatus({ state: 'open', since: null, attempt: 0, nextRetryAt: null });
      for (const f of queue.splice(0)) ws!.send(f);
      onState('open');
    };
    ws.onmessage = (m) => onFrame(JSON.parse(String(m.data)) as ServerFrame);
    ws.onclose = () => {
      const wasOpen = attempt === 0;
      ws = null;
      onState('closed');
      const since = wasOpen ? Date.now() : undefined;
      void checkSession(token).then((verdict) => {
        if (verdict === 'ended') return setLinkStatus({ state: 'session-ended', nextRetryAt: null, ...(since ? { since } : {}) });
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt);
        attempt++;
        setLinkStatus({ state: 'down', attempt, nextRetryAt: Date.now() + delay, ...(since ? { since } : {}) });
        timer = setTimeout(open, delay);
      });
    };
  };
  setRetry(open);
  if (token) open();
  else setLinkStatus({ state: 'no-token', since: Date.now() });

  return {
    send(frame: ClientFrame) {
      const text = JSON.stringify(frame);
      if (ws?.readyState === WebSocket.OPEN) ws.send(text);
      else queue.push(text);
    },
    onFrame: (h) => (onFrame = h),
    onStateChange: (h) => (onState = h),
  };
}
