import { callNames } from '../contract/index.ts';
import { OpsError, type ErrorPayload } from '../errors.ts';
import type { OpsApi } from './api.ts';

// contextBridge copies errors without their fields; send them across as plain
// objects and turn them back into OpsError on the page side.

/** Preload side: rejections become plain `{ code, message, details }` objects. */
export function bridgeSafe(api: OpsApi): OpsApi {
  return mapCalls(api, (fn) => (input: unknown) =>
    fn(input).catch((e: unknown) => {
      throw e instanceof OpsError ? { __opsError: true, ...e.toPayload() } : { __opsError: true, code: 'internal', message: String((e as Error)?.message ?? e) };
    }),
  );
}

/** Page side: plain error objects become OpsError again. */
export function fromBridge(api: OpsApi): OpsApi {
  return mapCalls(api, (fn) => (input: unknown) =>
    fn(input).catch((e: unknown) => {
      const p = e as ErrorPayload & { __opsError?: boolean };
      throw p?.__opsError ? new OpsError(p.code, p.message, p.details) : e;
    }),
  );
}

type AnyFn = (input: unknown) => Promise<unknown>;

function mapCalls(api: OpsApi, wrap: (fn: AnyFn) => AnyFn): OpsApi {
  const src = api as unknown as Record<string, Record<string, AnyFn>>;
  const out: Record<string, unknown> = { subscribe: api.subscribe, onConnection: api.onConnection };
  for (const name of callNames) {
    const [ns, m] = name.split('.') as [string, string];
    const group = (out[ns] ??= {}) as Record<string, AnyFn>;
    group[m] = wrap(src[ns]![m]!);
  }
  return out as unknown as OpsApi;
}
