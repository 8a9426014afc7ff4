// REST representations shaped like GitHub's published OpenAPI schemas
// (simple-user, repository, pull-request(-simple), issue, reviews, comments,
// diff-entry). API URLs point at the emulator; html URLs at github.com.
import { createHash } from 'node:crypto';
import type { DatasetUser, IssueComment, Label, PullRequest, PullRequestFile, Review, ReviewComment } from '../dataset.ts';
import { GHOST_USER } from '../dataset.ts';
import { fakeSha } from '../ids.ts';
import type { Item, RepoEntry, Store } from '../store.ts';
import { commitCount, commitSha } from '../store.ts';

export const HTML = 'https://github.com';
type Json = Record<string, unknown>;

export interface RenderCtx {
  api: string; // e.g. http://127.0.0.1:1234
  store: Store;
}

const cache = new WeakMap<Store, Map<string, Map<unknown, Json>>>();

function memo<K>(ctx: RenderCtx, kind: string, key: K, make: () => Json): Json {
  let byStore = cache.get(ctx.store);
  if (!byStore) cache.set(ctx.store, (byStore = new Map()));
  const k = `${ctx.api}|${kind}`;
  let m = byStore.get(k);
  if (!m) byStore.set(k, (m = new Map()));
  let v = m.get(key);
  if (!v) m.set(key, (v = make()));
  return v;
}

// Users and repositories repeat in every list item (a pulls page embeds its
// repository twice per PR, ~1 MB per page). They are serialized once per store
// and spliced into the response text in place of a sentinel string.
const SENTINEL = `\u0000emu-raw-${Math.random().toString(36).slice(2)}:`;
const SENTINEL_IN_JSON = new RegExp(`"${JSON.stringify(SENTINEL).slice(1, -1).replace(/\\/g, '\\\\')}([^"\\\\]*)"`, 'g');
const raws = new WeakMap<Store, Map<string, { text: string; hash: string }>>();

function embed(ctx: RenderCtx, id: string, make: () => Json): unknown {
  let m = raws.get(ctx.store);
  if (!m) raws.set(ctx.store, (m = new Map()));
  if (!m.has(id)) {
    const text = JSON.stringify(make());
    m.set(id, { text, hash: createHash('sha1').update(text).digest('base64') });
  }
  return SENTINEL + id;
}

/** Response text plus a content fingerprint for the ETag (cheaper than hashing the text). */
export function toJson(ctx: RenderCtx, body: unknown): { text: string; fingerprint: string } {
  const skeleton = JSON.stringify(body);
  if (!skeleton.includes('emu-raw-')) return { text: skeleton, fingerprint: skeleton };
  const m = raws.get(ctx.store)!;
  const parts = skeleton.split(SENTINEL_IN_JSON); // [text, id, text, id, …, text]
  const hashes = parts.slice();
  for (let i = 1; i < parts.length; i += 2) {
    const raw = m.get(parts[i])!;
    parts[i] = raw.text;
    hashes[i] = raw.hash;
  }
  return { text: parts.join(''), fingerprint: hashes.join('') };
}

const userRef = (ctx: RenderCtx, login: string | null): unknown => {
  const u = (login !== null && ctx.store.user(login)) || GHOST_USER;
  return embed(ctx, `${ctx.api}|u:${u.login}`, () => userJsonOf(ctx, u));
};
const repoRef = (ctx: RenderCtx, e: RepoEntry): unknown => embed(ctx, `${ctx.api}|r:${e.repo.databaseId}`, () => repoJson(ctx, e));

const isPr = (ctx: RenderCtx, item: Item): item is PullRequest => ctx.store.meta.get(item)?.type === 'PullRequest';
const full = (e: RepoEntry): string => `${e.repo.owner}/${e.repo.name}`;
const lowerOrNull = (s: string | null): string | null => (s === null ? null : s.toLowerCase());
const nullIfEmpty = (s: string): string | null => (s === '' ? null : s);

