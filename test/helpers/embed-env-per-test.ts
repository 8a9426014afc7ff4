import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmbedEnv, type EmbedEnv } from './embed-env.ts';
import { startMilvus, type MilvusServer } from './milvus-lite.ts';

/**
 * Registers the hooks of a test file whose tests each need their own embed env: one Milvus Lite for
 * the file (starting it is the slow part) and a fresh warehouse + emulators per test, closed after it.
 */
export function embedEnvPerTest() {
  let milvus: MilvusServer | undefined;
  let env: EmbedEnv | undefined;
  beforeAll(async () => {
    milvus = await startMilvus();
  }, 180_000);
  afterAll(() => milvus?.stop());
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  return {
    /** The file's Milvus Lite (started by beforeAll). */
    get milvus(): MilvusServer {
      if (!milvus) throw new Error('Milvus Lite is started in beforeAll: use it inside a test');
      return milvus;
    },
    /** Starts this test's env on the shared Milvus; afterEach closes it. */
    async start(opts: Omit<Parameters<typeof startEmbedEnv>[0] & object, 'milvus'> = {}): Promise<EmbedEnv> {
      env = await startEmbedEnv({ ...opts, milvus: this.milvus });
      return env;
    },
  };
}
