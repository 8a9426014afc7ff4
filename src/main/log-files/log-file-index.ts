// LogFileIndex: background-indexed, persisted, searchable view of one log file.
// See index.ts for the API overview and the on-disk format.
import { availableParallelism } from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BlockBuilder, DEFAULT_BLOCK_BYTES } from './block-builder.ts';
import { BlockTable } from './block-table.ts';
import { BloomCache, type BloomRef } from './bloom-cache.ts';
import { forEachLine, lineText, readRange, scanLines } from './file-io.ts';
import { identify, sameFile, statPath, type FileIdentity, type FileStat } from './file-identity.ts';
import { FORMAT_VERSION, IndexStore, type Manifest } from './index-store.ts';
import { indexRange } from './indexer.ts';
import { LEVELS, detectLevelBytes, levelMask, type Level } from './levels.ts';
import { blockMayMatch, matchesLower, parseQuery, type Query } from './query.ts';
import { SharedHandle } from './shared-handle.ts';
import { bloomHas } from './tokens.ts';

export interface LogLine { n: number; level: Level; text: string }
export interface LevelFilter { levels?: Level[] }
export interface ReadLinesResult {
  /** Lines known so far (in the filtered sequence when filtering); grows while indexing. */
  total: number;
  lines: LogLine[];
  /** True when the index covers the whole file (total is then exact). */
  complete: boolean;
}
export interface SearchOptions {
  levels?: Level[];
  fromLine?: number;
  limit?: number;
  signal?: AbortSignal;
  /** Stop after reading this many bytes of candidate blocks (a page may then hold < limit matches). */
  maxScanBytes?: number;
}
export interface SearchResult {
  matches: LogLine[];
  /** Where the next page starts, null when the whole file was searched. */
  nextLine: number | null;
  scannedBytes: number;
  done: boolean;
}
export interface IndexProgress { indexedBytes: number; fileSize: number; lines: number }
export interface IndexCheckpoint { indexedBytes: number; lines: number }
export interface IndexMoreOptions {
  signal?: AbortSignal;
  onProgress?(p: IndexProgress): void;
  /** Called after each durable checkpoint. */
  onCheckpoint?(c: IndexCheckpoint): void;
  checkpointEveryBytes?: number;
}
export interface ExportFilter { levels?: Level[]; query?: string }
export interface OpenOptions {
  cacheDir: string;
  /** Target block size (tests use small blocks); default 64 KiB. */
  blockBytes?: number;
  /** Worker threads for large backlogs; default min(4, cores). */
  workers?: number;
  chunkBytes?: number;
  /** Backlogs smaller than this are indexed on the calling thread; default 8 MiB. */
  inlineBelowBytes?: number;
  bloomCacheBytes?: number;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
/** Backlogs below this are indexed inline: a worker's start-up costs more than it saves. */
const INLINE_BELOW_BYTES = 8 * 1024 * 1024;
const CHECKPOINT_EVERY = 64 * 1024 * 1024;
/** How far readLines looks past the indexed part (first screen before indexing). */
const RAW_SCAN_BYTES = 8 * 1024 * 1024;
const SEARCH_SCAN_BYTES = 64 * 1024 * 1024;
const SEARCH_RUN_BYTES = 1024 * 1024;
const EXPORT_RUN_BYTES = 256 * 1024;
const EXPORT_FLUSH_CHARS = 256 * 1024;

async function fstat(fh: FileHandle): Promise<FileStat> {
  const st = await fh.stat({ bigint: true });
  return { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size) };
}

function supersededError(): Error {
  return new Error('The log file was replaced (rotated or truncated) during the operation');
}

export class LogFileIndex {
  readonly path: string;
  fileSize = 0;
  private readonly table = new BlockTable();
  private readonly store: IndexStore;
  private readonly blooms: BloomCache;
  private readonly opts: Required<Omit<OpenOptions, 'cacheDir'>>;
  private handle: SharedHandle;
  private stat: FileStat;
  private identity: FileIdentity | null = null;
  /** Bumped by every reset; operations that straddle a reset notice and stop. */
  private generation = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private stopIndexing: AbortController | null = null;
  private closed = false;

