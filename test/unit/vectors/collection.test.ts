// Collection lifecycle against a real Milvus (Lite): create, validate, dimension and schema
// conflicts, repair, stats, recreate, drop.
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { parseMilvusUrl } from '../../../src/main/vectors/index.ts';
import { opsErrorOf } from '../../helpers/ops-error.ts';
import { makeRows, useMilvus } from './helpers.ts';

const milvus = useMilvus();

/** A second, plain SDK client, to shape collections behind the store's back. */
async function rawClient<T>(fn: (c: MilvusClient) => Promise<T>): Promise<T> {
  const { address } = parseMilvusUrl(milvus.server().url);
  const c = new MilvusClient({ address, token: milvus.server().token, telemetry: { enabled: false }, logLevel: 'error' });
  try {
    await c.connectPromise;
    return await fn(c);
  } finally {
    await c.closeConnection();
  }
}

describe('ensureCollection', () => {
  it('creates the collection with the PR/issue schema, a COSINE index, loaded', async () => {
    const name = milvus.name('create');
    const coll = await milvus.store().ensureCollection(name, 8);
    expect(coll.name).toBe(name);
    const stats = await milvus.store().stats(name);
    expect(stats).toMatchObject({ name, exists: true, entityCount: 0, entityCountExact: true, dimension: 8, metric: 'COSINE', indexType: 'HNSW', loadState: 'loaded' });
    expect(stats.indexParams).toEqual({ M: 16, efConstruction: 200 });
    expect(stats.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'VarChar'], ['repository', 'VarChar'], ['repository_id', 'Int64'], ['item_type', 'VarChar'], ['number', 'Int64'], ['title', 'VarChar'],
      ['url', 'VarChar'], ['created_at', 'Int64'], ['updated_at', 'Int64'], ['embedding', 'FloatVector'],
    ]);
    expect(stats.fields.find((f) => f.name === 'id')).toMatchObject({ primaryKey: true, maxLength: 128 });
    expect(stats.fields.find((f) => f.name === 'title')).toMatchObject({ maxLength: 1024 });
    expect(stats.fields.find((f) => f.name === 'embedding')).toMatchObject({ dimension: 8 });
    expect(await milvus.store().listCollections()).toContain(name);
  });

  it('accepts an existing collection of the same dimension and keeps its rows', async () => {
    const name = milvus.name('reuse');
    const first = await milvus.store().ensureCollection(name, 8);
    await first.upsert(makeRows(25, 8, 1));
    const again = await milvus.store().ensureCollection(name, 8, { model: 'text-embedding-3-small' });
    expect(await again.count()).toBe(25);
  });

  it('refuses an existing collection whose dimension differs from the model, naming both', async () => {
    const name = milvus.name('dims');
    await milvus.store().ensureCollection(name, 384);
    const e = await opsErrorOf(milvus.store().ensureCollection(name, 1536, { model: 'text-embedding-3-small' }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe(`Collection ${name} stores 384-dimensional vectors but text-embedding-3-small produces 1536. Recreate the collection or change the model's dimensions.`);
    // Refusing changed nothing.
    expect((await milvus.store().stats(name)).dimension).toBe(384);
  });

  it('refuses a collection with a foreign schema', async () => {
    const name = milvus.name('foreign');
    await rawClient((c) => c.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'title', data_type: DataType.Int64 },
        { name: 'embedding', data_type: DataType.FloatVector, dim: 8 },
      ],
    }));
    const e = await opsErrorOf(milvus.store().ensureCollection(name, 8));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain(`Collection ${name}`);
    expect(e.message).toContain('not a Repo Ops collection');
    expect(e.message).toContain('field "id" is Int64, not VarChar');
    expect(e.message).toContain('field "repository" is missing');
    expect(e.message).toContain('field "title" is Int64, not VarChar');
  });

  it('names a collection made by an earlier version (no repository_id) and how to move on', async () => {
    const name = milvus.name('legacy');
    await rawClient((c) => c.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: 128 },
        { name: 'repository', data_type: DataType.VarChar, max_length: 256 },
        { name: 'item_type', data_type: DataType.VarChar, max_length: 16 },
        { name: 'number', data_type: DataType.Int64 },
        { name: 'title', data_type: DataType.VarChar, max_length: 1024 },
        { name: 'url', data_type: DataType.VarChar, max_length: 2048 },
        { name: 'created_at', data_type: DataType.Int64 },
        { name: 'updated_at', data_type: DataType.Int64 },
        { name: 'embedding', data_type: DataType.FloatVector, dim: 8 },
      ],
    }));
    const e = await opsErrorOf(milvus.store().ensureCollection(name, 8));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('made by an earlier Repo Ops that keyed entities by repository name');
    expect(e.message).toContain('repo-ops milvus recreate');
    // A recreate brings it to today's layout.
    const again = await milvus.store().recreateCollection(name, 8);
    expect((await again.stats()).fields.map((f) => f.name)).toContain('repository_id');
  });

  it('adds the vector index to a collection created without one, and loads it', async () => {
    const name = milvus.name('repair');
    const created = await milvus.store().ensureCollection(name, 8);
    await created.upsert(makeRows(10, 8, 2));
    await created.flush();
    await rawClient(async (c) => {
      await c.releaseCollection({ collection_name: name });
      await c.dropIndex({ collection_name: name, field_name: 'embedding' });
    });
    // (Milvus Lite treats a collection without an index as loaded; Milvus does not.)
    expect(await milvus.store().stats(name)).toMatchObject({ indexType: null, metric: null, entityCount: 10 });
    const coll = await milvus.store().ensureCollection(name, 8);
    expect(await milvus.store().stats(name)).toMatchObject({ indexType: 'HNSW', metric: 'COSINE', loadState: 'loaded', entityCount: 10, entityCountExact: true });
    expect(await coll.count()).toBe(10);
  });

  it('refuses bad names and dimensions before asking the server', async () => {
    expect((await opsErrorOf(milvus.store().ensureCollection('pr-index', 8))).code).toBe('invalid_input');
    expect((await opsErrorOf(milvus.store().ensureCollection('x"; drop', 8))).code).toBe('invalid_input');
    expect((await opsErrorOf(milvus.store().ensureCollection(milvus.name('dim'), 0))).message).toContain('integer in 2–32768');
    expect((await opsErrorOf(milvus.store().ensureCollection(milvus.name('dim'), 1.5))).code).toBe('invalid_input');
  });
});

