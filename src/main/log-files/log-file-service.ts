import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertInAllowedDir } from './allowed-dirs.ts';
import type { FileLevel, FileLine, LogFileState, LogHistogram, MergeCursor } from '../../shared/contract/log-files.ts';
import { OpsError } from '../../shared/errors.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Logger } from '../logging/logger.ts';
import type { Db } from '../store/database.ts';
import { histogram } from './histogram.ts';
import { LEVELS, LogFileIndex, type LogLine } from './index.ts';
import { mergeByTime } from './merge.ts';

export const LOG_INDEX_JOB = 'log-index';
const MAX_LINE_CHARS = 16_384;
const EXPORT_MAX_LINES = 100_000;
const POLL_MS = 1000;
/** Appends smaller than this are indexed right away in follow mode; larger ones become a job. */
const INLINE_FOLLOW_BYTES = 16 * 1024 * 1024;

interface OpenFile {
  fileId: string;
  index: LogFileIndex;
  runId: string | null;
  indexing: boolean;
  missing: boolean;
  rotations: number;
  listeners: Set<(s: LogFileState) => void>;
  watcher: FSWatcher | null;
  poll: NodeJS.Timeout | null;
  refreshing: boolean;
}

export const fileIdFor = (path: string) => createHash('sha256').update(path).digest('hex').slice(0, 16);

/** Opened local log files: background indexing (a job), reading, search, follow, export. */
export class LogFileService {
  private readonly files = new Map<string, OpenFile>();
  private readonly opening = new Map<string, Promise<OpenFile>>();
  private readonly db: Db;
  private readonly jobs: JobQueue;
  private readonly log: Logger;
  private readonly cacheDir: string;
  private readonly remoteDirs: string[];

  /** `remoteDirs`: where a remote console (repo-ops serve) may open files; local callers may open any. */
  constructor(opts: { db: Db; jobs: JobQueue; logger: Logger; cacheDir: string; remoteDirs?: string[] }) {
    this.db = opts.db;
    this.jobs = opts.jobs;
    this.log = opts.logger;
    this.cacheDir = opts.cacheDir;
    this.remoteDirs = opts.remoteDirs ?? [];
  }

  async open(path: string, opts: { remote?: boolean } = {}): Promise<LogFileState> {
    const abs = resolve(path);
    if (opts.remote) await assertInAllowedDir(abs, this.remoteDirs);
    await assertReadableFile(abs);
    const f = await this.ensureOpen(abs);
    this.db.prepare('INSERT INTO log_files (id, path, opened_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET opened_at = excluded.opened_at').run(f.fileId, abs, new Date().toISOString());
    this.log.info('log_file_opened', `Opened ${abs}`, { path: abs, size: f.index.fileSize, indexedBytes: f.index.indexedBytes });
    if (f.index.indexedBytes < f.index.fileSize && !f.indexing) await this.startIndexJob(f);
    return this.state(f);
  }

  /** Used by the index job too, so a resumed job after a crash finds its file. */
  async ensureOpen(abs: string): Promise<OpenFile> {
    const fileId = fileIdFor(abs);
    const existing = this.files.get(fileId);
    if (existing) return existing;
    let pending = this.opening.get(fileId);
    if (!pending) {
      pending = LogFileIndex.open(abs, { cacheDir: this.cacheDir }).then((index) => {
        const f: OpenFile = { fileId, index, runId: null, indexing: false, missing: false, rotations: 0, listeners: new Set(), watcher: null, poll: null, refreshing: false };
        this.files.set(fileId, f);
        return f;
      });
      this.opening.set(fileId, pending);
      pending.finally(() => this.opening.delete(fileId)).catch(() => {});
    }
    return pending;
  }

  list(): LogFileState[] {
    const rows = this.db.prepare('SELECT id, path FROM log_files ORDER BY opened_at DESC LIMIT 50').all() as { id: string; path: string }[];
    return rows.map((r) => {
      const f = this.files.get(r.id);
      return f ? this.state(f) : { fileId: r.id, path: r.path, size: 0, indexedBytes: 0, lineCount: 0, levelCounts: {}, indexing: false, runId: null, missing: false, rotations: 0 };
    });
  }

