import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { parseMilvusUrl } from '../src/main/vectors/index.ts';
import type { MilvusServer } from '../test/helpers/milvus-lite.ts';

/** Milvus Lite builds HNSW segment indexes in the background after a flush; release + load builds them now. */
export async function buildIndexNow(server: MilvusServer, collection: string): Promise<void> {
  const client = new MilvusClient({ address: parseMilvusUrl(server.url).address, token: server.token, telemetry: { enabled: false }, logLevel: 'error' });
  try {
    await client.connectPromise;
    await client.releaseCollection({ collection_name: collection, timeout: 600_000 });
    const status = await client.loadCollection({ collection_name: collection, timeout: 600_000 });
    if (status.error_code !== 'Success') throw new Error(`load failed: ${status.reason}`);
  } finally {
    await client.closeConnection();
  }
}

