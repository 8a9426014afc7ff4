// The reference model (leaderboard-data.ts) read straight from the GitHub emulator's dataset: what
// GitHub holds, mapped by GitHub's own rules — independent of the sync that copies it to the warehouse.
import type { Dataset } from '../emulators/github/dataset.ts';
import type { Model, User } from './leaderboard-data.ts';
import { rng } from './random.ts';

const GHOST_ID = 10137;

export function modelFromDataset(ds: Dataset): Model {
  const users: User[] = ds.users.map((u) => ({ githubId: u.databaseId, username: u.login, isBot: u.type === 'Bot', isGhost: false }));
  users.push({ githubId: GHOST_ID, username: 'ghost', isBot: false, isGhost: true });
  const byLogin = new Map(ds.users.map((u) => [u.login, u]));
  // GraphQL shows a deleted account as null: the sync files it under the ghost.
  const actor = (login: string | null) => (login === null ? GHOST_ID : byLogin.get(login)!.databaseId);
  // GitActor.user and Release.author are Users: bots and unknown emails are nobody.
  const userOnly = (login: string | null) => (login !== null && byLogin.get(login)?.type === 'User' ? byLogin.get(login)!.databaseId : null);
  const at = (iso: string) => Date.parse(iso);
  const m: Model = { users, repos: [], commits: [], prs: [], reviews: [], issues: [], comments: [], releases: [], nextId: 0, rand: rng(1) };
  ds.repositories.forEach((r, repo) => {
    m.repos.push({ githubId: r.databaseId, fullName: `${r.owner}/${r.name}` });
    for (const c of r.commits) m.commits.push({ repo, sha: c.oid, author: userOnly(c.author.login), at: at(c.committedDate), additions: c.additions, deletions: c.deletions });
    for (const p of r.pullRequests) {
      m.prs.push({ repo, githubId: p.databaseId, number: p.number, author: actor(p.author), createdAt: at(p.createdAt), mergedAt: p.mergedAt ? at(p.mergedAt) : null });
      for (const v of p.reviews) {
        m.reviews.push({ repo, githubId: v.databaseId, pr: p.databaseId, reviewer: actor(v.author), state: v.state, at: at(v.submittedAt) });
        for (const c of v.comments) m.comments.push({ repo, githubId: c.databaseId, type: 'review_comment', pr: p.databaseId, issue: null, author: actor(c.author), at: at(c.createdAt) });
      }
      for (const c of p.comments) m.comments.push({ repo, githubId: c.databaseId, type: 'issue_comment', pr: p.databaseId, issue: null, author: actor(c.author), at: at(c.createdAt) });
    }
    for (const i of r.issues) {
      const closed = i.state === 'CLOSED' && i.closedAt !== null;
      m.issues.push({
        repo, githubId: i.databaseId, number: i.number, author: actor(i.author), createdAt: at(i.createdAt),
        closedAt: closed ? at(i.closedAt!) : null, closedBy: closed && i.closedBy !== undefined ? actor(i.closedBy) : null,
      });
      for (const c of i.comments) m.comments.push({ repo, githubId: c.databaseId, type: 'issue_comment', pr: null, issue: i.databaseId, author: actor(c.author), at: at(c.createdAt) });
    }
    for (const x of r.releases) {
      m.releases.push({ repo, githubId: x.databaseId, tag: x.tagName, author: x.author === null ? GHOST_ID : userOnly(x.author), draft: x.isDraft, publishedAt: x.publishedAt ? at(x.publishedAt) : null });
    }
  });
  return m;
}
