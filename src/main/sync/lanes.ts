import type pg from 'pg';
import { completeNested, nestedGaps } from '../github/nested.ts';
import type { GqlIssue, GqlPage, GqlPullRequest } from '../github/graphql-types.ts';
import { describePgError } from '../warehouse/pg-errors.ts';
import { inTransaction } from '../warehouse/pool.ts';
import type { StreamPlan } from './plan.ts';
import { pageRows, rowCount } from './rows.ts';
import { DEFAULT_PAGE_SIZE, fetchPage, type Node, type StreamDeps } from './stream.ts';
import { upsertContributors, writePage, type StreamCursor } from './writer.ts';

/**
 * A whole pass of pull requests or issues (oldest first by creation) along several cursors at
 * once. GitHub pages a connection from its two ends only, but filters it by state: each state
 * is paged from both ends, the two cursors ("lanes") meeting in the middle — six cursors for pull
 * requests, four for issues, with no extra requests. Each lane commits its page with its own
 * checkpoint (cursor and the last item written), so a kill resumes every lane where it stopped.
 *
 * Exactness: a lane writes only the items the other lane of its state has not written (its
 * committed boundary, checked under a per-state lock), and the lanes size their last pages from
 * GitHub's count so that the last one overlaps the other lane by one item: seeing it is how the
 * two know they met. Items that change state or appear during the pass can slip between lanes;
 * the caller's catch-up pass (updated since the run started) fetches exactly those.
 */

type Key = readonly [number, number]; // the connection's order: created at (ms), then databaseId
const keyOf = (n: Node): Key => [Date.parse(n.createdAt), n.databaseId];
const less = (a: Key, b: Key) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

interface Lane {
  name: string; // "MERGED:ASC"
  state: string;
  direction: 'ASC' | 'DESC';
  cursor: string | null;
  pages: number;
  rows: number;
  items: number;
  /** The two lanes of the state met, or this one reached its end. */
  done: boolean;
  /** The last item written (newest for ASC, oldest for DESC): where the other lane stops. */
  last: Key | null;
  /** A request or a page of this lane not written yet. */
  busy: boolean;
}

interface LaneRow {
  lane: string;
  cursor: string | null;
  pages: number;
  rows: number;
  items: number;
  done: boolean;
  last_created_at: Date | null;
  last_id: string | null;
}

const SAVE_LANE = `
INSERT INTO "sync_lanes" ("repository_id", "stream", "lane", "run_id", "cursor", "pages", "rows", "items", "done", "last_created_at", "last_id", "updated_at")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
ON CONFLICT ("repository_id", "stream", "lane") DO UPDATE SET "run_id" = EXCLUDED."run_id", "cursor" = EXCLUDED."cursor", "pages" = EXCLUDED."pages",
  "rows" = EXCLUDED."rows", "items" = EXCLUDED."items", "done" = EXCLUDED."done", "last_created_at" = EXCLUDED."last_created_at", "last_id" = EXCLUDED."last_id", "updated_at" = now()`;

// The stream's own row sums its lanes (what progress, resumes and the kill tests read).
const ADD_TO_STREAM = `UPDATE "sync_state" SET "pages" = "pages" + 1, "rows" = "rows" + $3, "items" = "items" + $4, "updated_at" = now() WHERE "repository_id" = $1 AND "stream" = $2`;

async function saveLane(client: pg.ClientBase, start: StreamCursor, lane: Lane): Promise<void> {
  await client.query(SAVE_LANE, [start.repositoryId, start.stream, lane.name, start.runId, lane.cursor, lane.pages, lane.rows, lane.items, lane.done, lane.last ? new Date(lane.last[0]) : null, lane.last?.[1] ?? null]);
}

/** One state's two lanes: how much of GitHub's count is claimed, whether they met, and the lock their writes take. */
class Partition {
  readonly asc: Lane;
  readonly desc: Lane;
  /** The stream's largest state: its lanes fetch ahead of their writes. */
  pipelined = false;
  complete: boolean;
  private total: number;
  private claimed: number;
  private probe = 2;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(asc: Lane, desc: Lane, total: number) {
    this.asc = asc;
    this.desc = desc;
    this.total = total;
    this.claimed = asc.items + desc.items;
    // A lane is only ever done when the two met or it paged to its end: the state is covered.
    this.complete = asc.done || desc.done;
  }

  other(lane: Lane): Lane {
    return lane === this.asc ? this.desc : this.asc;
  }

  /** GitHub's latest count for the state (every page carries it). */
  seen(totalCount: number): void {
    this.total = totalCount;
  }

