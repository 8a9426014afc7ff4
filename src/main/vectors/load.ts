// Loading a collection and waiting until it is searchable. The SDK's loadCollection sleeps 400 ms
// after every progress check (even when already loaded) and throws plain Errors; this polls
// quickly at first and keeps Milvus statuses, so failures map to clear OpsErrors.
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { OpsError } from '../../shared/errors.ts';
import { ensureOk, toOpsError, type ErrorContext } from './errors.ts';

export async function loadAndWait(client: MilvusClient, name: string, ctx: ErrorContext & { timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + ctx.timeoutMs;
  try {
    ensureOk(await client.loadCollectionAsync({ collection_name: name, timeout: ctx.timeoutMs }), ctx);
    for (let delay = 25; ; delay = Math.min(1000, delay * 2)) {
      const res = await client.getLoadingProgress({ collection_name: name, timeout: Math.max(1, deadline - Date.now()) });
      ensureOk(res.status, ctx);
      if (Number(res.progress) >= 100) return;
      if (Date.now() + delay > deadline) {
        throw new OpsError('timeout', `Milvus at ${ctx.server} took longer than ${ctx.timeoutMs / 1000} s to load ${name} (${Number(res.progress)}% loaded). Large collections take a while; try again later.`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  } catch (e) {
    throw toOpsError(e, ctx);
  }
}