  private constructor(path: string, store: IndexStore, handle: SharedHandle, st: FileStat, opts: OpenOptions) {
    this.path = path;
    this.store = store;
    this.handle = handle;
    this.stat = st;
    this.fileSize = st.size;
    this.opts = {
      blockBytes: opts.blockBytes ?? DEFAULT_BLOCK_BYTES,
      workers: opts.workers ?? Math.max(1, Math.min(4, availableParallelism())),
      chunkBytes: opts.chunkBytes ?? CHUNK_BYTES,
      inlineBelowBytes: opts.inlineBelowBytes ?? INLINE_BELOW_BYTES,
      bloomCacheBytes: opts.bloomCacheBytes ?? 64 * 1024 * 1024,
    };
    this.blooms = new BloomCache(this.table, store, this.opts.bloomCacheBytes);
  }

  /** Opens the file and its persisted index when that index belongs to this very file. */
  static async open(path: string, opts: OpenOptions): Promise<LogFileIndex> {
    const abs = resolve(path);
    const fh = await open(abs, 'r');
    let store: IndexStore | undefined;
    try {
      store = await IndexStore.open(opts.cacheDir, abs);
      const st = await fstat(fh);
      const index = new LogFileIndex(abs, store, new SharedHandle(fh), st, opts);
      if (!(await index.resume())) await index.resetStore();
      return index;
    } catch (err) {
      await fh.close();
      await store?.close();
      throw err;
    }
  }

  /** Bytes of the file covered by the index, including a provisional unterminated last line. */
  get indexedBytes(): number { return this.table.end; }
  /** Lines indexed so far (including a provisional unterminated last line). */
  get lineCount(): number { return this.table.totalLines; }

  levelCounts(): Record<Level, number> {
    const totals = this.table.levelTotals();
    const out = {} as Record<Level, number>;
    LEVELS.forEach((l, i) => { out[l] = totals[i]; });
    return out;
  }

  private async resume(): Promise<boolean> {
    const m = await this.store.readManifest();
    if (!m || m.path !== this.path || m.identity.edgeEnd !== m.bytes) return false;
    const fh = this.handle.fh;
    if (!(await sameFile(fh, this.stat, m.identity))) return false;
    const headers = await this.store.load(m);
    if (!headers) return false;
    try {
      this.table.appendCommitted(headers);
    } catch {
      this.table.reset();
      return false;
    }
    const t = this.table;
    if (t.committedEnd !== m.bytes || t.committedLines !== m.lines || t.committed !== m.blocks || t.bloomBytes !== m.bloomsBytes) {
      t.reset();
      return false;
    }
    this.identity = m.identity;
    return true;
  }

  private manifest(identity: FileIdentity): Manifest {
    const t = this.table;
    return {
      format: FORMAT_VERSION, path: this.path, identity,
      bytes: t.committedEnd, lines: t.committedLines, blocks: t.committed,
      headersBytes: this.store.headersBytes, bloomsBytes: this.store.bloomsBytes,
    };
  }

  private async resetStore(): Promise<void> {
    this.table.reset();
    this.blooms.clear();
    this.identity = await identify(this.handle.fh, this.stat, 0);
    await this.store.reset(this.manifest(this.identity));
  }

  private async checkpoint(): Promise<void> {
    this.stat = await fstat(this.handle.fh);
    const identity = await identify(this.handle.fh, this.stat, this.table.committedEnd);
    await this.store.checkpoint(this.manifest(identity));
    this.identity = identity;
  }

