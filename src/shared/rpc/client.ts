import { callNames, type CallName } from '../contract/index.ts';
import { OpsError, type ErrorCode } from '../errors.ts';
import type { OpsApi } from './api.ts';
import type { ClientCarrier, ServerFrame } from './frames.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}
interface Subscription {
  topic: string;
  filter: unknown;
  handler(payload: unknown): void;
}

/**
 * Builds the typed API from the contract over any carrier. The same code runs in
 * the Electron preload (MessagePort), the browser (WebSocket) and the CLI.
 */
export function createOpsClient(carrier: ClientCarrier): OpsApi {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const subscriptions = new Map<number, Subscription>();
  const connectionHandlers = new Set<(s: 'open' | 'closed') => void>();

  carrier.onFrame((frame: ServerFrame) => {
    if (frame.kind === 'result') {
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      if (frame.ok) p.resolve(frame.output);
      else p.reject(new OpsError(frame.error.code as ErrorCode, frame.error.message, frame.error.details));
    } else {
      subscriptions.get(frame.id)?.handler(frame.payload);
    }
  });

  let wasClosed = false;
  carrier.onStateChange?.((state) => {
    if (state === 'closed') {
      wasClosed = true;
      for (const p of pending.values()) p.reject(new OpsError('unavailable', 'The connection to the Repo Ops core was lost'));
      pending.clear();
    } else if (wasClosed) {
      // Resubscribe after a reconnect so live views keep flowing.
      wasClosed = false;
      for (const [id, s] of subscriptions) carrier.send({ kind: 'subscribe', id, topic: s.topic, filter: s.filter });
    }
    for (const h of connectionHandlers) h(state);
  });

  const invoke = (method: CallName, input: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      try {
        carrier.send({ kind: 'call', id, method, input });
      } catch (e) {
        pending.delete(id);
        reject(new OpsError('unavailable', `Cannot reach the Repo Ops core: ${(e as Error).message}`));
      }
    });

  const api: Record<string, unknown> = {};
  for (const name of callNames) {
    const [ns, method] = name.split('.') as [string, string];
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[method] = (input?: unknown) => invoke(name, input);
  }
  api.subscribe = (topic: string, filter: unknown, handler: (p: unknown) => void) => {
    const id = nextId++;
    subscriptions.set(id, { topic, filter, handler });
    carrier.send({ kind: 'subscribe', id, topic, filter });
    return () => {
      if (subscriptions.delete(id)) {
        try {
          carrier.send({ kind: 'unsubscribe', id });
        } catch {
          // carrier already closed: nothing to unsubscribe from
        }
      }
    };
  };
  api.onConnection = (handler: (s: 'open' | 'closed') => void) => {
    connectionHandlers.add(handler);
    return () => connectionHandlers.delete(handler);
  };
  return api as unknown as OpsApi;
}
