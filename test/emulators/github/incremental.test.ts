// Dataset mutations are visible to a running emulator, the way an incremental
// sync would see them: bumped updatedAt, new items, renamed repository.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addIssueComment, addPullRequest, editItem, renameRepository } from './dataset.ts';
import type { Dataset } from './dataset.ts';
import { gql, rest, smallDataset } from './fixtures.ts';
import { startGitHubEmulator } from './server.ts';
import type { GitHubEmulator } from './server.ts';

let ds: Dataset;
let emu: GitHubEmulator;
beforeAll(async () => {
  ds = smallDataset(7);
  emu = await startGitHubEmulator({ dataset: ds });
});
afterAll(() => emu.close());

type Recent = { repository: { nameWithOwner: string; pullRequests: { nodes: Array<{ number: number; title: string; updatedAt: string }> } } };
const RECENT = `query($name: String!) { repository(owner: "acme", name: $name) { nameWithOwner
  pullRequests(first: 10, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { number title updatedAt } } } }`;

it('sees edits, additions and renames after the watermark', async () => {
  const before = await gql<Recent>(emu, RECENT, { name: 'widgets' });
  const watermark = before.body.data!.repository.pullRequests.nodes[0].updatedAt;
  const edited = ds.repositories[0].pullRequests[5];
  const commented = ds.repositories[0].pullRequests[9];
  editItem(ds, 'acme/widgets', edited.number, { title: 'Edited title' });
  const added = addPullRequest(ds, 'acme/widgets', { title: 'Brand new' });
  addIssueComment(ds, 'acme/widgets', commented.number, 'late comment', 'dev-1');
  renameRepository(ds, 'acme/widgets', 'gizmos');

  const after = await gql<Recent>(emu, RECENT, { name: 'widgets' }); // old name still resolves
  const r = after.body.data!.repository;
  expect(r.nameWithOwner).toBe('acme/gizmos');
  const changed = r.pullRequests.nodes.filter((n) => n.updatedAt > watermark);
  expect(changed.map((n) => n.number).sort((a, b) => a - b)).toEqual([edited.number, commented.number, added.number].sort((a, b) => a - b));
  expect(changed.find((n) => n.number === edited.number)?.title).toBe('Edited title');

  const search = await gql<{ search: { issueCount: number } }>(emu, `query($q: String!) { search(query: $q, type: ISSUE, first: 1) { issueCount } }`, { q: `repo:acme/gizmos is:pr updated:>${watermark}` });
  expect(search.body.data!.search.issueCount).toBe(3);
  const items = await rest(emu, `/repos/acme/gizmos/issues?state=all&since=${watermark}`);
  const all = [...ds.repositories[0].pullRequests, ...ds.repositories[0].issues];
  expect((items.body as unknown[]).length).toBe(all.filter((i) => i.updatedAt >= watermark).length); // since is inclusive
  const moved = await fetch(`${emu.url}/repos/acme/widgets`, { headers: { authorization: `token ${emu.token}` }, redirect: 'manual' });
  expect(moved.status).toBe(301);
});
