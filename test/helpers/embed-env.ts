import type { Dataset } from '../emulators/github/dataset.ts';
import { startOpenAIEmulator, type OpenAIEmulator, type OpenAIEmulatorOptions } from '../emulators/openai/server.ts';
import { startMilvus, type MilvusServer } from './milvus-lite.ts';
import { startSyncEnv, type SyncEnv } from './sync-env.ts';

export const OPENAI_KEY = 'sk-test-embeddings-0000000000000000000000';

export interface EmbedEnv extends SyncEnv {
  openai: OpenAIEmulator;
  milvus: MilvusServer;
  collection: string;
}

/** A synced warehouse plus the OpenAI emulator and a real Milvus (Lite), wired into the active profile. */
export async function startEmbedEnv(opts: { dataset?: Dataset; openai?: OpenAIEmulatorOptions; dimensions?: number; milvus?: MilvusServer; sync?: boolean; coreEnv?: NodeJS.ProcessEnv } = {}): Promise<EmbedEnv> {
  const env = await startSyncEnv({ dataset: opts.dataset, coreEnv: opts.coreEnv });
  const openai = await startOpenAIEmulator({ apiKeys: [OPENAI_KEY], ...opts.openai });
  const milvus = opts.milvus ?? (await startMilvus());
  const collection = `c_${Math.random().toString(36).slice(2, 10)}`;
  await env.t.ops.profiles.update({ id: env.profileId, patch: { openaiBaseUrl: openai.baseUrl, milvusCollection: collection, embeddingDimensions: opts.dimensions ?? 256 } });
  await env.t.ops.secrets.set({ profileId: env.profileId, key: 'openai_key', value: OPENAI_KEY });
  await env.t.ops.secrets.set({ profileId: env.profileId, key: 'milvus_url', value: milvus.url });
  if (opts.sync !== false) {
    const run = await env.t.ops.repos.sync({ repository: 'octo/widgets', mode: 'full' });
    const synced = await env.t.core.jobs.wait(run.id);
    if (synced.status !== 'succeeded') throw new Error(`setup sync ${synced.status}: ${synced.error}`);
  }
  const close = env.close;
  return {
    ...env,
    openai,
    milvus,
    collection,
    async close() {
      await close();
      await openai.close();
      if (!opts.milvus) await milvus.stop();
    },
  };
}
