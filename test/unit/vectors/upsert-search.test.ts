// Writing and searching against a real Milvus (Lite): idempotent upserts, exact counts, updates,
// ranking, filters with hostile values, title truncation, deletes, and the raw vector encoding.
import { ConsistencyLevelEnum, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { connectMilvus, parseMilvusUrl, type VectorCollection } from '../../../src/main/vectors/index.ts';
import { opsErrorOf } from '../../helpers/ops-error.ts';
import { makeRow, makeRows, nudge, randomVector, rng, useMilvus } from './helpers.ts';

const milvus = useMilvus();
const DIM = 32;

async function fresh(label: string, dim = DIM): Promise<VectorCollection> {
  return milvus.store().ensureCollection(milvus.name(label), dim);
}

describe('upsert', () => {
  it('writes in batches, and a second upsert of the same rows adds nothing', async () => {
    const coll = await fresh('twice');
    const rows = makeRows(2500, DIM, 10);
    const progress: number[] = [];
    const first = await coll.upsert(rows, { batchSize: 1000, onProgress: (n, total) => progress.push(n, total) });
    expect(first).toEqual({ upserted: 2500, batches: 3, truncatedTitles: 0 });
    expect(progress).toEqual([1000, 2500, 2000, 2500, 2500, 2500]);
    expect(await coll.count()).toBe(2500);
    await coll.upsert(rows, { batchSize: 700 });
    expect(await coll.count()).toBe(2500);
    await coll.flush();
    expect(await coll.count()).toBe(2500);
    expect((await coll.stats()).entityCount).toBe(2500);
  });

  it('writes a repeated id within one call once, the last version winning', async () => {
    const coll = await fresh('dupes');
    const rand = rng(11);
    const a = makeRow(1, randomVector(rand, DIM), { title: 'first' });
    const b = makeRow(2, randomVector(rand, DIM));
    const a2 = { ...a, title: 'second' };
    expect((await coll.upsert([a, b, a2])).upserted).toBe(2);
    expect(await coll.count()).toBe(2);
    const [hit] = await coll.search(a.embedding, { limit: 1, consistency: 'strong' });
    expect(hit).toMatchObject({ id: a.id, title: 'second' });
  });

  it("replaces a row's vector and title, and search sees the change", async () => {
    const coll = await fresh('update');
    const rand = rng(12);
    const rows = Array.from({ length: 50 }, (_, i) => makeRow(i, randomVector(rand, DIM)));
    await coll.upsert(rows);
    const target = randomVector(rand, DIM);
    const before = await coll.search(target, { limit: 1, consistency: 'strong' });
    expect(before[0]!.id).not.toBe(rows[7]!.id);

    await coll.upsert([{ ...rows[7]!, title: 'Renamed: faster search', embedding: target, updatedAt: 1_800_000_000_000 }]);
    const after = await coll.search(nudge(target, rand, 0.01), { limit: 3, consistency: 'strong' });
    expect(after[0]).toMatchObject({ id: rows[7]!.id, title: 'Renamed: faster search', number: 7, repository: 'acme/widgets' });
    expect(after[0]!.score).toBeGreaterThan(0.99);
    expect(await coll.count()).toBe(50);
  });

  it('checks every row before writing anything', async () => {
    const coll = await fresh('invalid');
    const rows = makeRows(30, DIM, 13);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ embedding: [1, 2, 3] }, /Row 20 \(id "discussion:20"\): embedding has 3 dimensions but collection t_invalid_\w+ stores 32-dimensional vectors\. Nothing was written\./],
      [{ embedding: Array.from({ length: DIM }, (_, i) => (i === 5 ? Number.NaN : 0.1)) }, /embedding\[5\] is NaN/],
      [{ embedding: Array.from({ length: DIM }, () => 1e39) }, /not a finite 32-bit float/],
      [{ itemType: 'commit' }, /itemType "commit" is not one of pr, issue, discussion/],
      [{ id: '' }, /Row 20: id is empty/],
      [{ number: -1 }, /number -1 is not a non-negative integer/],
      [{ createdAt: 1.5 }, /createdAt 1.5 is not epoch milliseconds/],
      [{ repository: 'a\u0000b' }, /repository contains a control character/],
      [{ url: `https://x/${'a'.repeat(3000)}` }, /url is longer than 2048 bytes/],
    ];
    for (const [over, message] of cases) {
      const bad = rows.map((r, i) => (i === 20 ? { ...r, ...over } : r));
      const e = await opsErrorOf(coll.upsert(bad as typeof rows, { batchSize: 10 }));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(message);
    }
    expect(await coll.count()).toBe(0);
    expect((await opsErrorOf(coll.upsert(rows, { batchSize: 0 }))).code).toBe('invalid_input');
  });

  it('stores a title longer than the VarChar limit cut at a character boundary, not rejected', async () => {
    const coll = await fresh('longtitle');
    // 509 × "é" (1,018 bytes), then a 7-code-point family emoji (18 bytes), then 1,000 more
    // characters: 1,514 code points, so Milvus Lite (which counts characters) would reject it too.
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    const title = 'é'.repeat(509) + family + 'x'.repeat(1000);
    const row = makeRow(1, randomVector(rng(14), DIM), { title });
    const res = await coll.upsert([row, makeRow(2, randomVector(rng(15), DIM), { title: 'short 🚀' })]);
    expect(res.truncatedTitles).toBe(1);
    const hits = await coll.search(row.embedding, { limit: 2, consistency: 'strong' });
    const stored = hits.find((h) => h.id === row.id)!.title;
    expect(stored).toBe(`${'é'.repeat(509)}…`);
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(1024);
    expect(stored).not.toContain('\uFFFD');
    expect(hits.find((h) => h.id !== row.id)!.title).toBe('short 🚀');
  });

  it('stops between batches when aborted', async () => {
    const coll = await fresh('abort');
    const controller = new AbortController();
    const e = await opsErrorOf(coll.upsert(makeRows(300, DIM, 16), {
      batchSize: 100,
      onProgress: (n) => {
        if (n === 200) controller.abort();
      },
      signal: controller.signal,
    }));
    expect(e.code).toBe('cancelled');
    expect(e.message).toContain('after 200 of 300 rows');
    expect(await coll.count()).toBe(200);
  });

  it('deleteByIds removes exactly those rows', async () => {
    const coll = await fresh('delete');
    const rows = makeRows(40, DIM, 17);
    await coll.upsert(rows);
    const gone = rows.slice(0, 10).map((r) => r.id);
    expect(await coll.deleteByIds([...gone, gone[0]!])).toBe(10);
    expect(await coll.count()).toBe(30);
    const hits = await coll.search(rows[3]!.embedding, { limit: 40, consistency: 'strong' });
    expect(hits).toHaveLength(30);
    expect(hits.some((h) => gone.includes(h.id))).toBe(false);
    expect(await coll.deleteByIds(['pr:does-not-exist'])).toBeLessThanOrEqual(1);
    expect(await coll.count()).toBe(30);
  });

  it('the raw encoding stores the same float32 vectors as the SDK encoder', async () => {
    const name = milvus.name('encoding');
    await milvus.store().ensureCollection(name, DIM);
    const rand = rng(18);
    const rows = Array.from({ length: 20 }, (_, i) => makeRow(i, randomVector(rand, DIM)));
    const sdkStore = await connectMilvus({ url: milvus.server().url, token: milvus.server().token, upsertEncoding: 'sdk' });
    try {
      await milvus.store().collection(name).upsert(rows.slice(0, 10));
      await sdkStore.collection(name).upsert(rows.slice(10), { batchSize: 4 });
    } finally {
      await sdkStore.close();
    }
    const { address } = parseMilvusUrl(milvus.server().url);
    const client = new MilvusClient({ address, token: milvus.server().token, telemetry: { enabled: false }, logLevel: 'error' });
    try {
      await client.connectPromise;
      const res = await client.query({
        collection_name: name,
        filter: '',
        output_fields: ['id', 'repository', 'item_type', 'number', 'title', 'url', 'created_at', 'updated_at', 'embedding'],
        limit: 100,
        consistency_level: ConsistencyLevelEnum.Strong,
      });
      const byId = new Map(res.data.map((d) => [String(d.id), d]));
      expect(byId.size).toBe(20);
      for (const r of rows) {
        const d = byId.get(r.id)!;
        expect(d.embedding).toEqual(Array.from(Float32Array.from(r.embedding)));
        expect([d.repository, d.item_type, Number(d.number), d.title, d.url, Number(d.created_at), Number(d.updated_at)])
          .toEqual([r.repository, r.itemType, r.number, r.title, r.url, r.createdAt, r.updatedAt]);
      }
    } finally {
      await client.closeConnection();
    }
  });
});

