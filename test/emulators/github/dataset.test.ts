import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addCommit, addIssueComment, addPullRequest, addRelease, datasetRevision, editItem, findItem, generateDataset, loadDatasetFile, parseDataset,
  renameRepository, saveDatasetFile, serializeDataset,
} from './dataset.ts';
import { DatasetError } from './dataset-file.ts';
import { smallDataset } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'gh-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateDataset', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = serializeDataset(smallDataset(1));
    expect(serializeDataset(smallDataset(1))).toBe(a);
    expect(serializeDataset(smallDataset(2))).not.toBe(a);
  });

  it('honours the repo spec, including heavy pull requests', () => {
    const ds = smallDataset();
    const repo = ds.repositories[0];
    expect(repo.pullRequests).toHaveLength(130);
    expect(repo.issues).toHaveLength(70);
    const numbers = [...repo.pullRequests, ...repo.issues].map((i) => i.number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1)); // one shared sequence
    const heavy = repo.pullRequests.filter((p) => p.reviews.length > 100);
    expect(heavy).toHaveLength(2);
    for (const p of heavy) {
      expect(p.comments.length).toBeGreaterThan(100);
      expect(p.files.length).toBeGreaterThan(100);
      expect(p.reviews.some((r) => r.comments.length > 100)).toBe(true);
    }
    expect(repo.previousNames).toEqual(['acme/gadgets']);
  });

  it('includes bots, deleted users, unicode and huge bodies', () => {
    const ds = generateDataset({ seed: 3, hugeBodyEvery: 50, repos: [{ owner: 'o', name: 'r', pullRequests: 300, issues: 100 }] });
    const items = [...ds.repositories[0].pullRequests, ...ds.repositories[0].issues];
    expect(ds.users.find((u) => u.login === 'dependabot[bot]')).toMatchObject({ type: 'Bot', databaseId: 49699333 });
    expect(items.some((i) => i.author === 'dependabot[bot]')).toBe(true);
    expect(items.some((i) => i.author === null)).toBe(true);
    expect(items.some((i) => /\P{ASCII}/u.test(i.title))).toBe(true);
    expect(items.filter((i) => Buffer.byteLength(i.body) >= 60 * 1024).length).toBeGreaterThanOrEqual(8);
    expect(ds.repositories[0].pullRequests[0].id).toMatch(/^PR_kwDO/);
    expect(items.every((i) => i.updatedAt >= i.createdAt)).toBe(true);
  });

  it('heavy-tailed mode: log-normal bodies up to hundreds of KB, 1–2 % of PRs with > 100 files, reviews or comments, many bots', () => {
    const ds = generateDataset({ seed: 5, shape: 'heavy-tailed', hugeBodyEvery: 0, repos: [{ owner: 'o', name: 'r', pullRequests: 3000, issues: 1000, avgFiles: 12, avgReviews: 3, avgIssueComments: 5 }] });
    const { pullRequests: prs, issues } = ds.repositories[0];
    const heavy = prs.filter((p) => p.files.length > 100 || p.reviews.length > 100 || p.comments.length > 100 || p.reviews.some((r) => r.comments.length > 100));
    expect(heavy.length / prs.length).toBeGreaterThan(0.01);
    expect(heavy.length / prs.length).toBeLessThan(0.025);
    // Each kind of heavy item occurs, scattered over the history (not evenly spaced).
    expect(heavy.some((p) => p.files.length > 100) && heavy.some((p) => p.reviews.length > 100) && heavy.some((p) => p.comments.length > 100)).toBe(true);
    const bots = new Set(prs.map((p) => p.author).filter((a) => a?.endsWith('[bot]')));
    expect(bots.size).toBeGreaterThanOrEqual(10);
    expect(prs.filter((p) => p.author?.endsWith('[bot]')).length / prs.length).toBeGreaterThan(0.2);
    expect(ds.users.filter((u) => u.type === 'Bot').every((u) => u.login.endsWith('[bot]'))).toBe(true);
    // Body sizes: a median of a few hundred bytes, a tail of hundreds of KB.
    const sizes = [...prs, ...issues].map((i) => Buffer.byteLength(i.body)).sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1]!;
    expect(median).toBeGreaterThan(100);
    expect(median).toBeLessThan(2000);
    expect(sizes.at(-1)!).toBeGreaterThan(100_000);
    expect(sizes.filter((b) => b > 20 * median).length / sizes.length).toBeGreaterThan(0.005);
  });

  it('has a default branch, releases and issue closers, with bots and deleted users among them', () => {
    const ds = smallDataset();
    const repo = ds.repositories[0];
    const merged = repo.pullRequests.filter((p) => p.state === 'MERGED');
    // One squash commit per merged PR, by its author and with its lines, plus direct pushes (PRs / 10).
    expect(repo.commits).toHaveLength(merged.length + 13);
    const squash = repo.commits.find((c) => c.messageHeadline.endsWith(`(#${merged[0].number})`))!;
    expect(squash).toMatchObject({ committedDate: merged[0].mergedAt, additions: merged[0].files.reduce((s, f) => s + f.additions, 0), author: { login: merged[0].author } });
    expect(repo.commits.map((c) => c.committedDate)).toEqual(repo.commits.map((c) => c.committedDate).sort());
    expect(new Set(repo.commits.map((c) => c.oid)).size).toBe(repo.commits.length);
    expect(repo.commits.some((c) => c.author.login === null)).toBe(true);
    expect(repo.commits.some((c) => c.author.login?.endsWith('[bot]'))).toBe(true);
    expect(repo.releases).toHaveLength(5);
    expect(repo.releases.filter((r) => r.isDraft && r.publishedAt === null)).toHaveLength(1);
    expect(repo.releases.some((r) => r.author === null)).toBe(true);
    const closed = repo.issues.filter((i) => i.state === 'CLOSED');
    expect(closed.every((i) => i.closedBy !== undefined)).toBe(true);
    expect(repo.issues.filter((i) => i.state === 'OPEN').every((i) => i.closedBy === undefined)).toBe(true);
    expect(closed.some((i) => i.closedBy === null)).toBe(true);
    expect(closed.some((i) => i.closedBy?.endsWith('[bot]'))).toBe(true);
    expect(closed.some((i) => i.closedBy !== i.author && i.closedBy?.startsWith('dev-'))).toBe(true);
    // A second stream of randomness: the PRs and issues are what they were before commits existed.
    expect(repo.pullRequests[0].title).toBe(generateDataset({ seed: 42, users: 40, ghostShare: 0.05, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 130, issues: 70, avgReviews: 2, avgReviewComments: 3, avgIssueComments: 3, avgFiles: 4, heavyPullRequests: 2, releases: 0, directCommits: 0 }] }).repositories[0].pullRequests[0].title);
  });

  it('generates the benchmark-sized dataset quickly', () => {
    const t = performance.now();
    const ds = generateDataset({ seed: 9, repos: [{ owner: 'b', name: 'big', pullRequests: 5000, issues: 2000, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: 5 }] });
    const ms = performance.now() - t;
    expect(ds.repositories[0].pullRequests).toHaveLength(5000);
    expect(ms).toBeLessThan(4000); // target < 2 s; doubled for loaded CI machines
  });
});