  async lines(fileId: string, start: number, count: number, levels?: FileLevel[]): Promise<{ total: number; lines: FileLine[] }> {
    const f = this.get(fileId);
    const r = await f.index.readLines(start, count, { levels });
    return { total: r.total, lines: r.lines.map(toLine) };
  }

  async search(fileId: string, query: string, opts: { levels?: FileLevel[]; fromLine: number; limit: number }) {
    const f = this.get(fileId);
    const r = await f.index.search(query, opts);
    return { ...r, matches: r.matches.map(toLine) };
  }

  /** Matching lines per time bucket (every line without a query). */
  async histogram(fileId: string, opts: { query?: string; levels?: FileLevel[]; buckets: number }): Promise<LogHistogram> {
    const f = this.get(fileId);
    return histogram((q, o) => f.index.search(q, o), opts.query?.trim() ?? '', { levels: opts.levels, buckets: opts.buckets });
  }

  /** Opened files interleaved by time, one page from `cursor` on. */
  async merge(fileIds: string[], opts: { levels?: FileLevel[]; cursor?: MergeCursor; limit: number }) {
    const files = fileIds.map((id) => this.get(id));
    const cursor = opts.cursor ?? files.map(() => ({ pos: 0, time: null }));
    if (cursor.length !== files.length) throw new OpsError('invalid_input', 'cursor: one entry per file is needed');
    const r = await mergeByTime(
      files.map((f) => ({ id: f.fileId, read: (pos, count) => f.index.readLines(pos, count, { levels: opts.levels }) })),
      cursor,
      opts.limit,
    );
    return { lines: r.lines.map((l) => ({ ...toLine(l), fileId: l.source, time: l.time })), cursor: r.cursor, done: r.done };
  }

  async export(fileId: string, filter: { levels?: FileLevel[]; query?: string }): Promise<{ content: string; lines: number; truncated: boolean }> {
    const f = this.get(fileId);
    const chunks: string[] = [];
    let lines = 0;
    let truncated = false;
    const stop = new Error('export limit');
    try {
      await f.index.export({ levels: filter.levels, query: filter.query?.trim() || undefined }, (chunk) => {
        for (const line of chunk.split('\n')) {
          if (!line) continue;
          if (lines >= EXPORT_MAX_LINES) {
            truncated = true;
            throw stop;
          }
          chunks.push(line);
          lines++;
        }
      });
    } catch (e) {
      if (e !== stop) throw e;
    }
    return { content: chunks.join('\n') + (chunks.length ? '\n' : ''), lines, truncated };
  }

  async close(fileId: string): Promise<void> {
    const f = this.get(fileId);
    this.stopWatching(f);
    this.files.delete(fileId);
    this.db.prepare('DELETE FROM log_files WHERE id = ?').run(fileId);
    await f.index.close();
  }

  /** Subscribing follows the file: growth is indexed and rotation noticed while anyone listens. */
  follow(fileId: string, listener: (s: LogFileState) => void): () => void {
    const f = this.files.get(fileId);
    if (!f) throw new OpsError('not_found', 'This log file is not open (open it again)');
    f.listeners.add(listener);
    if (!f.poll) this.startWatching(f);
    // Start every subscriber from the current state: indexing may have finished already.
    queueMicrotask(() => f.listeners.has(listener) && listener(this.state(f)));
    return () => {
      f.listeners.delete(listener);
      if (!f.listeners.size) this.stopWatching(f);
    };
  }

  /** Runs one indexing pass for the job, reporting progress to followers too. */
  async runIndex(abs: string, runId: string, opts: { signal: AbortSignal; onProgress(p: { indexedBytes: number; fileSize: number; lines: number }): void; onCheckpoint(c: { indexedBytes: number; lines: number }): void }) {
    const f = await this.ensureOpen(abs);
    f.runId = runId;
    f.indexing = true;
    this.emit(f);
    let last = 0;
    try {
      await f.index.indexMore({
        signal: opts.signal,
        onCheckpoint: opts.onCheckpoint,
        onProgress: (p) => {
          opts.onProgress(p);
          if (Date.now() - last > 250) {
            last = Date.now();
            this.emit(f);
          }
        },
      });
      return { lines: f.index.lineCount, bytes: f.index.indexedBytes, levelCounts: f.index.levelCounts() };
    } finally {
      f.indexing = false;
      this.emit(f);
    }
  }

