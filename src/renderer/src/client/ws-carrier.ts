import type { ClientCarrier, ClientFrame, ServerFrame } from '../../../shared/rpc/frames.ts';

/**
 * The protocol over a WebSocket to `repo-ops serve` (same origin). The access token rides
 * in the handshake as a subprotocol: browsers cannot set headers on a WebSocket, and it
 * must not live in a cookie that other loopback ports would receive. Reconnects with backoff.
 */
export function webSocketCarrier(url: string, token: string | null): ClientCarrier {
  let ws: WebSocket | null = null;
  let onFrame: (f: ServerFrame) => void = () => {};
  let onState: (s: 'open' | 'closed') => void = () => {};
  const queue: string[] = [];
  let attempt = 0;

  const open = () => {
    ws = new WebSocket(url, token ? ['repo-ops.v1', `token.${token}`] : ['repo-ops.v1']);
    ws.onopen = () => {
      attempt = 0;
      for (const f of queue.splice(0)) ws!.send(f);
      onState('open');
    };
    ws.onmessage = (m) => onFrame(JSON.parse(String(m.data)) as ServerFrame);
    ws.onclose = () => {
      ws = null;
      onState('closed');
      const delay = Math.min(10_000, 250 * 2 ** attempt++);
      setTimeout(open, delay);
    };
  };
  open();

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