describe('dataset files', () => {
  it('round-trips through JSON unchanged', () => {
    const ds = smallDataset();
    const file = join(dir, 'ds.json');
    saveDatasetFile(file, ds);
    expect(loadDatasetFile(file)).toEqual(ds);
  });

  it('fills in ids, users and labels for a hand-written file', () => {
    const ds = parseDataset({
      version: 1,
      repositories: [{
        owner: 'me', name: 'tiny',
        pullRequests: [{
          number: 2, title: 'Hi', author: 'alice', state: 'MERGED', createdAt: '2024-01-01T00:00:00+02:00', updatedAt: '2024-01-02T00:00:00Z', labels: ['bug'],
          reviews: [{ author: 'bob', state: 'APPROVED', submittedAt: '2024-01-01T12:00:00Z', comments: [{ path: 'a.ts', body: 'nit', databaseId: 7 }, { path: 'a.ts', body: 're', inReplyTo: 7 }] }],
          files: [{ path: 'a.ts', additions: 1, deletions: 0 }],
        }],
        issues: [{ number: 1, title: 'Bug', author: null, state: 'OPEN', createdAt: '2023-12-31T00:00:00Z' }],
      }],
    });
    const repo = ds.repositories[0];
    const pr = repo.pullRequests[0];
    expect(pr.createdAt).toBe('2023-12-31T22:00:00Z');
    expect(pr.mergedAt).toBe('2024-01-02T00:00:00Z');
    expect(pr.id).toMatch(/^PR_/);
    expect(pr.reviews[0].comments[1]).toMatchObject({ inReplyTo: 7, author: 'bob' });
    expect(ds.users.map((u) => [u.login, u.type])).toEqual([['me', 'Organization'], ['alice', 'User'], ['bob', 'User']]);
    expect(repo.labels.map((l) => l.name)).toEqual(['bug']);
    expect(repo.issues[0].author).toBeNull();
  });

  it('reports bad files with zod paths', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({
      version: 1,
      repositories: [{ owner: 'me', name: 'x', pullRequests: [{ number: 1, title: 5, author: 'a', state: 'OPEN', createdAt: '2024-01-01T00:00:00Z' }], issues: [{ number: 1, title: 't', author: 'a', state: 'OPEN', createdAt: 'yesterday' }] }],
    }));
    let error: unknown;
    try {
      loadDatasetFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatasetError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(/expected string, received number[\s\S]*repositories\[0\]\.pullRequests\[0\]\.title/);
    expect(message).toMatch(/repositories\[0\]\.issues\[0\]\.createdAt/);
  });

  it('reads commits, releases and closers from a file and rejects inconsistent ones', () => {
    const ds = parseDataset({
      version: 1,
      repositories: [{
        owner: 'me', name: 'x',
        issues: [{ number: 1, title: 't', author: 'ann', state: 'CLOSED', closedAt: '2024-01-02T00:00:00Z', createdAt: '2024-01-01T00:00:00Z', closedBy: 'stale[bot]' }],
        commits: [
          { oid: 'b'.repeat(40), committedDate: '2024-01-03T00:00:00Z', additions: 2, author: { name: 'Ann', login: 'ann' } },
          { oid: 'a'.repeat(40), committedDate: '2024-01-01T00:00:00.500Z', author: { name: 'CI', email: 'ci@x.invalid' } },
        ],
        releases: [{ tagName: 'v1', author: null, createdAt: '2024-01-04T00:00:00Z' }, { tagName: 'v2', author: 'ann', isDraft: true, createdAt: '2024-01-05T00:00:00Z' }],
      }],
    });
    const repo = ds.repositories[0];
    expect(repo.commits.map((c) => c.oid)).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
    expect(repo.commits[0]).toMatchObject({ committedDate: '2024-01-01T00:00:00Z', authoredDate: '2024-01-01T00:00:00Z', additions: 0, author: { login: null } });
    expect(repo.releases.map((r) => [r.tagName, r.publishedAt, r.databaseId > 0])).toEqual([['v1', '2024-01-04T00:00:00Z', true], ['v2', null, true]]);
    expect(repo.issues[0].closedBy).toBe('stale[bot]');
    expect(ds.users.find((u) => u.login === 'stale[bot]')?.type).toBe('Bot');
    expect(() => parseDataset({
      version: 1,
      repositories: [{
        owner: 'me', name: 'x',
        issues: [{ number: 1, title: 't', author: null, state: 'OPEN', createdAt: '2024-01-01T00:00:00Z', closedBy: 'ann' }],
        commits: [{ oid: 'c'.repeat(40), committedDate: '2024-01-01T00:00:00Z', author: { name: 'a' } }, { oid: 'c'.repeat(40), committedDate: '2024-01-02T00:00:00Z', author: { name: 'a' } }],
        releases: [{ tagName: 'v1', author: null, createdAt: '2024-01-04T00:00:00Z', isDraft: true, publishedAt: '2024-01-04T00:00:00Z' }],
      }],
    })).toThrow(/closedBy is set but the issue is open[\s\S]*appears twice[\s\S]*draft release has no publishedAt/);
    expect(() => parseDataset({ version: 1, repositories: [{ owner: 'me', name: 'x', commits: [{ oid: 'HEAD', committedDate: '2024-01-01T00:00:00Z', author: { name: 'a' } }] }] })).toThrow(/40-hex commit SHA/);
  });

  it('rejects duplicate numbers and dangling replies', () => {
    expect(() => parseDataset({
      version: 1,
      repositories: [{
        owner: 'me', name: 'x',
        pullRequests: [{ number: 1, title: 't', author: null, state: 'OPEN', createdAt: '2024-01-01T00:00:00Z', reviews: [{ author: null, state: 'COMMENTED', submittedAt: '2024-01-01T00:00:00Z', comments: [{ path: 'p', inReplyTo: 99 }] }] }],
        issues: [{ number: 1, title: 't', author: null, state: 'OPEN', createdAt: '2024-01-01T00:00:00Z' }],
      }],
    })).toThrow(/number 1 is used twice[\s\S]*inReplyTo 99/);
  });
});

