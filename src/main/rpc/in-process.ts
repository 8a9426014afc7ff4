import type { OpsApi } from '../../shared/rpc/api.ts';
import { createOpsClient } from '../../shared/rpc/client.ts';
import type { ServerFrame } from '../../shared/rpc/frames.ts';
import type { RpcServer } from './rpc-server.ts';

/** The typed client wired straight to the core in the same process (CLI, tests). */
export function inProcessClient(rpc: RpcServer): OpsApi {
  let toClient: ((f: ServerFrame) => void) | null = null;
  let toServer: ((raw: unknown) => void) | null = null;
  // Frames are cloned so that in-process callers see exactly what a remote one would.
  rpc.connect({ send: (f) => queueMicrotask(() => toClient?.(structuredClone(f) as ServerFrame)), onFrame: (h) => (toServer = h), onClose: () => {} }, 'in-process');
  return createOpsClient({
    send: (frame) => toServer?.(structuredClone(frame)),
    onFrame: (h) => (toClient = h),
  });
}
