// REST routes: repository, pulls (+ reviews, review comments, files), issues
// (+ comments) and /user. Renamed repositories answer 301 to /repositories/{id}.
import type { DatasetUser, IssueComment, PullRequest, ReviewComment } from '../dataset.ts';
import { encodeCursor, decodeCursor, isoSeconds } from '../ids.ts';
import type { Item, RepoEntry, SortField } from '../store.ts';
import { commitCount, sortKey } from '../store.ts';
import type { RenderCtx } from './render.ts';
import {
  commitJson, fileJson, fullRepoJson, issueCommentJson, issueJson, privateUserJson, pullJson, reviewCommentJson, reviewJson,
} from './render.ts';

export interface RestEnv {
  render: RenderCtx;
  viewer: DatasetUser;
  scopes: string[];
  canSeePrivate: boolean;
  omitted: (e: RepoEntry) => ReadonlySet<number> | undefined;
}

export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RestRoute {
  key: string; // e.g. 'GET /repos/{owner}/{repo}/pulls'
  run: (env: RestEnv) => RestResult;
}

type Q = URLSearchParams;
type RepoHandler = (env: RestEnv, e: RepoEntry, n: number, q: Q, self: string) => RestResult;

export const DOCS = 'https://docs.github.com/rest';

export function notFound(): RestResult {
  return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
}

function paged<T>(env: RestEnv, list: readonly T[], q: Q, self: string, render: (t: T) => unknown, max = Infinity): RestResult {
  const per = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '', 10) || 30));
  const page = Math.max(1, Number.parseInt(q.get('page') ?? '', 10) || 1);
  const total = Math.min(list.length, max);
  const last = Math.max(1, Math.ceil(total / per));
  const start = (page - 1) * per;
  const body = list.slice(start, Math.min(start + per, total)).map(render);
  const link = (p: number): string => {
    const params = new URLSearchParams(q);
    params.set('page', String(p));
    return `<${env.render.api}${self}?${params}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return { status: 200, body, headers: rels.length ? { link: rels.join(', ') } : {} };
}

/** GitHub refuses page-number pagination this deep into a cursor-paginated list. */
export const MAX_PAGE_OFFSET = 10_000;

function validationFailed(message: string): RestResult {
  return { status: 422, body: { message, documentation_url: DOCS, status: '422' } };
}

/**
 * Cursor pagination as GitHub serves the repository issues list: `Link` carries
 * `after=`/`before=` cursors (no `last`/`first`); `page=N` still works for shallow pages.
 */
function cursorPaged(env: RestEnv, list: readonly Item[], key: (i: Item) => number, q: Q, self: string, render: (i: Item) => unknown): RestResult {
  const per = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '', 10) || 30));
  const after = q.get('after');
  const before = q.get('before');
  const pos = (cursor: string): number | undefined => {
    const k = decodeCursor(cursor);
    if (!k) return undefined;
    const i = list.findIndex((x) => key(x) === k[0] && x.databaseId === k[1]);
    return i < 0 ? undefined : i;
  };
  let start: number;
  let end: number;
  if (after || before) {
    const at = pos((after ?? before)!);
    if (at === undefined) return validationFailed(`\`${after ?? before}\` does not appear to be a valid cursor.`);
    start = after ? at + 1 : Math.max(0, at - per);
    end = after ? Math.min(list.length, start + per) : at;
  } else {
    const page = Math.max(1, Number.parseInt(q.get('page') ?? '', 10) || 1);
    start = (page - 1) * per;
    if (start >= MAX_PAGE_OFFSET) {
      return validationFailed('Pagination with the page parameter is not supported for large datasets, please use cursor based pagination (after/before)');
    }
    end = Math.min(list.length, start + per);
  }
  const rows = list.slice(start, end);
  const link = (rel: string, param: 'after' | 'before', item: Item): string => {
    const params = new URLSearchParams(q);
    params.delete('page');
    params.delete('after');
    params.delete('before');
    params.set(param, encodeCursor(key(item), item.databaseId));
    return `<${env.render.api}${self}?${params}>; rel="${rel}"`;
  };
  const rels: string[] = [];
  if (rows.length && end < list.length) rels.push(link('next', 'after', rows[rows.length - 1]));
  if (rows.length && start > 0) rels.push(link('prev', 'before', rows[0]));
  return { status: 200, body: rows.map(render), headers: rels.length ? { link: rels.join(', ') } : {} };
}

