import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
});
afterAll(() => t.close());

describe('connection profiles', () => {
  it('creates profiles with defaults; the first becomes active', async () => {
    const a = await t.ops.profiles.create({ name: 'production' });
    expect(a).toMatchObject({ name: 'production', active: true, githubApiUrl: 'https://api.github.com', embeddingModel: 'text-embedding-3-small', embeddingDimensions: 1536, milvusCollection: 'pr_index' });
    const b = await t.ops.profiles.create({ name: 'staging', githubApiUrl: 'https://ghe.example.com/api/v3' });
    expect(b.active).toBe(false);
    expect((await t.ops.profiles.list()).map((p) => p.name)).toEqual(['production', 'staging']);
  });

  it('activates exactly one profile', async () => {
    const staging = (await t.ops.profiles.list()).find((p) => p.name === 'staging')!;
    await t.ops.profiles.activate({ id: staging.id });
    expect((await t.ops.profiles.list()).filter((p) => p.active).map((p) => p.name)).toEqual(['staging']);
  });

  it('publishes every change to subscribers (other windows stay current)', async () => {
    const seen: string[][] = [];
    const off = t.ops.subscribe('profiles.changed', {}, (list) => seen.push(list.filter((p) => p.active).map((p) => p.name)));
    try {
      const production = (await t.ops.profiles.list()).find((p) => p.name === 'production')!;
      await t.ops.profiles.activate({ id: production.id });
      const temp = await t.ops.profiles.create({ name: 'temp' });
      await t.ops.profiles.delete({ id: temp.id });
      await expect.poll(() => seen.length).toBe(3);
      expect(seen).toEqual([['production'], ['production'], ['production']]);
    } finally {
      off();
    }
  });

  it('rejects bad input with clear messages', async () => {
    await expect(t.ops.profiles.create({ name: 'PRODUCTION' })).rejects.toMatchObject({ code: 'conflict', message: 'A profile named "PRODUCTION" already exists' });
    await expect(t.ops.profiles.create({ name: 'x', githubApiUrl: 'ftp://nope' })).rejects.toMatchObject({ code: 'invalid_input', message: 'profiles.create: githubApiUrl: must be an http:// or https:// URL' });
    await expect(t.ops.profiles.create({ name: 'x', milvusCollection: '1-bad' })).rejects.toMatchObject({ message: expect.stringContaining('milvusCollection: letters, digits and _ only') });
    await expect(t.ops.profiles.create({ name: '  ' })).rejects.toMatchObject({ message: 'profiles.create: name: name is required' });
    await expect(t.ops.profiles.create({ name: 'x', httpServices: [{ name: 'api', url: 'javascript:alert(1)' }] })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('updates and deletes; deleting the active one activates another', async () => {
    const [prod, staging] = await t.ops.profiles.list();
    const updated = await t.ops.profiles.update({ id: staging!.id, patch: { embeddingDimensions: 384, httpServices: [{ name: 'api', url: 'http://127.0.0.1:9/health' }] } });
    expect(updated).toMatchObject({ embeddingDimensions: 384, httpServices: [{ name: 'api', url: 'http://127.0.0.1:9/health' }] });
    await t.ops.profiles.delete({ id: staging!.id });
    expect(await t.ops.profiles.list()).toEqual([expect.objectContaining({ id: prod!.id, active: true })]);
    await expect(t.ops.profiles.delete({ id: staging!.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a partial update changes only the fields it names', async () => {
    const p = await t.ops.profiles.create({ name: 'partial', githubApiUrl: 'https://ghe.example.com/api/v3', embeddingDimensions: 512 });
    const u = await t.ops.profiles.update({ id: p.id, patch: { description: 'only this' } });
    expect(u).toMatchObject({ description: 'only this', githubApiUrl: 'https://ghe.example.com/api/v3', embeddingDimensions: 512 });
    await t.ops.settings.update({ logRetentionDays: 30, jobConcurrency: 3 });
    expect(await t.ops.settings.update({ theme: 'light' })).toMatchObject({ theme: 'light', logRetentionDays: 30, jobConcurrency: 3 });
    await t.ops.settings.update({ theme: 'system', logRetentionDays: 7, jobConcurrency: 2 });
    await t.ops.profiles.delete({ id: p.id });
  });

  it('settings round-trip with validation', async () => {
    expect(await t.ops.settings.get()).toMatchObject({ theme: 'system', logRetentionDays: 7, jobConcurrency: 2 });
    expect(await t.ops.settings.update({ theme: 'dark', logRetentionDays: 14 })).toMatchObject({ theme: 'dark', logRetentionDays: 14 });
    await expect(t.ops.settings.update({ logRetentionDays: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await t.ops.settings.get()).logRetentionDays).toBe(14);
  });
});
