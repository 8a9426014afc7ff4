// Local log files engine: background indexing, level filter, search, follow, export.
//
// API
//   detectLevel(line): Level                 JSON "level"/"severity" (pino numbers, names,
//                                            syslog 0–7) or a level token near the start.
//   LogFileIndex.open(path, { cacheDir })    reopens the persisted index in cacheDir when it
//                                            is the same file (dev/inode, not smaller, head
//                                            and last-indexed-bytes hashes), else starts fresh.
//   idx.path, idx.fileSize, idx.indexedBytes, idx.lineCount, idx.levelCounts()
//   idx.indexMore({ signal, onProgress, onCheckpoint, checkpointEveryBytes })
//       indexes from the last checkpoint to EOF (worker threads for large backlogs);
//       durable checkpoints; on abort checkpoints then rejects with the signal's reason.
//   idx.readLines(start, count, { levels }) → { total, lines: [{ n, level, text }], complete }
//       n = 0-based line number in the file; with levels, start/count address the
//       filtered sequence. Past the indexed part lines come straight from the file.
//   idx.search(query, { levels, fromLine, limit = 100, maxScanBytes = 64 MB, signal })
//       → { matches, nextLine, scannedBytes, done }: every term must occur,
//       case-insensitively, on token boundaries ("quoted phrases" whole); page on nextLine.
//   idx.refresh() → { grown, rotated }  follow mode: grown → indexMore(); rotated (renamed
//       and recreated, truncated, or rewritten) → the index was reset, indexMore() again.
//   idx.export({ levels, query }, write) → lines written; streams 256–512 K-char chunks.
//   idx.close()
//
// An unterminated last line is indexed as a provisional line (counted, searchable) that
// is never persisted and is replaced when the file grows.
//
// Index format (<cacheDir>/log-index-<sha256(path)>/, see index-store.ts, block-format.ts):
// the file is cut into blocks of whole lines (~64 KiB; one long line = one block). Per
// block: start offset, byte length, line count, line count per level (56-byte header in
// headers.seg) and a Bloom filter of its distinct tokens (blooms.seg; 12 bits/token, 8
// hashes). manifest.json (atomic rename, after fsync of the segments) is the checkpoint.
// No per-line data is stored: readers re-detect levels of the lines they read, with the
// same function over the same bytes, so filtered positions always agree with the counts.
export { detectLevel, LEVELS, type Level } from './levels.ts';
export { LogFileIndex } from './log-file-index.ts';
export type {
  ExportFilter, IndexCheckpoint, IndexMoreOptions, IndexProgress, LevelFilter,
  LogLine, OpenOptions, ReadLinesResult, SearchOptions, SearchResult,
} from './types.ts';
