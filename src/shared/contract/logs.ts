import { z } from 'zod';
import { call, topic } from './define.ts';
import { id, isoTime, noInput } from './common.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const LogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevel>;

export const LogEntry = z.object({
  id: z.number().int(),
  ts: isoTime,
  level: LogLevel,
  event: z.string(),
  msg: z.string(),
  runId: z.string().nullable(),
  component: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type LogEntry = z.infer<typeof LogEntry>;

export const LogFilter = z.object({
  text: z.string().max(500).optional(),
  levels: z.array(LogLevel).optional(),
  runId: id.optional(),
  component: z.string().max(100).optional(),
  event: z.string().max(100).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
});
export type LogFilter = z.infer<typeof LogFilter>;

export const logCalls = {
  'logs.query': call(
    'The app’s own structured logs, newest first, with full-text search',
    LogFilter.extend({ beforeId: z.number().int().optional(), limit: z.number().int().min(1).max(2000).default(200) }),
    z.object({ entries: z.array(LogEntry), hasMore: z.boolean() }),
  ),
  'logs.export': call(
    'Matching log lines as JSON lines or CSV (at most 100,000 lines)',
    LogFilter.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') }),
    z.object({ content: z.string(), lines: z.number().int(), truncated: z.boolean() }),
  ),
  'logs.stats': call('Size and retention of the log store', noInput, z.object({ count: z.number().int(), oldest: isoTime.nullable(), retentionDays: z.number().int() })),
};

export const logTopics = {
  'logs.line': topic('New log lines as they are written', z.object({ runId: id.optional(), component: z.string().max(100).optional(), minLevel: LogLevel.optional() }).default({}), LogEntry),
};