  async closeAll(): Promise<void> {
    for (const f of this.files.values()) {
      this.stopWatching(f);
      await f.index.close().catch(() => {});
    }
    this.files.clear();
  }

  private async startIndexJob(f: OpenFile): Promise<void> {
    const run = await this.jobs.enqueue(LOG_INDEX_JOB, { path: f.index.path }, { dedupe: true });
    f.runId = run.id;
    f.indexing = true;
  }

  private startWatching(f: OpenFile): void {
    const check = () => void this.checkForChanges(f);
    try {
      f.watcher = watch(f.index.path, { persistent: false }, check);
      f.watcher.on('error', () => {});
    } catch {
      f.watcher = null; // some file systems cannot watch: polling still works
    }
    f.poll = setInterval(check, POLL_MS);
    f.poll.unref();
  }

  private stopWatching(f: OpenFile): void {
    f.watcher?.close();
    if (f.poll) clearInterval(f.poll);
    f.watcher = null;
    f.poll = null;
  }

  private async checkForChanges(f: OpenFile): Promise<void> {
    if (f.refreshing || f.indexing) return;
    f.refreshing = true;
    try {
      const exists = await stat(f.index.path).then(() => true, () => false);
      if (exists !== !f.missing) {
        f.missing = !exists;
        this.emit(f);
      }
      if (!exists) return;
      const { grown, rotated } = await f.index.refresh();
      if (rotated) {
        f.rotations++;
        this.log.info('log_file_rotated', `${f.index.path} was rotated or truncated; reindexing`, { path: f.index.path });
        // Re-establish the watch on the new inode.
        this.stopWatching(f);
        this.startWatching(f);
      }
      if (!grown && !rotated) return;
      if (f.index.fileSize - f.index.indexedBytes > INLINE_FOLLOW_BYTES) await this.startIndexJob(f);
      else await f.index.indexMore();
      this.emit(f);
    } catch (e) {
      this.log.warn('log_file_follow_failed', `Following ${f.index.path} failed: ${(e as Error).message}`);
    } finally {
      f.refreshing = false;
    }
  }

  private get(fileId: string): OpenFile {
    const f = this.files.get(fileId);
    if (!f) throw new OpsError('not_found', 'This log file is not open (open it again)', { fileId });
    return f;
  }

  private emit(f: OpenFile): void {
    if (!f.listeners.size) return;
    const s = this.state(f);
    for (const l of f.listeners) l(s);
  }

  state(f: OpenFile): LogFileState {
    const counts = f.index.levelCounts() as Record<string, number>;
    return {
      fileId: f.fileId,
      path: f.index.path,
      size: f.index.fileSize,
      indexedBytes: f.index.indexedBytes,
      lineCount: f.index.lineCount,
      levelCounts: Object.fromEntries(LEVELS.map((l) => [l, counts[l] ?? 0])),
      indexing: f.indexing,
      runId: f.runId,
      missing: f.missing,
      rotations: f.rotations,
    };
  }
}

function toLine(l: LogLine): FileLine {
  const truncated = l.text.length > MAX_LINE_CHARS;
  return { n: l.n, level: l.level, text: truncated ? l.text.slice(0, MAX_LINE_CHARS) : l.text, truncated };
}

async function assertReadableFile(abs: string): Promise<void> {
  try {
    const st = await stat(abs);
    if (st.isDirectory()) throw new OpsError('invalid_input', `${abs} is a directory, not a log file`);
    if (!st.isFile()) throw new OpsError('invalid_input', `${abs} is not a regular file`);
  } catch (e) {
    if (e instanceof OpsError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OpsError('not_found', `No such file: ${abs}`);
    if (code === 'EACCES' || code === 'EPERM') throw new OpsError('unavailable', `Permission denied reading ${abs}`);
    throw new OpsError('unavailable', `Cannot open ${abs}: ${(e as Error).message}`);
  }
}