  /**
   * How many items the lane's next request asks for (0: stop). Most requests take a full page;
   * the one that claims the last items asks one more (the other lane's boundary item: the proof
   * they met). When the count is used up without a meeting (items left the state during the pass),
   * the lane that is alone probes on with growing pages until it meets the other's boundary.
   */
  claim(lane: Lane): { ask: number; claimed: number } {
    if (this.complete) return { ask: 0, claimed: 0 };
    const left = this.total - this.claimed;
    if (left > 0) {
      const n = Math.min(DEFAULT_PAGE_SIZE, left);
      this.claimed += n;
      return { ask: n === left ? Math.min(DEFAULT_PAGE_SIZE, n + 1) : n, claimed: n };
    }
    const other = this.other(lane);
    // The other lane may still meet this one; with nothing written on either side the count (0) is trusted.
    if (other.busy || (!lane.last && !other.last)) return { ask: 0, claimed: 0 };
    const ask = this.probe;
    this.probe = Math.min(DEFAULT_PAGE_SIZE, this.probe * 2);
    return { ask, claimed: 0 };
  }

  /** A request returned fewer items than it claimed (a shorter page after a timeout, or the end). */
  settle(claimed: number, got: number): void {
    this.claimed -= Math.max(0, claimed - got);
  }

  /** Writes of one state take turns: each filters its page against the other lane's committed boundary. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => {});
    return run;
  }
}


type Fetched = { page: GqlPage<Node>; claimed: number };
/** A fetched page: its end cursor (the lane's checkpoint once written) and its nested connections completing. */
interface Ready {
  page: GqlPage<Node>;
  cursor: string | null;
  atEnd: boolean;
  nested: Promise<number>;
}

/**
 * Pages the lanes of the smaller states may hold at once (fetched, not yet written), between them:
 * they have time to spare, and every page in hand is memory.
 */
const SHARED_PAGES = 2;

class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(n: number) {
    this.free = n;
  }