export function userJson(ctx: RenderCtx, login: string | null): Json {
  return userJsonOf(ctx, (login !== null && ctx.store.user(login)) || GHOST_USER);
}

export function userJsonOf(ctx: RenderCtx, u: DatasetUser): Json {
  return memo(ctx, 'user', u, () => {
    const api = `${ctx.api}/users/${encodeURIComponent(u.login)}`;
    const html = u.type === 'Bot' ? `${HTML}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${HTML}/${u.login}`;
    return {
      login: u.login, id: u.databaseId, node_id: u.id, avatar_url: `https://avatars.githubusercontent.com/u/${u.databaseId}?v=4`,
      gravatar_id: '', url: api, html_url: html, followers_url: `${api}/followers`, following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`, starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`, repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`, type: u.type, user_view_type: 'public', site_admin: false,
    };
  });
}

function openIssues(e: RepoEntry): number {
  let n = 0;
  for (const it of e.items.values()) if (it.state === 'OPEN') n++;
  return n;
}

/** The `repository` schema (also embedded in pull requests' head/base). */
export function repoJson(ctx: RenderCtx, e: RepoEntry): Json {
  return memo(ctx, 'repo', e, () => {
    const r = e.repo;
    const api = `${ctx.api}/repos/${full(e)}`;
    const open = openIssues(e);
    return {
      id: r.databaseId, node_id: r.id, name: r.name, full_name: full(e), private: r.isPrivate, owner: userJson(ctx, r.owner),
      html_url: `${HTML}/${full(e)}`, description: r.description, fork: r.isFork, url: api,
      archive_url: `${api}/{archive_format}{/ref}`, assignees_url: `${api}/assignees{/user}`, blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`, collaborators_url: `${api}/collaborators{/collaborator}`, comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`, compare_url: `${api}/compare/{base}...{head}`, contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`, deployments_url: `${api}/deployments`, downloads_url: `${api}/downloads`, events_url: `${api}/events`,
      forks_url: `${api}/forks`, git_commits_url: `${api}/git/commits{/sha}`, git_refs_url: `${api}/git/refs{/sha}`, git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://github.com/${full(e)}.git`, issue_comment_url: `${api}/issues/comments{/number}`, issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`, keys_url: `${api}/keys{/key_id}`, labels_url: `${api}/labels{/name}`, languages_url: `${api}/languages`,
      merges_url: `${api}/merges`, milestones_url: `${api}/milestones{/number}`, notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`, releases_url: `${api}/releases{/id}`, ssh_url: `git@github.com:${full(e)}.git`,
      stargazers_url: `${api}/stargazers`, statuses_url: `${api}/statuses/{sha}`, subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`, tags_url: `${api}/tags`, teams_url: `${api}/teams`, trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${HTML}/${full(e)}.git`, mirror_url: null, hooks_url: `${api}/hooks`, svn_url: `${HTML}/${full(e)}`, homepage: null,
      language: r.primaryLanguage, forks_count: r.forkCount, stargazers_count: r.stargazerCount, watchers_count: r.stargazerCount,
      size: 1024 + e.items.size, default_branch: r.defaultBranch, open_issues_count: open, is_template: false, topics: [],
      has_issues: true, has_projects: true, has_wiki: false, has_pages: false, has_downloads: true, has_discussions: false,
      archived: r.isArchived, disabled: false, visibility: r.isPrivate ? 'private' : 'public', pushed_at: r.pushedAt,
      created_at: r.createdAt, updated_at: r.updatedAt, allow_forking: true, web_commit_signoff_required: false,
      license: null, forks: r.forkCount, open_issues: open, watchers: r.stargazerCount,
    };
  });
}

/** `full-repository` (GET /repos/{owner}/{repo}). */
export function fullRepoJson(ctx: RenderCtx, e: RepoEntry): Json {
  const owner = ctx.store.user(e.repo.owner);
  return {
    ...repoJson(ctx, e),
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
    temp_clone_token: null, subscribers_count: Math.floor(e.repo.stargazerCount / 10), network_count: e.repo.forkCount,
    ...(owner?.type === 'Organization' ? { organization: userJson(ctx, owner.login) } : {}),
  };
}

function labelJson(ctx: RenderCtx, e: RepoEntry, l: Label): Json {
  return memo(ctx, 'label', l, () => ({
    id: l.databaseId, node_id: l.id, url: `${ctx.api}/repos/${full(e)}/labels/${encodeURIComponent(l.name)}`, name: l.name,
    // pull-request-simple declares a non-null description
    description: l.description ?? '', color: l.color, default: l.isDefault,
  }));
}

function association(e: RepoEntry, login: string | null): string {
  if (login === null) return 'NONE';
  if (login.toLowerCase() === e.repo.owner.toLowerCase()) return 'OWNER';
  return login.endsWith('[bot]') ? 'CONTRIBUTOR' : 'MEMBER';
}

const reactions = (url: string): Json => ({
  url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0,
});

function ref(ctx: RenderCtx, e: RepoEntry, name: string, sha: string): Json {
  return { label: `${e.repo.owner}:${name}`, ref: name, sha, user: userRef(ctx, e.repo.owner), repo: repoRef(ctx, e) };
}

/** `pull-request-simple` (list) or, with `full`, `pull-request`. */
export function pullJson(ctx: RenderCtx, e: RepoEntry, pr: PullRequest, full_ = false): Json {
  const api = `${ctx.api}/repos/${full(e)}`;
  const self = `${api}/pulls/${pr.number}`;
  const html = `${HTML}/${full(e)}/pull/${pr.number}`;
  const head = fakeSha(`head:${pr.databaseId}`);
  const out: Json = {
    url: self, id: pr.databaseId, node_id: pr.id, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`, commits_url: `${self}/commits`, review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`, comments_url: `${api}/issues/${pr.number}/comments`, statuses_url: `${api}/statuses/${head}`,
    number: pr.number, state: pr.state === 'OPEN' ? 'open' : 'closed', locked: pr.locked, title: pr.title, user: userRef(ctx, pr.author),
    body: nullIfEmpty(pr.body), labels: ctx.store.labelsOf(e, pr).map((l) => labelJson(ctx, e, l)), milestone: null, active_lock_reason: null,
    created_at: pr.createdAt, updated_at: pr.updatedAt, closed_at: pr.closedAt, merged_at: pr.mergedAt,
    merge_commit_sha: pr.state === 'MERGED' ? fakeSha(`merge:${pr.databaseId}`) : null, assignee: null, assignees: [],
    requested_reviewers: [], requested_teams: [], head: ref(ctx, e, pr.headRefName, head), base: ref(ctx, e, pr.baseRefName, fakeSha(`base:${pr.databaseId}`)),
    _links: {
      self: { href: self }, html: { href: html }, issue: { href: `${api}/issues/${pr.number}` }, comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${self}/comments` }, review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` }, statuses: { href: `${api}/statuses/${head}` },
    },
    author_association: association(e, pr.author), auto_merge: null, draft: pr.isDraft,
  };
  if (!full_) return out;
  const extra = ctx.store.extra(pr);
  return {
    ...out, merged: pr.state === 'MERGED', mergeable: pr.state === 'OPEN' ? true : null, rebaseable: pr.state === 'OPEN' ? true : null,
    mergeable_state: pr.state === 'OPEN' ? 'clean' : 'unknown', merged_by: pr.state === 'MERGED' ? userRef(ctx, e.repo.owner) : null,
    comments: pr.comments.length, review_comments: extra.reviewComments.length, maintainer_can_modify: false,
    commits: commitCount(pr), additions: extra.additions, deletions: extra.deletions, changed_files: pr.files.length,
  };
}

/** `commit` (GET /pulls/{n}/commits): synthetic commit `index` of the PR, the last one at its head SHA. */
export function commitJson(ctx: RenderCtx, e: RepoEntry, pr: PullRequest, index: number): Json {
  const count = commitCount(pr);
  const shaAt = (i: number): string => commitSha(pr, i);
  const sha = shaAt(index);
  const api = `${ctx.api}/repos/${full(e)}`;
  const u = (pr.author !== null && ctx.store.user(pr.author)) || null;
  const date = new Date(Date.parse(pr.createdAt) - (count - 1 - index) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const git = { name: u?.name ?? u?.login ?? 'Ghost', email: `${u?.databaseId ?? 10137}+${u?.login ?? 'ghost'}@users.noreply.github.com`, date };
  const parent = shaAt(index - 1);
  return {
    sha, node_id: `C_${Buffer.from(`${e.repo.databaseId}:${sha}`).toString('base64url')}`,
    commit: {
      author: git, committer: git, message: index === count - 1 ? pr.title : `Work on #${pr.number} (${index + 1}/${count})`,
      tree: { sha: fakeSha(`tree:${sha}`), url: `${api}/git/trees/${fakeSha(`tree:${sha}`)}` }, url: `${api}/git/commits/${sha}`,
      comment_count: 0, verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${sha}`, html_url: `${HTML}/${full(e)}/commit/${sha}`, comments_url: `${api}/commits/${sha}/comments`,
    author: u ? userRef(ctx, u.login) : null, committer: u ? userRef(ctx, u.login) : null,
    parents: [{ sha: parent, url: `${api}/commits/${parent}`, html_url: `${HTML}/${full(e)}/commit/${parent}` }],
  };
}

/** `issue` (issues list also returns pull requests, with a `pull_request` key). */
export function issueJson(ctx: RenderCtx, e: RepoEntry, item: Item): Json {
  const api = `${ctx.api}/repos/${full(e)}`;
  const self = `${api}/issues/${item.number}`;
  const pr = isPr(ctx, item);
  const html = `${HTML}/${full(e)}/${pr ? 'pull' : 'issues'}/${item.number}`;
  return {
    url: self, repository_url: api, labels_url: `${self}/labels{/name}`, comments_url: `${self}/comments`, events_url: `${self}/events`,
    html_url: html, id: item.databaseId, node_id: item.id, number: item.number, title: item.title, user: userRef(ctx, item.author),
    labels: ctx.store.labelsOf(e, item).map((l) => labelJson(ctx, e, l)), state: item.state === 'OPEN' ? 'open' : 'closed',
    locked: item.locked, assignee: null, assignees: [], milestone: null, comments: item.comments.length,
    created_at: item.createdAt, updated_at: item.updatedAt, closed_at: item.closedAt, author_association: association(e, item.author),
    active_lock_reason: null, body: nullIfEmpty(item.body), reactions: reactions(self), timeline_url: `${self}/timeline`,
    performed_via_github_app: null, state_reason: pr ? null : lowerOrNull(item.stateReason ?? null),
    // GitHub's responses carry `type` (the issue type) as null when none is set, in every repository;
    // the OpenAPI description leaves it optional, clients (tap-github) read it unconditionally.
    type: null,
    ...(pr ? {
      draft: item.isDraft,
      pull_request: { url: `${api}/pulls/${item.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: item.mergedAt },
    } : {}),
  };
}