describe('search', () => {
  it('ranks the nearest vector first, best score first', async () => {
    const coll = await fresh('rank');
    const rand = rng(20);
    const rows = Array.from({ length: 300 }, (_, i) => makeRow(i, randomVector(rand, DIM)));
    await coll.upsert(rows);
    await coll.flush();
    for (const k of [0, 57, 123, 299]) {
      const hits = await coll.search(nudge(rows[k]!.embedding as number[], rand), { limit: 5, consistency: 'strong' });
      expect(hits).toHaveLength(5);
      expect(hits[0]).toMatchObject({ id: rows[k]!.id, number: k, itemType: rows[k]!.itemType, url: rows[k]!.url, title: `Item ${k}` });
      expect(hits[0]!.score).toBeGreaterThan(0.95);
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    }
    const e = await opsErrorOf(coll.search([1, 2, 3]));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('has 3 dimensions');
    expect((await opsErrorOf(coll.search(rows[0]!.embedding, { limit: 0 }))).code).toBe('invalid_input');
  });

  it('filters by repository and item type, with values that contain quotes, backslashes and unicode', async () => {
    const coll = await fresh('filters');
    const rand = rng(21);
    const repos = ['acme/widgets', `o'brien/"quoted" \\repo\\`, 'ünïcødé/ŕëpö 🚀', 'acme/widgets" or repository != "x'];
    const rows = repos.flatMap((repository, r) =>
      (['pr', 'issue', 'discussion'] as const).flatMap((itemType, t) =>
        Array.from({ length: 4 }, (_, i) => makeRow(r * 100 + t * 10 + i, randomVector(rand, DIM), { repository, repositoryId: 500 + r, itemType }))));
    await coll.upsert(rows);
    const query = randomVector(rand, DIM);
    const search = (opts: Parameters<VectorCollection['search']>[1]) => coll.search(query, { limit: 100, consistency: 'strong', ...opts });

    expect(await search({})).toHaveLength(rows.length);
    for (const repository of repos) {
      const hits = await search({ repository });
      expect(hits).toHaveLength(12);
      expect(new Set(hits.map((h) => h.repository))).toEqual(new Set([repository]));
    }
    // By the repository's GitHub id (what renames do not change), alone and with item types.
    const byId = await search({ repositoryId: 501 });
    expect(byId).toHaveLength(12);
    expect(byId.every((h) => h.repositoryId === 501 && h.repository === repos[1])).toBe(true);
    expect(await coll.count({ repositoryId: 502 })).toBe(12);
    expect(await coll.count({ repositoryId: 999 })).toBe(0);
    expect(await search({ repositoryId: 503, itemTypes: ['issue'] })).toHaveLength(4);
    expect((await opsErrorOf(search({ repositoryId: -1 }))).code).toBe('invalid_input');
    // An attempt to widen the expression is just a repository name that matches nothing.
    expect(await search({ repository: 'nobody/x" or item_type != "' })).toEqual([]);
    expect(await search({ repository: "acme/widgets' or '1' == '1" })).toEqual([]);

    const issues = await search({ itemTypes: ['issue'] });
    expect(issues).toHaveLength(16);
    expect(issues.every((h) => h.itemType === 'issue')).toBe(true);
    const both = await search({ repository: repos[1], itemTypes: ['pr', 'discussion', 'pr'] });
    expect(both).toHaveLength(8);
    expect(both.every((h) => h.repository === repos[1] && h.itemType !== 'issue')).toBe(true);
    expect(await search({ itemTypes: [] })).toHaveLength(rows.length);

    expect((await opsErrorOf(search({ itemTypes: ['commit' as never] }))).message).toContain('Unknown item type "commit"');
    expect((await opsErrorOf(search({ repository: ' ' }))).code).toBe('invalid_input');
  });
});
