// Shared pieces of the vector tests: one Milvus (Lite) server per test file, deterministic
// vectors and rows, unique collection names (so a shared MILVUS_URL server is safe too).
import { afterAll, beforeAll } from 'vitest';
import { connectMilvus, type MilvusVectorStore } from '../../../src/main/vectors/index.ts';
import type { ItemType, VectorRow } from '../../../src/main/vectors/index.ts';
import { startMilvus, type MilvusServer } from '../../helpers/milvus-lite.ts';

/** Installing Milvus Lite on a fresh machine downloads ~150 MB of wheels. */
export const SERVER_START_TIMEOUT_MS = 600_000;

export interface MilvusFixture {
  server(): MilvusServer;
  store(): MilvusVectorStore;
  /** A collection name no other test (or run) uses; dropped after the file. */
  name(label: string): string;
}

export function useMilvus(): MilvusFixture {
  let server: MilvusServer | undefined;
  let store: MilvusVectorStore | undefined;
  const names: string[] = [];
  const run = Math.random().toString(36).slice(2, 8);
  beforeAll(async () => {
    server = await startMilvus();
    store = await connectMilvus({ url: server.url, token: server.token });
  }, SERVER_START_TIMEOUT_MS);
  afterAll(async () => {
    if (store) {
      for (const n of names) await store.dropCollection(n).catch(() => undefined);
      await store.close();
    }
    await server?.stop();
  }, 60_000);
  return {
    server: () => server ?? fail('the Milvus server did not start'),
    store: () => store ?? fail('the Milvus store is not connected'),
    name: (label) => {
      const n = `t_${label}_${run}_${names.length}`;
      names.push(n);
      return n;
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

import { rng } from '../../helpers/random.ts';
export { rng };

export function randomVector(rand: () => number, dim: number): number[] {
  return Array.from({ length: dim }, () => rand() * 2 - 1);
}

/** A copy of `v` moved slightly in a random direction (still nearest to v among random vectors). */
export function nudge(v: readonly number[], rand: () => number, amount = 0.05): number[] {
  return v.map((x) => x + (rand() * 2 - 1) * amount);
}

export function makeRow(n: number, embedding: ArrayLike<number>, over: Partial<VectorRow> = {}): VectorRow {
  const itemType: ItemType = over.itemType ?? (n % 3 === 0 ? 'issue' : n % 3 === 1 ? 'pr' : 'discussion');
  return {
    id: `${itemType}:${n}`,
    repository: 'acme/widgets',
    repositoryId: 1_296_269,
    itemType,
    number: n,
    title: `Item ${n}`,
    url: `https://github.com/acme/widgets/${itemType === 'pr' ? 'pull' : itemType === 'issue' ? 'issues' : 'discussions'}/${n}`,
    createdAt: 1_700_000_000_000 + n,
    updatedAt: 1_700_000_500_000 + n,
    embedding,
    ...over,
  };
}

export function makeRows(count: number, dim: number, seed: number, from = 0): VectorRow[] {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, i) => makeRow(from + i, randomVector(rand, dim)));
}