export function reviewJson(ctx: RenderCtx, e: RepoEntry, pr: PullRequest, r: Review): Json {
  const html = `${HTML}/${full(e)}/pull/${pr.number}#pullrequestreview-${r.databaseId}`;
  const prUrl = `${ctx.api}/repos/${full(e)}/pulls/${pr.number}`;
  return {
    id: r.databaseId, node_id: r.id, user: userRef(ctx, r.author), body: r.body, state: r.state, html_url: html, pull_request_url: prUrl,
    author_association: association(e, r.author), _links: { html: { href: html }, pull_request: { href: prUrl } },
    submitted_at: r.submittedAt, commit_id: fakeSha(`head:${pr.databaseId}`),
  };
}

export function reviewCommentJson(ctx: RenderCtx, e: RepoEntry, pr: PullRequest, c: ReviewComment): Json {
  const api = `${ctx.api}/repos/${full(e)}`;
  const self = `${api}/pulls/comments/${c.databaseId}`;
  const html = `${HTML}/${full(e)}/pull/${pr.number}#discussion_r${c.databaseId}`;
  const prUrl = `${api}/pulls/${pr.number}`;
  const review = ctx.store.meta.get(c)?.review;
  const sha = fakeSha(`head:${pr.databaseId}`);
  return {
    url: self, pull_request_review_id: review ? review.databaseId : null, id: c.databaseId, node_id: c.id, diff_hunk: c.diffHunk, path: c.path,
    commit_id: sha, original_commit_id: sha, ...(c.inReplyTo !== null ? { in_reply_to_id: c.inReplyTo } : {}),
    user: userRef(ctx, c.author), body: c.body, created_at: c.createdAt, updated_at: c.updatedAt, html_url: html, pull_request_url: prUrl,
    author_association: association(e, c.author), _links: { self: { href: self }, html: { href: html }, pull_request: { href: prUrl } },
    start_line: null, original_start_line: null, start_side: null, ...(c.line !== null ? { line: c.line, original_line: c.line, side: 'RIGHT' } : {}),
    subject_type: c.line === null ? 'file' : 'line', reactions: reactions(self),
  };
}

