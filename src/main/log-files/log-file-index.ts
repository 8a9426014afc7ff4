// LogFileIndex: background-indexed, persisted, searchable view of one log file. This
// class owns the lifecycle (open/resume, indexing, checkpoints, follow/rotation, close);
// the read paths live in read-lines.ts, search.ts and export-lines.ts. See index.ts.
import { availableParallelism } from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BlockBuilder, DEFAULT_BLOCK_BYTES } from './block-builder.ts';
import { BlockTable } from './block-table.ts';
import { BloomCache } from './bloom-cache.ts';
import { exportLines } from './export-lines.ts';
import { readRange } from './file-io.ts';
import { identify, sameFile, statPath, type FileIdentity, type FileStat } from './file-identity.ts';
import type { IndexView } from './index-view.ts';
import { FORMAT_VERSION, IndexStore, type Manifest } from './index-store.ts';
import { indexRange } from './indexer.ts';
import { LEVELS, levelMask, type Level } from './levels.ts';
import { readLines } from './read-lines.ts';
import { search } from './search.ts';
import { SharedHandle } from './shared-handle.ts';
import type {
  ExportFilter, IndexMoreOptions, LevelFilter, OpenOptions, ReadLinesResult, SearchOptions, SearchResult,
} from './types.ts';

const CHUNK_BYTES = 4 * 1024 * 1024;
/** Backlogs below this are indexed inline: a worker's start-up costs more than it saves. */
const INLINE_BELOW_BYTES = 8 * 1024 * 1024;
const CHECKPOINT_EVERY = 64 * 1024 * 1024;

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

  /** A consistent view for one read operation; keeps the file handle open meanwhile. */
  private async withView<T>(fn: (v: IndexView) => Promise<T>): Promise<T> {
    const gen = this.generation;
    const fh = this.handle.acquire();
    try {
      return await fn({
        table: this.table, blooms: this.blooms, fh, fileSize: this.fileSize,
        check: () => { if (gen !== this.generation) throw supersededError(); },
      });
    } finally {
      this.handle.release();
    }
  }

  /**
   * Lines [start, start+count) of the file, or of the sequence of lines whose level is in
   * filter.levels. Past the indexed part, lines are read straight from the file (bounded),
   * so the first screen shows before indexing has got there.
   */
  readLines(start: number, count: number, filter?: LevelFilter): Promise<ReadLinesResult> {
    const mask = levelMask(filter?.levels);
    return this.withView((v) => readLines(v, start, count, mask));
  }

  /**
   * Lines containing every term of `query` (see query.ts), in file order, from fromLine on.
   * Pages end at `limit` matches or after maxScanBytes of reading; continue with nextLine.
   */
  search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    return this.withView((v) => search(v, query, opts));
  }

  /**
   * Streams the lines matching filter (levels and/or query) to write(), in chunks of
   * 256–512 K characters (longer only for a longer line), awaiting write for back-pressure.
   * Includes lines not indexed yet. Returns the number of lines written.
   */
  export(filter: ExportFilter, write: (chunk: string) => void | Promise<void>): Promise<number> {
    return this.withView((v) => exportLines(v, filter, write));
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
