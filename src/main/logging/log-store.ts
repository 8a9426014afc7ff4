import { EventEmitter } from 'node:events';
import type { LogEntry, LogFilter, LogLevel } from '../../shared/contract/logs.ts';
import type { Db } from '../store/database.ts';
import { LEVEL_NUMBERS, levelName } from './levels.ts';
import type { LogRecord, LogSink } from './logger.ts';

interface Row {
  id: number;
  ts: number;
  level: number;
  event: string;
  msg: string;
  run_id: string | null;
  component: string | null;
  data: string;
}

const FLUSH_AT = 500;

/** Persists log records in SQLite (FTS5-indexed) in small batched transactions. */
export class LogStore implements LogSink {
  readonly events = new EventEmitter<{ entry: [LogEntry] }>();
  private buffer: LogRecord[] = [];
  private scheduled = false;
  private readonly insert;

  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    this.insert = db.prepare('INSERT INTO log_entries (ts, level, event, msg, run_id, component, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.events.setMaxListeners(0);
  }

  write(record: LogRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= FLUSH_AT) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (!this.buffer.length || !this.db.open) return;
    const batch = this.buffer;
    this.buffer = [];
    const stored: LogEntry[] = [];
    this.db.transaction(() => {
      for (const r of batch) {
        const data = JSON.stringify(r.data);
        const info = this.insert.run(r.ts, LEVEL_NUMBERS[r.level], r.event, r.msg, r.runId, r.component, data);
        stored.push({ id: Number(info.lastInsertRowid), ts: new Date(r.ts).toISOString(), level: r.level, event: r.event, msg: r.msg, runId: r.runId, component: r.component, data: r.data });
      }
    })();
    for (const e of stored) this.events.emit('entry', e);
  }

  query(filter: LogFilter & { beforeId?: number; afterId?: number }, limit: number): { entries: LogEntry[]; hasMore: boolean } {
    this.flush();
    const { sql, params } = buildQuery(filter);
    const order = filter.afterId !== undefined ? 'ASC' : 'DESC';
    const rows = this.db.prepare(`${sql} ORDER BY e.id ${order} LIMIT ?`).all(...params, limit + 1) as Row[];
    const hasMore = rows.length > limit;
    return { entries: rows.slice(0, limit).map(toEntry), hasMore };
  }

  /** Streams matching rows oldest first without holding them all. */
  *iterate(filter: LogFilter, max: number): Generator<LogEntry> {
    this.flush();
    const { sql, params } = buildQuery(filter);
    let n = 0;
    for (const row of this.db.prepare(`${sql} ORDER BY e.id ASC`).iterate(...params) as Iterable<Row>) {
      if (n++ >= max) return;
      yield toEntry(row);
    }
  }

  stats(): { count: number; oldest: string | null } {
    this.flush();
    const r = this.db.prepare('SELECT COUNT(*) AS c, MIN(ts) AS oldest FROM log_entries').get() as { c: number; oldest: number | null };
    return { count: r.c, oldest: r.oldest === null ? null : new Date(r.oldest).toISOString() };
  }

  /** Drops entries older than the retention window; returns how many went. */
  prune(retentionDays: number, now = Date.now()): number {
    this.flush();
    return this.db.prepare('DELETE FROM log_entries WHERE ts < ?').run(now - retentionDays * 86_400_000).changes;
  }
}

/** Turns free text into a safe FTS5 query: every term must match, last one as a prefix. */
export function ftsQuery(text: string): string | null {
  const terms = text.match(/"[^"]*"|\S+/g)?.map((t) => t.replace(/^"|"$/g, '')).filter((t) => t.trim()) ?? [];
  if (!terms.length) return null;
  return terms.map((t, i) => `"${t.replace(/"/g, '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

function buildQuery(f: LogFilter & { beforeId?: number; afterId?: number }): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'log_entries e';
  const fts = f.text ? ftsQuery(f.text) : null;
  if (fts) {
    from += ' JOIN log_fts ON log_fts.rowid = e.id';
    where.push('log_fts MATCH ?');
    params.push(fts);
  }
  if (f.levels?.length) {
    where.push(`e.level IN (${f.levels.map(() => '?').join(',')})`);
    params.push(...f.levels.map((l: LogLevel) => LEVEL_NUMBERS[l]));
  }
  const eq: [string, unknown][] = [['e.run_id', f.runId], ['e.component', f.component], ['e.event', f.event]];
  for (const [col, v] of eq) {
    if (v !== undefined) {
      where.push(`${col} = ?`);
      params.push(v);
    }
  }
  if (f.since) {
    where.push('e.ts >= ?');
    params.push(Date.parse(f.since));
  }
  if (f.until) {
    where.push('e.ts <= ?');
    params.push(Date.parse(f.until));
  }
  if (f.beforeId !== undefined) {
    where.push('e.id < ?');
    params.push(f.beforeId);
  }
  if (f.afterId !== undefined) {
    where.push('e.id > ?');
    params.push(f.afterId);
  }
  return { sql: `SELECT e.* FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params };
}

function parseData(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { raw };
  }
}

function toEntry(r: Row): LogEntry {
  const data = parseData(r.data);
  return { id: r.id, ts: new Date(r.ts).toISOString(), level: levelName(r.level), event: r.event, msg: r.msg, runId: r.run_id, component: r.component, data };
}