describe('stats, count, recreate, drop', () => {
  it('reports a missing collection as not existing', async () => {
    const stats = await milvus.store().stats(milvus.name('missing'));
    expect(stats).toMatchObject({ exists: false, entityCount: 0, dimension: null, metric: null, indexType: null, loadState: 'not_exist', fields: [] });
  });

  it('reports a released collection as not loaded with the server row count, and load() brings it back', async () => {
    const name = milvus.name('released');
    const coll = await milvus.store().ensureCollection(name, 8);
    await coll.upsert(makeRows(5, 8, 3));
    await coll.flush();
    await rawClient((c) => c.releaseCollection({ collection_name: name }));
    expect(await coll.stats()).toMatchObject({ loadState: 'not_loaded', entityCount: 5, entityCountExact: false });
    await coll.load();
    expect(await coll.stats()).toMatchObject({ loadState: 'loaded', entityCount: 5, entityCountExact: true });
    expect(await coll.count()).toBe(5);
  });

  it('operations on a missing collection are not_found with the name', async () => {
    const name = milvus.name('gone');
    const e = await opsErrorOf(milvus.store().collection(name).count());
    expect(e.code).toBe('not_found');
    expect(e.message).toContain(`Collection ${name} does not exist`);
  });

  it('recreate empties the collection and takes the new dimension', async () => {
    const name = milvus.name('recreate');
    const coll = await milvus.store().ensureCollection(name, 8);
    await coll.upsert(makeRows(30, 8, 4));
    expect(await coll.count()).toBe(30);
    const fresh = await milvus.store().recreateCollection(name, 16);
    expect(await fresh.count()).toBe(0);
    expect(await milvus.store().stats(name)).toMatchObject({ exists: true, dimension: 16, indexType: 'HNSW', loadState: 'loaded', entityCount: 0 });
    await fresh.upsert(makeRows(3, 16, 5));
    expect(await fresh.count()).toBe(3);
    // recreating a collection that does not exist just creates it
    const other = milvus.name('recreate_new');
    expect(await (await milvus.store().recreateCollection(other, 8)).count()).toBe(0);
  });

  it('drop reports whether the collection existed', async () => {
    const name = milvus.name('drop');
    await milvus.store().ensureCollection(name, 8);
    expect(await milvus.store().dropCollection(name)).toBe(true);
    expect(await milvus.store().dropCollection(name)).toBe(false);
    expect(await milvus.store().listCollections()).not.toContain(name);
  });

  it('reads the server version', async () => {
    const version = await milvus.store().serverVersion();
    expect(version).toMatch(/\d+\.\d+/);
    if (!process.env.MILVUS_URL) expect(version).toBe('milvus_lite-3.2.2');
  });
});