/** `sort` (created|updated) and `direction` (ignored without sort, default desc) of comment lists; default: ascending by id. */
function sortComments<T extends IssueComment | ReviewComment>(list: T[], q: Q): T[] {
  const sort = q.get('sort');
  if (sort !== 'created' && sort !== 'updated') return list;
  const f = sort === 'updated' ? 'updatedAt' : 'createdAt';
  const sorted = list.slice().sort((a, b) => (a[f] < b[f] ? -1 : a[f] > b[f] ? 1 : a.databaseId - b.databaseId));
  return q.get('direction') === 'asc' ? sorted : sorted.reverse();
}

function pr(e: RepoEntry, n: number, env: RestEnv): PullRequest | undefined {
  const it = e.items.get(n);
  return it && env.render.store.meta.get(it)?.type === 'PullRequest' ? (it as PullRequest) : undefined;
}

/** `since` normalized to the dataset's timestamp format (invalid → ignored, i.e. ''). */
function sinceOf(q: Q): string {
  const t = Date.parse(q.get('since') ?? '');
  return Number.isNaN(t) ? '' : isoSeconds(t);
}

function itemList(env: RestEnv, e: RepoEntry, q: Q, self: string, kind: 'pr' | 'all'): RestResult {
  const state = q.get('state') ?? 'open';
  const states = state === 'all' ? null : state === 'closed' ? ['CLOSED', 'MERGED'] : ['OPEN'];
  const sort = q.get('sort') ?? 'created';
  const field: SortField = sort === 'updated' ? 'UPDATED_AT' : sort === 'comments' || sort === 'popularity' ? 'COMMENTS' : 'CREATED_AT';
  let list: Item[] = env.render.store.view(e, kind, field, states);
  const since = kind === 'all' ? sinceOf(q) : '';
  const labels = q.get('labels')?.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
  const creator = q.get('creator')?.toLowerCase();
  const base = q.get('base');
  if (since || labels?.length || creator || base) {
    list = list.filter((i) => i.updatedAt >= since
      && (!labels?.length || labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
      && (!creator || (i.author ?? 'ghost').toLowerCase() === creator)
      && (!base || (i as PullRequest).baseRefName === base));
  }
  const omit = env.omitted(e);
  if (omit?.size) list = list.filter((i) => !omit.has(i.number));
  // GitHub's defaults: issues desc; pulls desc when sorted by creation, else asc.
  const dir = q.get('direction');
  const desc = dir === 'asc' || dir === 'desc' ? dir === 'desc' : kind === 'all' || sort === 'created';
  const ordered = desc ? list.slice().reverse() : list;
  if (kind === 'all') return cursorPaged(env, ordered, (i) => sortKey(i, field), q, self, (i) => issueJson(env.render, e, i));
  return paged(env, ordered, q, self, (i) => pullJson(env.render, e, i as PullRequest));
}

const sinceFilter = <T extends { updatedAt: string }>(list: T[], q: Q): T[] => {
  const since = sinceOf(q);
  return since ? list.filter((c) => c.updatedAt >= since) : list;
};

/** Binary search in a list sorted by databaseId. */
function byId<T extends { databaseId: number }>(list: readonly T[], id: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = list[mid].databaseId - id;
    if (d === 0) return list[mid];
    if (d < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

const prCommits = (p: PullRequest): number[] => Array.from({ length: commitCount(p) }, (_, i) => i);

const REPO_ROUTES: Array<[RegExp, string, RepoHandler]> = [
  [/^$/, '', (env, e) => ({ status: 200, body: fullRepoJson(env.render, e) })],
  [/^\/pulls$/, '/pulls', (env, e, _n, q, self) => itemList(env, e, q, self, 'pr')],
  [/^\/pulls\/(\d+)$/, '/pulls/{pull_number}', (env, e, n) => {
    const p = pr(e, n, env);
    return p ? { status: 200, body: pullJson(env.render, e, p, true) } : notFound();
  }],
  [/^\/pulls\/(\d+)\/reviews$/, '/pulls/{pull_number}/reviews', (env, e, n, q, self) => {
    const p = pr(e, n, env);
    return p ? paged(env, p.reviews, q, self, (r) => reviewJson(env.render, e, p, r)) : notFound();
  }],
  [/^\/pulls\/(\d+)\/comments$/, '/pulls/{pull_number}/comments', (env, e, n, q, self) => {
    const p = pr(e, n, env);
    if (!p) return notFound();
    const list = sortComments(sinceFilter(env.render.store.extra(p).reviewComments, q), q);
    return paged(env, list, q, self, (c) => reviewCommentJson(env.render, e, p, c));
  }],
  [/^\/pulls\/(\d+)\/commits$/, '/pulls/{pull_number}/commits', (env, e, n, q, self) => {
    const p = pr(e, n, env);
    return p ? paged(env, prCommits(p), q, self, (i) => commitJson(env.render, e, p, i), 250) : notFound();
  }],
  [/^\/pulls\/comments$/, '/pulls/comments', (env, e, _n, q, self) => {
    const store = env.render.store;
    const list = sortComments(sinceFilter(store.reviewComments(e), q), q);
    return paged(env, list, q, self, (c) => reviewCommentJson(env.render, e, store.meta.get(c)!.item as PullRequest, c));
  }],
  [/^\/pulls\/comments\/(\d+)$/, '/pulls/comments/{comment_id}', (env, e, n) => {
    const c = byId(env.render.store.reviewComments(e), n);
    return c ? { status: 200, body: reviewCommentJson(env.render, e, env.render.store.meta.get(c)!.item as PullRequest, c) } : notFound();
  }],
  [/^\/pulls\/(\d+)\/files$/, '/pulls/{pull_number}/files', (env, e, n, q, self) => {
    const p = pr(e, n, env);
    return p ? paged(env, p.files, q, self, (f) => fileJson(env.render, e, p, f), 3000) : notFound();
  }],
  [/^\/issues$/, '/issues', (env, e, _n, q, self) => itemList(env, e, q, self, 'all')],
  [/^\/issues\/(\d+)$/, '/issues/{issue_number}', (env, e, n) => {
    const it = e.items.get(n);
    return it ? { status: 200, body: issueJson(env.render, e, it) } : notFound();
  }],
  [/^\/issues\/comments$/, '/issues/comments', (env, e, _n, q, self) => {
    const store = env.render.store;
    const list = sortComments(sinceFilter(store.issueComments(e), q), q);
    return paged(env, list, q, self, (c) => issueCommentJson(env.render, e, store.meta.get(c)!.item!, c));
  }],
  [/^\/issues\/comments\/(\d+)$/, '/issues/comments/{comment_id}', (env, e, n) => {
    const c = byId(env.render.store.issueComments(e), n);
    return c ? { status: 200, body: issueCommentJson(env.render, e, env.render.store.meta.get(c)!.item!, c) } : notFound();
  }],
  [/^\/issues\/(\d+)\/comments$/, '/issues/{issue_number}/comments', (env, e, n, q, self) => {
    const it = e.items.get(n);
    return it ? paged(env, sinceFilter(it.comments, q), q, self, (c) => issueCommentJson(env.render, e, it, c)) : notFound();
  }],
];

function visible(env: RestEnv, e: RepoEntry | undefined): e is RepoEntry {
  return e !== undefined && (!e.repo.isPrivate || env.canSeePrivate);
}

function repoRoute(method: string, byName: boolean, ref: string, suffix: string, search: string): RestRoute | undefined {
  for (const [re, tmpl, handler] of REPO_ROUTES) {
    const m = re.exec(suffix);
    if (!m) continue;
    const key = `${method} ${byName ? '/repos/{owner}/{repo}' : '/repositories/{repository_id}'}${tmpl}`;
    return {
      key,
      run: (env) => {
        const store = env.render.store;
        let entry: RepoEntry | undefined;
        if (byName) {
          const found = store.findRepo(ref);
          if (found?.renamed && visible(env, found.entry)) {
            const location = `${env.render.api}/repositories/${found.entry.repo.databaseId}${suffix}${search}`;
            return { status: 301, headers: { location }, body: { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/v3/#http-redirects' } };
          }
          entry = found?.entry;
        } else entry = store.reposById.get(Number(ref));
        if (!visible(env, entry)) return notFound();
        const q = new URLSearchParams(search);
        const self = `/repositories/${entry.repo.databaseId}${suffix}`;
        return handler(env, entry, Number(m[1] ?? 0), q, self);
      },
    };
  }
  return undefined;
}

/** Resolves a GET path to a route; undefined → 404. (`/rate_limit` is served by the server.) */
export function matchRest(method: string, pathname: string, search: string): RestRoute | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (pathname === '/user') {
    return {
      key: 'GET /user',
      run: (env) => {
        const publicRepos = env.render.store.dataset.repositories.filter((r) => r.owner === env.viewer.login && !r.isPrivate).length;
        return { status: 200, body: privateUserJson(env.render, env.viewer, publicRepos), headers: { 'x-accepted-oauth-scopes': '' } };
      },
    };
  }
  let m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathname);
  if (m) return repoRoute('GET', true, `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`, m[3] ?? '', search);
  m = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname);
  if (m) return repoRoute('GET', false, m[1], m[2] ?? '', search);
  return undefined;
}
