// Issue/PR search (`search(type: ISSUE)`): the qualifiers a sync client uses
// to count items in a time window. Like GitHub, only the first 1,000 results
// are reachable while `issueCount` reports the full total.
import type { Item, RepoEntry, Store } from './store.ts';

interface Range {
  from: number; // seconds, inclusive
  to: number; // seconds, inclusive
}

export interface SearchQuery {
  repos: string[];
  kind: 'pr' | 'issue' | null;
  state: 'open' | 'closed' | null;
  merged: boolean | null;
  draft: boolean | null;
  authors: string[];
  labels: string[];
  created?: Range;
  updated?: Range;
  closed?: Range;
  terms: string[];
  sort: { field: 'created' | 'updated' | 'comments'; desc: boolean };
}

export const SEARCH_RESULT_CAP = 1000;
const DAY = 86_400;

/** Parses one side of a date qualifier: `[start, end]` seconds of a day or an instant. */
function instant(text: string): [number, number] {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`) / 1000;
    return [start, start + DAY - 1];
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`invalid date ${text}`);
  return [Math.floor(t / 1000), Math.floor(t / 1000)];
}

/** `>=D`, `>D`, `<=D`, `<D`, `A..B` (either side may be `*`) or `D`. */
export function parseRange(value: string): Range {
  const m = /^(>=|<=|>|<)(.+)$/.exec(value);
  if (m) {
    const [start, end] = instant(m[2]);
    if (m[1] === '>=') return { from: start, to: Infinity };
    if (m[1] === '>') return { from: end + 1, to: Infinity };
    if (m[1] === '<=') return { from: -Infinity, to: end };
    return { from: -Infinity, to: start - 1 };
  }
  const dots = value.indexOf('..');
  if (dots >= 0) {
    const a = value.slice(0, dots);
    const b = value.slice(dots + 2);
    return { from: a === '*' ? -Infinity : instant(a)[0], to: b === '*' ? Infinity : instant(b)[1] };
  }
  const [start, end] = instant(value);
  return { from: start, to: end };
}

export function parseSearch(q: string): SearchQuery {
  const out: SearchQuery = { repos: [], kind: null, state: null, merged: null, draft: null, authors: [], labels: [], terms: [], sort: { field: 'created', desc: true } };
  for (const raw of q.match(/\S+?:"[^"]*"|"[^"]*"|\S+/g) ?? []) {
    const colon = raw.indexOf(':');
    const key = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
    const value = colon > 0 ? raw.slice(colon + 1).replace(/^"|"$/g, '') : raw.replace(/^"|"$/g, '');
    switch (key) {
      case 'repo': out.repos.push(value.toLowerCase()); break;
      case 'is':
      case 'type':
      case 'state': {
        const v = value.toLowerCase();
        if (v === 'pr' || v === 'pull-request') out.kind = 'pr';
        else if (v === 'issue') out.kind = 'issue';
        else if (v === 'open' || v === 'closed') out.state = v;
        else if (v === 'merged' || v === 'unmerged') { out.kind = 'pr'; out.merged = v === 'merged'; }
        else if (v === 'draft') out.draft = true;
        break;
      }
      case 'author': out.authors.push(value.toLowerCase().replace(/^app\/(.+)$/, '$1[bot]')); break; // author:app/dependabot
      case 'label': out.labels.push(value.toLowerCase()); break;
      case 'created': out.created = parseRange(value); break;
      case 'updated': out.updated = parseRange(value); break;
      case 'closed': out.closed = parseRange(value); break;
      case 'sort': {
        const [field, dir] = value.toLowerCase().split('-');
        if (field === 'created' || field === 'updated' || field === 'comments') out.sort = { field, desc: dir !== 'asc' };
        break;
      }
      case '': out.terms.push(value.toLowerCase()); break;
      default: break; // other qualifiers (in:, archived:, …) are accepted and ignored
    }
  }
  return out;
}

const sec = (ts: string): number => Date.parse(ts) / 1000;
const within = (r: Range | undefined, ts: string | null): boolean => r === undefined || (ts !== null && sec(ts) >= r.from && sec(ts) <= r.to);

function matches(q: SearchQuery, item: Item, isPr: boolean): boolean {
  if (q.state === 'open' && item.state !== 'OPEN') return false;
  if (q.state === 'closed' && item.state === 'OPEN') return false;
  if (q.merged !== null && (item.state === 'MERGED') !== q.merged) return false;
  if (q.draft !== null && (!isPr || (item as { isDraft: boolean }).isDraft !== q.draft)) return false;
  if (q.authors.length && !q.authors.includes((item.author ?? 'ghost').toLowerCase())) return false;
  for (const l of q.labels) if (!item.labels.some((x) => x.toLowerCase() === l)) return false;
  if (!within(q.created, item.createdAt) || !within(q.updated, item.updatedAt) || !within(q.closed, item.closedAt)) return false;
  for (const t of q.terms) if (!item.title.toLowerCase().includes(t) && !item.body.toLowerCase().includes(t)) return false;
  return true;
}

export interface SearchResult {
  total: number; // GitHub's issueCount
  items: Item[]; // reachable results (≤ 1,000), omitted rows already removed
}

export function runSearch(store: Store, query: string, visible: (e: RepoEntry) => boolean, omitted: (e: RepoEntry) => ReadonlySet<number> | undefined): SearchResult {
  const q = parseSearch(query);
  const entries = q.repos.length ? q.repos.map((r) => store.findRepo(r)?.entry).filter((e): e is RepoEntry => e !== undefined) : [...store.repos.values()];
  const f = q.sort.field;
  const key = (i: Item): number => (f === 'comments' ? i.comments.length : sec(f === 'updated' ? i.updatedAt : i.createdAt));
  const hits: Array<{ item: Item; entry: RepoEntry; k: number }> = [];
  for (const entry of entries) {
    if (!visible(entry)) continue;
    if (q.kind !== 'issue') for (const pr of entry.repo.pullRequests) if (matches(q, pr, true)) hits.push({ item: pr, entry, k: key(pr) });
    if (q.kind !== 'pr') for (const is of entry.repo.issues) if (matches(q, is, false)) hits.push({ item: is, entry, k: key(is) });
  }
  const dir = q.sort.desc ? -1 : 1;
  hits.sort((a, b) => dir * (a.k - b.k || a.item.databaseId - b.item.databaseId));
  const items = hits.slice(0, SEARCH_RESULT_CAP).filter((h) => !omitted(h.entry)?.has(h.item.number)).map((h) => h.item);
  return { total: hits.length, items };
}
