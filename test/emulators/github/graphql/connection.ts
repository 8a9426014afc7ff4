// Relay-style pagination over pre-sorted arrays. Cursors encode the sort key
// and id of an element (not its offset), so paging stays stable when items
// are inserted, like GitHub's cursors.
import { decodeCursor, encodeCursor } from '../ids.ts';
import { GitHubError } from './errors.ts';

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface PageInfo {
  startCursor: string | null;
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export type Key = readonly [number, number];

export class Connection<T> {
  readonly nodes: T[];
  readonly totalCount: number;
  readonly pageInfo: PageInfo;
  private readonly cursorAt: (i: number) => string;

  constructor(nodes: T[], totalCount: number, cursorAt: (i: number) => string, hasNextPage: boolean, hasPreviousPage: boolean) {
    this.nodes = nodes;
    this.totalCount = totalCount;
    this.cursorAt = cursorAt;
    const n = nodes.length;
    this.pageInfo = { startCursor: n ? cursorAt(0) : null, endCursor: n ? cursorAt(n - 1) : null, hasNextPage, hasPreviousPage };
  }

  get edges(): Array<{ node: T; cursor: string }> {
    return this.nodes.map((node, i) => ({ node, cursor: this.cursorAt(i) }));
  }
}

function badCursor(cursor: string): GitHubError {
  return new GitHubError(`\`${cursor}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
}

function parseCursor(cursor: string): Key {
  const k = decodeCursor(cursor);
  if (!k) throw badCursor(cursor);
  return k;
}

/**
 * Pages through `list` (sorted ascending by `key`), optionally viewed in
 * descending order. `totalCount` defaults to the list length.
 */
export function paginate<T>(list: readonly T[], key: (item: T, index: number) => Key, args: PageArgs, opts: { desc?: boolean; totalCount?: number } = {}): Connection<T> {
  const n = list.length;
  const desc = opts.desc === true;
  const keyAt = (i: number): Key => (desc ? key(list[n - 1 - i], n - 1 - i) : key(list[i], i));
  const cmp = (a: Key, b: Key): number => {
    const c = a[0] - b[0] || a[1] - b[1];
    return desc ? -c : c;
  };
  // First view index whose key is > c (strict) or >= c.
  const search = (c: Key, strict: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const d = cmp(keyAt(mid), c);
      if (strict ? d > 0 : d >= 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let start = args.after ? search(parseCursor(args.after), true) : 0;
  let end = args.before ? search(parseCursor(args.before), false) : n;
  if (end < start) end = start;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const nodes: T[] = new Array(end - start);
  for (let i = start; i < end; i++) nodes[i - start] = desc ? list[n - 1 - i] : list[i];
  const cursorAt = (i: number): string => {
    const k = keyAt(start + i);
    return encodeCursor(k[0], k[1]);
  };
  return new Connection(nodes, opts.totalCount ?? n, cursorAt, end < n, start > 0);
}