  /** Serializes indexMore / reset / close. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  /**
   * Indexes from the last complete line to the current end of the file. Checkpoints are
   * durable (a crash loses at most checkpointEveryBytes of work). On abort, what was
   * indexed is checkpointed and the promise rejects with the signal's reason.
   */
  indexMore(opts: IndexMoreOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      if (this.closed) throw new Error('LogFileIndex is closed');
      const gen = this.generation;
      const stop = new AbortController();
      this.stopIndexing = stop;
      const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
      const every = opts.checkpointEveryBytes ?? CHECKPOINT_EVERY;
      const fh = this.handle.acquire();
      let lastCheckpoint = this.table.committedEnd;
      const progress = (): void => opts.onProgress?.({ indexedBytes: this.table.end, fileSize: this.fileSize, lines: this.table.totalLines });
      const checkpoint = async (): Promise<void> => {
        await this.checkpoint();
        lastCheckpoint = this.table.committedEnd;
        opts.onCheckpoint?.({ indexedBytes: lastCheckpoint, lines: this.table.committedLines });
      };
      try {
        this.stat = await fstat(fh);
        this.fileSize = this.stat.size;
        const from = this.table.committedEnd;
        const to = this.fileSize;
        await indexRange({
          fh, from, to,
          blockBytes: this.opts.blockBytes,
          chunkBytes: this.opts.chunkBytes,
          workers: to - from >= this.opts.inlineBelowBytes ? this.opts.workers : 0,
          signal,
          assemble: async (built) => {
            if (gen !== this.generation) throw supersededError();
            if (built.blocks === 0) return;
            await this.store.append(built.headers, built.blooms);
            this.table.appendCommitted(built.headers);
            progress();
            if (this.table.committedEnd - lastCheckpoint >= every) await checkpoint();
          },
        });
        signal.throwIfAborted();
        await this.buildTail(fh, to);
        await checkpoint();
        progress();
      } catch (err) {
        if (gen !== this.generation) return; // superseded by a rotation: not the caller's failure
        if (this.table.committedEnd > lastCheckpoint) await checkpoint().catch(() => {});
        throw err;
      } finally {
        this.handle.release();
        this.stopIndexing = null;
      }
    });
  }

  /** The unterminated last line becomes a provisional block, replaced once it is completed. */
  private async buildTail(fh: FileHandle, to: number): Promise<void> {
    const from = this.table.committedEnd;
    if (from >= to) {
      this.table.clearTail();
      return;
    }
    const builder = new BlockBuilder(from, Number.MAX_SAFE_INTEGER);
    for (let pos = from; pos < to;) {
      const buf = await readRange(fh, pos, Math.min(this.opts.chunkBytes, to - pos));
      if (buf.length === 0) break;
      builder.push(buf);
      pos += buf.length;
    }
    builder.finishPartial();
    const built = builder.take();
    this.table.setTail(built.headers, built.blooms);
  }

  /**
   * For follow mode: checks the path again. Growth → call indexMore. Rotation (a new file
   * at the path) or truncation → the index is reset and must be rebuilt with indexMore.
   */
  async refresh(): Promise<{ grown: boolean; rotated: boolean }> {
    if (this.closed) throw new Error('LogFileIndex is closed');
    const st = await statPath(this.path);
    if (!st) return { grown: false, rotated: false }; // renamed away, not recreated yet
    let rotated = st.dev !== this.stat.dev || st.ino !== this.stat.ino || st.size < this.table.end;
    if (!rotated && this.identity) {
      const fh = this.handle.acquire();
      try {
        rotated = !(await sameFile(fh, st, this.identity));
      } finally {
        this.handle.release();
      }
    }
    if (rotated) {
      await this.reset();
      return { grown: this.fileSize > 0, rotated: true };
    }
    this.fileSize = st.size;
    return { grown: st.size > this.table.end, rotated: false };
  }

  private async reset(): Promise<void> {
    this.generation++;
    this.stopIndexing?.abort(supersededError());
    await this.exclusive(async () => {
      const fh = await open(this.path, 'r');
      const old = this.handle;
      this.handle = new SharedHandle(fh);
      await old.retire();
      this.stat = await fstat(fh);
      this.fileSize = this.stat.size;
      await this.resetStore();
    });
  }

  /**
   * Lines [start, start+count) of the file, or of the sequence of lines whose level is in
   * filter.levels. Past the indexed part, lines are read straight from the file (bounded),
   * so the first screen shows before indexing has got there.
   */
  async readLines(start: number, count: number, filter?: LevelFilter): Promise<ReadLinesResult> {
    const mask = levelMask(filter?.levels);
    const t = this.table;
    const gen = this.generation;
    const fh = this.handle.acquire();
    try {
      const pre = t.filterPrefix(mask);
      const blocks = t.count;
      const indexedTotal = pre[blocks];
      const lines: LogLine[] = [];
      start = Math.max(0, Math.floor(start));
      for (let b = t.blockAt(pre, start); b < blocks && lines.length < count; b++) {
        if (t.maskCount(b, mask) === 0) continue;
        const buf = await readRange(fh, t.start[b], t.byteLen[b]);
        if (gen !== this.generation) throw supersededError();
        let pos = pre[b];
        let n = t.firstLine[b];
        forEachLine(buf, true, (s, e) => {
          const code = detectLevelBytes(buf, s, e);
          const line = n++;
          if (mask !== 0 && (mask & (1 << code)) === 0) return;
          if (pos++ >= start) lines.push({ n: line, level: LEVELS[code], text: lineText(buf, s, e) });
          return lines.length < count;
        });
      }
      let total = indexedTotal;
      const complete = t.end >= this.fileSize;
      if (!complete && !t.hasTail && lines.length < count) {
        total += await this.readRaw(fh, mask, start - indexedTotal, count - lines.length, lines, t.totalLines);
      }
      return { total, lines, complete };
    } finally {
      this.handle.release();
    }
  }

  /** Lines after the indexed part, straight from the file; returns how many (filtered) lines it saw. */
  private async readRaw(fh: FileHandle, mask: number, skip: number, want: number, out: LogLine[], firstN: number): Promise<number> {
    const from = this.table.end;
    const to = Math.min(this.fileSize, from + RAW_SCAN_BYTES);
    const target = out.length + want;
    let seen = 0;
    let n = firstN;
    await scanLines(fh, from, to, { partialToo: to === this.fileSize }, (buf, s, e) => {
      const code = detectLevelBytes(buf, s, e);
      const line = n++;
      if (mask !== 0 && (mask & (1 << code)) === 0) return;
      if (seen++ >= skip) out.push({ n: line, level: LEVELS[code], text: lineText(buf, s, e) });
      return out.length < target;
    });
    return seen;
  }

  /** Whether block b may hold matches: level counts, then the Bloom filter. Sync when cached. */
  private candidate(b: number, mask: number, q: Query): boolean | Promise<boolean> {
    const t = this.table;
    if (mask !== 0 && t.maskCount(b, mask) === 0) return false;
    if (q.tokenHashes.length === 0) return true;
    const check = (r: BloomRef): boolean => {
      for (const h of q.tokenHashes) if (!bloomHas(r.bits, r.off, r.len, r.hashes, h)) return false;
      return true;
    };
    const ref = this.blooms.get(b);
    return ref instanceof Promise ? ref.then(check) : check(ref);
  }

  /** End (exclusive) of the run of candidate blocks starting at candidate b, within maxBytes. */
  private async candidateRun(b: number, limit: number, maxBytes: number, mask: number, q: Query): Promise<number> {
    const t = this.table;
    let end = b + 1;
    while (end < limit && t.start[end] + t.byteLen[end] - t.start[b] <= maxBytes) {
      const c = this.candidate(end, mask, q);
      if (!(typeof c === 'boolean' ? c : await c)) break;
      end++;
    }
    return end;
  }

  /**
   * Lines containing every term of `query` (see query.ts), in file order, from fromLine on.
   * Pages end at `limit` matches or after maxScanBytes of reading; continue with nextLine.
   */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const q = parseQuery(query);
    const mask = levelMask(opts.levels);
    const limit = Math.max(1, opts.limit ?? 100);
    const maxScan = opts.maxScanBytes ?? SEARCH_SCAN_BYTES;
    const from = Math.max(0, Math.floor(opts.fromLine ?? 0));
    const t = this.table;
    const gen = this.generation;
    const complete = t.end >= this.fileSize;
    // A provisional tail of a file that has grown since is stale: leave it to the next page.
    const blocks = complete ? t.count : t.committed;
    const matches: LogLine[] = [];
    let scanned = 0;
    const fh = this.handle.acquire();
    try {
      for (let b = t.blockAt(t.firstLine, from); b < blocks;) {
        opts.signal?.throwIfAborted();
        if (scanned >= maxScan) return { matches, nextLine: Math.max(from, t.firstLine[b]), scannedBytes: scanned, done: false };
        const c = this.candidate(b, mask, q);
        if (!(typeof c === 'boolean' ? c : await c)) { b++; continue; }
        // One read for a run of consecutive candidate blocks (broad queries read a lot).
        const end = await this.candidateRun(b, blocks, Math.min(SEARCH_RUN_BYTES, maxScan - scanned), mask, q);
        const base = t.start[b];
        const buf = await readRange(fh, base, t.start[end - 1] + t.byteLen[end - 1] - base);
        if (gen !== this.generation) throw supersededError();
        scanned += buf.length;
        for (let k = b; k < end; k++) {
          const block = buf.subarray(t.start[k] - base, t.start[k] - base + t.byteLen[k]);
          if (q.terms.length > 0 && !blockMayMatch(block.toString('utf8').toLowerCase(), q)) continue;
          const stopAt = this.matchBlock(block, t.firstLine[k], from, mask, q, limit, matches);
          if (stopAt >= 0) return { matches, nextLine: stopAt, scannedBytes: scanned, done: false };
        }
        b = end;
      }
      if (complete) return { matches, nextLine: null, scannedBytes: scanned, done: true };
      return { matches, nextLine: Math.max(from, t.firstLine[blocks]), scannedBytes: scanned, done: false };
    } finally {
      this.handle.release();
    }
  }

  /** Appends the matching lines of one block; returns the next line once `limit` is reached, else -1. */
  private matchBlock(buf: Buffer, firstLine: number, from: number, mask: number, q: Query, limit: number, matches: LogLine[]): number {
    let n = firstLine;
    let stopAt = -1;
    forEachLine(buf, true, (s, e) => {
      const line = n++;
      if (line < from) return;
      const text = lineText(buf, s, e);
      if (!matchesLower(text.toLowerCase(), q)) return;
      const code = detectLevelBytes(buf, s, e);
      if (mask !== 0 && (mask & (1 << code)) === 0) return;
      matches.push({ n: line, level: LEVELS[code], text });
      if (matches.length >= limit) { stopAt = line + 1; return false; }
    });
    return stopAt;
  }

  /**
   * Streams the lines matching filter (levels and/or query) to write(), in chunks of
   * 256–512 K characters (longer only for a longer line), awaiting write for back-pressure. Includes lines not indexed yet.
   * Returns the number of lines written.
   */
  async export(filter: ExportFilter, write: (chunk: string) => void | Promise<void>): Promise<number> {
    const q = parseQuery(filter.query ?? '');
    const mask = levelMask(filter.levels);
    const t = this.table;
    const gen = this.generation;
    let out = '';
    let written = 0;
    const flush = async (force: boolean): Promise<void> => {
      if (out.length === 0 || (!force && out.length < EXPORT_FLUSH_CHARS)) return;
      const chunk = out;
      out = '';
      await write(chunk);
    };
    const take = (buf: Buffer, s: number, e: number): void => {
      const text = lineText(buf, s, e);
      if (q.terms.length > 0 && !matchesLower(text.toLowerCase(), q)) return;
      if (mask !== 0 && (mask & (1 << detectLevelBytes(buf, s, e))) === 0) return;
      out += text + '\n';
      written++;
    };
    const fh = this.handle.acquire();
    try {
      const complete = t.end >= this.fileSize;
      const blocks = complete || !t.hasTail ? t.count : t.committed;
      for (let b = 0; b < blocks;) {
        const c = this.candidate(b, mask, q);
        if (!(typeof c === 'boolean' ? c : await c)) { b++; continue; }
        const end = await this.candidateRun(b, blocks, EXPORT_RUN_BYTES, mask, q);
        const buf = await readRange(fh, t.start[b], t.start[end - 1] + t.byteLen[end - 1] - t.start[b]);
        if (gen !== this.generation) throw supersededError();
        forEachLine(buf, true, (s, e) => take(buf, s, e));
        await flush(false);
        b = end;
      }
      const rawFrom = blocks === 0 ? 0 : t.start[blocks - 1] + t.byteLen[blocks - 1];
      if (rawFrom < this.fileSize) {
        await scanLines(fh, rawFrom, this.fileSize, { partialToo: true, afterChunk: () => flush(false) }, (buf, s, e) => { take(buf, s, e); });
      }
      await flush(true);
      return written;
    } finally {
      this.handle.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopIndexing?.abort(new Error('LogFileIndex closed'));
    await this.exclusive(async () => {
      await this.handle.retire();
      await this.store.close();
    });
  }
}
