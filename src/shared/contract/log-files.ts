import { z } from 'zod';
import { call, topic } from './define.ts';
import { id, noInput, ok } from './common.ts';

export const FILE_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'] as const;
export const FileLevel = z.enum(FILE_LEVELS);
export type FileLevel = z.infer<typeof FileLevel>;

export const LogFileState = z.object({
  fileId: id,
  path: z.string(),
  size: z.number(),
  indexedBytes: z.number(),
  lineCount: z.number().int(),
  levelCounts: z.partialRecord(FileLevel, z.number().int()),
  indexing: z.boolean(),
  runId: z.string().nullable(),
  missing: z.boolean(),
  rotations: z.number().int(),
});
export type LogFileState = z.infer<typeof LogFileState>;

export const FileLine = z.object({ n: z.number().int(), level: FileLevel, text: z.string(), truncated: z.boolean() });
export type FileLine = z.infer<typeof FileLine>;

export const LogHistogram = z.object({
  /** Bucket width in ms; buckets start at `from` (null when no matching line carries a time). */
  bucketMs: z.number(),
  from: z.number().nullable(),
  counts: z.array(z.number().int()),
  /** Matching lines counted; `undated` of them carry no time and are not in a bucket. */
  matched: z.number().int(),
  undated: z.number().int(),
  /** False when the scan stopped early (indexing still running, or the scan budget was spent): counts are a prefix. */
  complete: z.boolean(),
  scannedBytes: z.number(),
});
export type LogHistogram = z.infer<typeof LogHistogram>;

export const MergeCursor = z.array(z.object({ pos: z.number().int().min(0), time: z.number().nullable() }));
export type MergeCursor = z.infer<typeof MergeCursor>;
export const MergedLine = FileLine.extend({ fileId: id, time: z.number().nullable() });
export type MergedLine = z.infer<typeof MergedLine>;

const filePath = z
  .string()
  .trim()
  .min(1, 'enter the path of a log file')
  .max(4096, 'path is too long')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export const logFileCalls = {
  'logFiles.open': call('Open a local log file and index it in the background (a job)', z.object({ path: filePath }), LogFileState),
  'logFiles.list': call('Log files opened before', noInput, z.array(LogFileState)),
  'logFiles.lines': call(
    'Lines of an opened file by position, optionally only some levels',
    z.object({ fileId: id, start: z.number().int().min(0), count: z.number().int().min(1).max(2000), levels: z.array(FileLevel).optional() }),
    z.object({ total: z.number().int(), lines: z.array(FileLine) }),
  ),
  'logFiles.search': call(
    'Full-text search in an opened file (all terms, "quoted phrases"), paged by line',
    z.object({ fileId: id, query: z.string().trim().min(1, 'enter something to search for').max(500), levels: z.array(FileLevel).optional(), fromLine: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(2000).default(200) }),
    z.object({ matches: z.array(FileLine), nextLine: z.number().int().nullable(), scannedBytes: z.number(), done: z.boolean() }),
  ),
  'logFiles.export': call(
    'The file’s lines matching a filter, as text (at most 100,000 lines)',
    z.object({ fileId: id, levels: z.array(FileLevel).optional(), query: z.string().max(500).optional() }),
    z.object({ content: z.string(), lines: z.number().int(), truncated: z.boolean() }),
  ),
  'logFiles.histogram': call(
    'Matching lines per time bucket (all lines without a query): the time histogram of a search',
    z.object({ fileId: id, query: z.string().trim().max(500).optional(), levels: z.array(FileLevel).optional(), buckets: z.number().int().min(10).max(400).default(120) }),
    LogHistogram,
  ),
  'logFiles.merge': call(
    'Several opened files interleaved by time, paged forward with the returned cursor (lines without a time stay after their predecessor)',
    z
      .object({
        fileIds: z.array(id).min(2, 'choose at least two files to merge').max(8, 'merge at most 8 files'),
        levels: z.array(FileLevel).optional(),
        cursor: MergeCursor.optional(),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .refine((v) => new Set(v.fileIds).size === v.fileIds.length, { message: 'a file is listed twice', path: ['fileIds'] })
      .refine((v) => !v.cursor || v.cursor.length === v.fileIds.length, { message: 'the cursor must have one entry per file', path: ['cursor'] }),
    z.object({ lines: z.array(MergedLine), cursor: MergeCursor, done: z.boolean() }),
  ),
  'logFiles.close': call('Stop following a file and forget it', z.object({ fileId: id }), ok),
};

export const logFileTopics = {
  'logFiles.changed': topic('An opened file grew, rotated or progressed in indexing; subscribing also follows the file', z.object({ fileId: id }), LogFileState),
};