  take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export interface LanesResult {
  gaps: number;
}

/**
 * Pages every state of the stream from both ends at once (see the top of this file). `start` is
 * the stream's row (already this run's); `totals` GitHub's count per state.
 */
export async function syncLanes(deps: StreamDeps, plan: StreamPlan, start: StreamCursor, totals: Record<string, number>): Promise<LanesResult> {
  const stored = await deps.pool.query<LaneRow>('SELECT * FROM "sync_lanes" WHERE "repository_id" = $1 AND "stream" = $2 AND "run_id" = $3', [start.repositoryId, start.stream, start.runId]).catch((e: unknown) => {
    throw describePgError(e, deps.url);
  });
  const saved = new Map(stored.rows.map((r) => [r.lane, r]));
  const laneOf = (state: string, direction: 'ASC' | 'DESC'): Lane => {
    const name = `${state}:${direction}`;
    const r = saved.get(name);
    if (r) deps.log.info('sync_resumed', `${start.stream} ${name}: resuming after page ${r.pages}`, { stream: start.stream, lane: name, pages: r.pages });
    return {
      name, state, direction, cursor: r?.cursor ?? null, pages: r?.pages ?? 0, rows: r?.rows ?? 0, items: r?.items ?? 0, done: r?.done ?? false,
      last: r?.last_created_at && r.last_id !== null ? [r.last_created_at.getTime(), Number(r.last_id)] : null, busy: false,
    };
  };
  const partitions = Object.entries(totals).map(([state, total]) => new Partition(laneOf(state, 'ASC'), laneOf(state, 'DESC'), total));
  const largest = Math.max(...Object.values(totals));
  const first = partitions.find((_, i) => Object.values(totals)[i] === largest);
  if (first) first.pipelined = true;
  // The first error stops every lane after the page it is writing; all are awaited before it is raised.
  let failure: unknown = undefined;
  let gaps = 0;
  const stopped = (lane: Lane) => lane.done || failure !== undefined || deps.signal.aborted;
  const shared = new Slots(SHARED_PAGES);
  const runLane = async (part: Partition, lane: Lane) => {
    const lanePlan: StreamPlan = { ...plan, direction: lane.direction };
    const request = (after: string | null): Promise<Fetched> | null => {
      if (stopped(lane)) return null;
      const { ask, claimed } = part.claim(lane);
      if (ask === 0) return null;
      try {
        deps.beforeFetch?.();
      } catch (e) {
        part.settle(claimed, 0);
        failure ??= e;
        return null;
      }
      return fetchPage(deps, lanePlan, after, ask, [lane.state]).then(({ page }) => ({ page, claimed }));
    };
    // Rounds: the lanes of the stream's largest state (the longest, whose time is the pass's) fetch
    // up to two pages ahead of the one being written, their nested connections completing meanwhile
    // (a slow write or follow-up never holds up the next request); the
    // others, which have time to spare, one page at a time — memory stays a few pages per stream.
    // A round ends when the count is used up; the lane goes on only to probe for a meeting (see claim).
    const ahead = part.pipelined ? 2 : 0;
    const take = () => (part.pipelined ? Promise.resolve() : shared.take());
    const give = () => (part.pipelined ? undefined : shared.give());
    for (;;) {
      lane.busy = true;
      const queue: Ready[] = [];
      let writing = false;
      let fetching = true;
      let wakeWriter: (() => void) | null = null;
      let wakeFetcher: (() => void) | null = null;
      let wrote = false;
      const fetcher = async () => {
        let after = lane.cursor;
        for (;;) {
          while (queue.length + (writing ? 1 : 0) > ahead && !stopped(lane)) await new Promise<void>((r) => (wakeFetcher = r));
          await take();
          const next = request(after);
          if (!next) {
            give();
            break;
          }
          let fetched: Fetched;
          try {
            fetched = await next;
          } catch (e) {
            give();
            failure ??= e;
            break;
          }
          const { page, claimed } = fetched;
          part.seen(page.totalCount);
          part.settle(claimed, page.nodes.length);
          if (stopped(lane)) {
            give();
            break; // met while this was under way: its items are the other lane's
          }
          const atEnd = !page.pageInfo.hasNextPage || page.pageInfo.endCursor === null;
          after = page.pageInfo.endCursor ?? after;
          const nested = completePage(deps, plan, page.nodes);
          nested.catch(() => {}); // surfaced when written
          queue.push({ page, cursor: after, atEnd, nested });
          wakeWriter?.();
          if (atEnd) break;
        }
        fetching = false;
        wakeWriter?.();
      };
      const writer = async () => {
        for (;;) {
          while (!queue.length && fetching) await new Promise<void>((r) => (wakeWriter = r));
          const ready = queue.shift();
          if (!ready) return;
          writing = true;
          wakeFetcher?.();
          try {
            gaps += await ready.nested;
            await part.exclusive(() => writeLanePage(deps, start, part, lane, ready));
            wrote = true;
          } catch (e) {
            failure ??= e;
          }
          writing = false;
          give();
          wakeFetcher?.();
          if (stopped(lane)) {
            wakeFetcher?.();
            return;
          }
        }
      };
      await Promise.all([fetcher(), writer()]);
      await Promise.allSettled(queue.map((r) => r.nested)); // pages left unwritten: no follow-up keeps running
      queue.forEach(give);
      lane.busy = false;
      if (!wrote || stopped(lane)) return;
    }
  };
  await Promise.all(partitions.flatMap((part) => [runLane(part, part.asc), runLane(part, part.desc)]));
  if (failure !== undefined) throw failure;
  if (deps.signal.aborted) throw deps.signal.reason;
  return { gaps };
}

/** A page's nested connections paged to the end; resolves to the connections that still differ from GitHub's totalCount. */
async function completePage(deps: StreamDeps, plan: StreamPlan, nodes: Node[]): Promise<number> {
  const prs = plan.stream === 'pull_requests' ? (nodes as GqlPullRequest[]) : [];
  const issues = plan.stream === 'issues' ? (nodes as GqlIssue[]) : [];
  await completeNested([...prs.map((node) => ({ kind: 'pr' as const, node })), ...issues.map((node) => ({ kind: 'issue' as const, node }))], { client: deps.github, log: deps.log, signal: deps.signal });
  const gaps = nestedGaps(prs, issues);
  if (gaps.length) deps.log.warn('nested_incomplete', `${gaps.length} nested connections differ from GitHub's totalCount`, { gaps: gaps.slice(0, 10) });
  return gaps.length;
}

/** Writes the items of a lane's page the other lane has not written, with the lane's checkpoint, in one transaction. */
async function writeLanePage(deps: StreamDeps, start: StreamCursor, part: Partition, lane: Lane, ready: Ready): Promise<void> {
  const { page, cursor, atEnd } = ready;
  const nodes = page.nodes;
  const bound = part.other(lane).last;
  const asc = lane.direction === 'ASC';
  const keep = bound ? nodes.filter((n) => (asc ? less(keyOf(n), bound) : less(bound, keyOf(n)))) : nodes;
  const met = keep.length < nodes.length;
  const isPr = start.stream === 'pull_requests';
  const rows = pageRows(isPr ? (keep as GqlPullRequest[]) : [], isPr ? [] : (keep as GqlIssue[]));
  const after: Lane = {
    ...lane,
    cursor,
    pages: lane.pages + 1,
    rows: lane.rows + rowCount(rows),
    items: lane.items + keep.length,
    done: met || atEnd,
    last: keep.length ? keyOf(keep.at(-1)!) : lane.last,
  };
  const t0 = performance.now();
  await upsertContributors(deps.pool, deps.url, rows.contributors);
  await inTransaction(deps.pool, deps.url, async (client) => {
    await writePage(client, start.repositoryId, rows);
    await saveLane(client, start, after);
    await deps.onCommit?.(client);
    await client.query(ADD_TO_STREAM, [start.repositoryId, start.stream, rowCount(rows), keep.length]); // last: the shared row stays locked briefly
  });
  const writeMs = performance.now() - t0;
  Object.assign(lane, { cursor, pages: after.pages, rows: after.rows, items: after.items, done: after.done, last: after.last });
  if (lane.done) part.complete = true;
  deps.onPage({ stream: start.stream, items: keep.length, rows: rowCount(rows), totalCount: page.totalCount, writeMs });
  deps.log.debug('scrape_progress', `${start.stream} ${lane.name}: page ${lane.pages} written (${keep.length} items, ${rowCount(rows)} rows)${met ? '; met the other end' : ''}`, { stream: start.stream, lane: lane.name, page: lane.pages, items: keep.length });
}
