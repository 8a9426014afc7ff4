// The Milvus check against a real Milvus (Lite, or MILVUS_URL) from test/helpers/milvus-lite.ts.
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { milvusCheck, type MilvusCheckOptions } from '../../../src/main/health/milvus.ts';
import { runChecks } from '../../../src/main/health/run-checks.ts';
import type { CheckResult } from '../../../src/main/health/types.ts';
import { parseMilvusUrl } from '../../../src/main/vectors/address.ts';
import { closedPort, startTcpFixture } from '../../helpers/http-fixtures.ts';
import { startMilvus, type MilvusServer } from '../../helpers/milvus-lite.ts';

const run = Math.random().toString(36).slice(2, 8);
const LOADED = `hc_loaded_${run}`;
const RELEASED = `hc_released_${run}`;
const NO_INDEX = `hc_noindex_${run}`;
const MISSING = `hc_missing_${run}`;

let server: MilvusServer;
let client: MilvusClient;

async function create(name: string, opts: { index: boolean; rows: number; release?: boolean }): Promise<void> {
  await client.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 4 },
    ],
  });
  if (opts.index) {
    await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'HNSW', metric_type: 'COSINE', params: { M: 8, efConstruction: 64 } });
    await client.loadCollectionSync({ collection_name: name });
  }
  if (opts.rows) await client.insert({ collection_name: name, data: Array.from({ length: opts.rows }, (_, i) => ({ id: i + 1, v: [1, i, 2, 3] })) });
  if (opts.release) await client.releaseCollection({ collection_name: name });
}

beforeAll(async () => {
  server = await startMilvus();
  client = new MilvusClient({ address: parseMilvusUrl(server.url).address, token: server.token, telemetry: { enabled: false }, logLevel: 'error' });
  await client.connectPromise;
  await create(LOADED, { index: true, rows: 3 });
  await create(RELEASED, { index: true, rows: 2, release: true });
  await create(NO_INDEX, { index: false, rows: 0 });
}, 600_000); // a fresh machine first installs Milvus Lite from PyPI

afterAll(async () => {
  if (client) {
    for (const n of [LOADED, RELEASED, NO_INDEX]) await client.dropCollection({ collection_name: n }).catch(() => undefined);
    await client.closeConnection();
  }
  await server?.stop();
}, 60_000);

async function check(options: Partial<MilvusCheckOptions> = {}): Promise<CheckResult> {
  const { results } = await runChecks([milvusCheck({ url: server.url, token: server.token, ...options })], { timeoutMs: 15_000 });
  return results[0]!;
}

describe('Milvus check', () => {
  it('reports version, collections, entity counts, index params and load state', async () => {
    const r = await check({ collections: [LOADED] });
    expect(r).toMatchObject({ id: 'milvus', kind: 'milvus', status: 'healthy', findings: [] });
    expect(r.summary).toMatch(new RegExp(`^Milvus \\S+ · \\d+ collections · ${LOADED} 3 entities, HNSW COSINE, loaded · [\\d.]+ ms$`));
    expect(r.latencyMs).toBeGreaterThan(0);
    const collections = r.details.collections as { name: string; configured: boolean; exists: boolean; entities: number; loadState: string; index: { field: string; type: string; metric: string; params: Record<string, unknown> }[] }[];
    const loaded = collections.find((c) => c.name === LOADED)!;
    expect(loaded).toMatchObject({ configured: true, exists: true, entities: 3, loadState: 'loaded' });
    expect(loaded.index).toEqual([expect.objectContaining({ field: 'v', type: 'HNSW', metric: 'COSINE', params: { M: 8, efConstruction: 64 } })]);
    expect(collections.find((c) => c.name === RELEASED)).toMatchObject({ configured: false, loadState: 'not_loaded', entities: 2 });
    expect(r.details.collectionCount).toBeGreaterThanOrEqual(3);
    expect(r.details.version).toEqual(expect.any(String));
  });

  it('is degraded when a configured collection is missing, not loaded or has no index', async () => {
    const r = await check({ collections: [LOADED, RELEASED, NO_INDEX, MISSING] });
    expect(r.status).toBe('degraded');
    expect(r.findings.map((f) => f.message)).toEqual([
      `Collection ${RELEASED} is not loaded: searches fail until it is loaded`,
      `Collection ${NO_INDEX} has no index: Milvus cannot load it for search`,
      `Collection ${MISSING} does not exist: run the embedding pipeline to create it`,
    ]);
    expect(r.summary).toMatch(new RegExp(`^Collection ${RELEASED} is not loaded: searches fail until it is loaded \\(\\+2 more\\) · Milvus`));
  });

  it('names an unreachable server, and one that accepts but never answers', async () => {
    const port = await closedPort();
    const t0 = performance.now();
    const gone = await check({ url: `http://127.0.0.1:${port}`, requestTimeoutMs: 1000 });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(gone).toMatchObject({ status: 'down', details: { failure: 'unreachable' } });
    expect(gone.summary).toMatch(/^Unreachable: Cannot reach Milvus at http:\/\/127\.0\.0\.1:\d+: connection refused/);

    const silent = await startTcpFixture('silent');
    try {
      const t1 = performance.now();
      const r = await check({ url: `http://127.0.0.1:${silent.port}`, requestTimeoutMs: 800 });
      expect(performance.now() - t1).toBeLessThan(3000);
      expect(r.status).toBe('down');
      expect(r.summary).toMatch(/^(Unreachable|Not answering): .*Milvus at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await silent.close();
    }
  });

  it('rejects a URL with credentials in it without echoing them', async () => {
    const r = await check({ url: 'http://root:Milvus-secret-pw@127.0.0.1:19530' });
    expect(r).toMatchObject({ status: 'down', details: { failure: 'invalid_url' } });
    expect(JSON.stringify(r)).not.toContain('Milvus-secret-pw');
  });
});