export function issueCommentJson(ctx: RenderCtx, e: RepoEntry, item: Item, c: IssueComment): Json {
  const api = `${ctx.api}/repos/${full(e)}`;
  const self = `${api}/issues/comments/${c.databaseId}`;
  return {
    url: self, html_url: `${HTML}/${full(e)}/${isPr(ctx, item) ? 'pull' : 'issues'}/${item.number}#issuecomment-${c.databaseId}`,
    issue_url: `${api}/issues/${item.number}`, id: c.databaseId, node_id: c.id, user: userRef(ctx, c.author), created_at: c.createdAt,
    updated_at: c.updatedAt, author_association: association(e, c.author), body: c.body, reactions: reactions(self), performed_via_github_app: null,
  };
}

const STATUS: Record<PullRequestFile['changeType'], string> = {
  ADDED: 'added', MODIFIED: 'modified', DELETED: 'removed', RENAMED: 'renamed', COPIED: 'copied', CHANGED: 'changed',
};

export function fileJson(ctx: RenderCtx, e: RepoEntry, pr: PullRequest, f: PullRequestFile): Json {
  const sha = fakeSha(`head:${pr.databaseId}`);
  const path = f.path.split('/').map(encodeURIComponent).join('/');
  return {
    sha: fakeSha(`blob:${pr.databaseId}:${f.path}`), filename: f.path, status: STATUS[f.changeType], additions: f.additions, deletions: f.deletions,
    changes: f.additions + f.deletions, blob_url: `${HTML}/${full(e)}/blob/${sha}/${path}`, raw_url: `${HTML}/${full(e)}/raw/${sha}/${path}`,
    contents_url: `${ctx.api}/repos/${full(e)}/contents/${path}?ref=${sha}`,
    ...(f.patch !== null ? { patch: f.patch } : {}), ...(f.previousPath !== null ? { previous_filename: f.previousPath } : {}),
  };
}

/** `private-user` (GET /user). */
export function privateUserJson(ctx: RenderCtx, u: DatasetUser, publicRepos: number): Json {
  return {
    ...userJsonOf(ctx, u), user_view_type: 'private', name: u.name, company: null, blog: '', location: null, email: null,
    hireable: null, bio: null, twitter_username: null, notification_email: null, public_repos: publicRepos, public_gists: 0,
    followers: 0, following: 0, created_at: u.createdAt, updated_at: u.createdAt, private_gists: 0, total_private_repos: 0,
    owned_private_repos: 0, disk_usage: 0, collaborators: 0, two_factor_authentication: true,
    plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}
