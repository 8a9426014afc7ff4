import type { LogEntry } from '../../shared/contract/logs.ts';

const LEVEL_COLORS: Record<string, string> = { trace: '90', debug: '90', info: '36', warn: '33', error: '31', fatal: '35' };

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export function paint(text: string, code: string, on: boolean): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** One log entry as one readable line (or its JSON with --json). */
export function formatLogEntry(e: LogEntry, opts: { json: boolean; color: boolean }): string {
  if (opts.json) return JSON.stringify(e);
  const level = paint(e.level.toUpperCase().padEnd(5), LEVEL_COLORS[e.level] ?? '0', opts.color);
  const run = e.runId ? ` [${e.runId.slice(0, 8)}]` : '';
  const data = Object.keys(e.data).length ? ` ${JSON.stringify(e.data)}` : '';
  return `${e.ts} ${level} ${e.event}${run} ${e.msg}${data}`;
}

/** A simple aligned table for terminal output. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