describe('mutations', () => {
  it('edits, adds and renames with bumped timestamps and revision', () => {
    const ds = smallDataset();
    const rev = datasetRevision(ds);
    const latest = ds.repositories[0].pullRequests.map((p) => p.updatedAt).concat(ds.repositories[0].issues.map((i) => i.updatedAt)).sort().at(-1)!;
    const edited = editItem(ds, 'acme/widgets', 3, { title: 'Renamed ✨' });
    expect(edited.title).toBe('Renamed ✨');
    expect(edited.updatedAt > latest).toBe(true);
    const added = addPullRequest(ds, 'acme/widgets', { title: 'New' });
    expect(added.number).toBe(201);
    expect(added.updatedAt > edited.updatedAt).toBe(true);
    const comment = addIssueComment(ds, 'acme/widgets', 201, 'hello', 'dev-1');
    expect(findItem(ds, 'acme/widgets', 201)?.item.updatedAt).toBe(comment.createdAt);
    const repo = renameRepository(ds, 'acme/widgets', 'gizmos');
    expect(repo.previousNames).toEqual(['acme/gadgets', 'acme/widgets']);
    expect(datasetRevision(ds)).toBe(rev + 4);
    const open = ds.repositories[0].issues.find((i) => i.state === 'OPEN')!;
    expect(editItem(ds, 'acme/gizmos', open.number, { state: 'CLOSED', closedBy: 'dependabot[bot]' })).toMatchObject({ closedBy: 'dependabot[bot]' });
    expect('closedBy' in editItem(ds, 'acme/gizmos', open.number, { state: 'OPEN' })).toBe(false);
    const pushed = addCommit(ds, 'acme/gizmos', { additions: 5, author: { login: 'dev-1' } });
    expect(ds.repositories[0].commits.at(-1)).toBe(pushed);
    expect(addRelease(ds, 'acme/gizmos', { tagName: 'v9' }).publishedAt).not.toBeNull();
  });
});
