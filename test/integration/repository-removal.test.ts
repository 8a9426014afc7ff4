import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBackfill } from '../../src/main/backfill/verify.ts';
import { connectMilvus } from '../../src/main/vectors/index.ts';
import { startEmbedEnv, type EmbedEnv } from '../helpers/embed-env.ts';
import { startMilvus, type MilvusServer } from '../helpers/milvus-lite.ts';

// Removing a repository reaches into Milvus: its vectors are counted, deleted on request, and
// when left behind, verification flags them as orphaned until they are deleted.
const REPO = 'octo/widgets';
let milvus: MilvusServer;
let env: EmbedEnv;
beforeAll(async () => {
  milvus = await startMilvus();
  env = await startEmbedEnv({ milvus });
}, 180_000);
afterAll(async () => {
  await env?.close();
  await milvus?.stop();
});

let githubId = 0;
async function embedAndTrack(): Promise<{ id: string; vectors: number }> {
  const tracked = (await env.t.ops.repos.list()).find((r) => r.fullName === REPO) ?? (await env.t.ops.repos.track({ repository: REPO })).repository;
  if (!tracked.counts.pullRequests) expect((await env.t.core.jobs.wait((await env.t.ops.repos.sync({ repository: REPO, mode: 'full' })).id)).status).toBe('succeeded');
  const run = await env.t.ops.embed.start({ repository: REPO, only: ['issue', 'pr'] });
  expect((await env.t.core.jobs.wait(run.id)).status).toBe('succeeded');
  githubId = Number((await env.pool.query('SELECT github_id FROM repositories WHERE id = $1', [tracked.id])).rows[0].github_id);
  const store = await connectMilvus({ url: milvus.url });
  const vectors = await store.collection(env.collection).count({ repositoryId: githubId });
  await store.close();
  return { id: tracked.id, vectors };
}

async function orphanItem(repositoryId: string) {
  const reconciliation = { window: { since: null, until: null }, pullRequests: { github: 0, stored: 0, match: true }, issues: { github: 0, stored: 0, match: true }, nestedGaps: 0, ok: true, checkedAt: new Date().toISOString() };
  const store = await connectMilvus({ url: milvus.url });
  try {
    const v = await verifyBackfill({ pool: env.pool, logs: env.t.core.logStore, runId: 'none', request: { repository: REPO } as never, repositoryId, repositoryGithubId: githubId, repository: REPO, reconciliation, collection: store.collection(env.collection), aggregatedSince: null });
    return v.items.find((i) => i.id === 'orphan-vectors')!;
  } finally {
    await store.close();
  }
}

describe('removing a repository and its vectors', () => {
  it('left behind, its vectors are flagged as orphaned by verification and can be deleted', async () => {
    const { id, vectors } = await embedAndTrack();
    expect(vectors).toBeGreaterThan(0);
    expect(await orphanItem(id)).toMatchObject({ state: 'pass' });
    const preview = await env.t.ops.repos.removalPreview({ id });
    expect(preview).toMatchObject({ repository: REPO, vectors: { collection: env.collection, count: vectors }, vectorsError: null });

    expect(await env.t.ops.repos.untrack({ id })).toEqual({ ok: true, vectorsDeleted: null });
    expect(await env.t.ops.vectors.orphans()).toMatchObject({ collection: env.collection, count: vectors, repositories: [REPO] });
    const item = await orphanItem(id);
    expect(item).toMatchObject({ state: 'warn', details: [expect.stringMatching(new RegExp(`^${REPO} \\(GitHub id \\d+\\): not tracked$`))] });
    expect(item.evidence).toContain(`${vectors} vectors belong to repositories that are not tracked (${REPO})`);

    expect(await env.t.ops.vectors.deleteOrphans({ confirm: true })).toEqual({ deleted: vectors, repositories: [REPO] });
    expect((await env.t.ops.vectors.orphans()).count).toBe(0);
    await expect(env.t.ops.vectors.deleteOrphans({ confirm: false } as never)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('removal with its vectors deletes them first; search stops returning the repository', async () => {
    const { id, vectors } = await embedAndTrack();
    expect((await env.t.ops.vectors.search({ query: 'widget', limit: 5 })).hits.length).toBeGreaterThan(0);
    expect(await env.t.ops.repos.untrack({ id, deleteVectors: true })).toEqual({ ok: true, vectorsDeleted: vectors });
    expect((await env.t.ops.vectors.search({ query: 'widget', limit: 5 })).hits).toEqual([]);
    expect((await env.t.ops.vectors.orphans()).count).toBe(0);
    expect((await env.t.ops.repos.list()).map((r) => r.fullName)).not.toContain(REPO);
  });

  it('Milvus unreachable: the preview says so, and a removal with vectors removes nothing', async () => {
    const { id } = await embedAndTrack();
    await env.t.ops.secrets.set({ profileId: env.profileId, key: 'milvus_url', value: 'http://127.0.0.1:9' });
    try {
      const preview = await env.t.ops.repos.removalPreview({ id });
      expect(preview.vectors).toBeNull();
      expect(preview.vectorsError).toMatch(/127\.0\.0\.1:9/);
      await expect(env.t.ops.repos.untrack({ id, deleteVectors: true })).rejects.toThrow(/nothing was removed/);
      expect((await env.t.ops.repos.list()).map((r) => r.fullName)).toContain(REPO);
    } finally {
      await env.t.ops.secrets.set({ profileId: env.profileId, key: 'milvus_url', value: milvus.url });
    }
  });
});
