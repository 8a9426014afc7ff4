// Public types of the log-file engine.
import type { Level } from './levels.ts';

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
