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
  'logFiles.close': call('Stop following a file and forget it', z.object({ fileId: id }), ok),
};

export const logFileTopics = {
  'logFiles.changed': topic('An opened file grew, rotated or progressed in indexing; subscribing also follows the file', z.object({ fileId: id }), LogFileState),
};
