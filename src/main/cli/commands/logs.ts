import { parseArgs } from 'node:util';
import { LogLevel, type LogEntry } from '../../../shared/contract/logs.ts';
import { openCore } from '../context.ts';
import { formatLogEntry, useColor } from '../output.ts';
import { stopSignal } from '../stop-signal.ts';
import { UsageError } from '../usage-error.ts';

export const logsUsage = `repo-ops logs tail [--run ID] [--level L] [--lines N] [-f|--follow] [--json]
repo-ops logs search <text> [--run ID] [--level L] [--limit N] [--json]
  levels (minimum): ${LogLevel.options.join(', ')}`;

function levelsFrom(min: string | undefined): LogLevel[] | undefined {
  if (!min) return undefined;
  const i = LogLevel.options.indexOf(min as LogLevel);
  if (i < 0) throw new UsageError(`Unknown level "${min}". Levels: ${LogLevel.options.join(', ')}`);
  return LogLevel.options.slice(i);
}

function positiveInt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number, got "${v}"`);
  return n;
}

export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { run: { type: 'string' }, level: { type: 'string' }, lines: { type: 'string' }, limit: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, json: { type: 'boolean' } },
  });
  const [sub, ...rest] = positionals;
  if (sub !== 'tail' && sub !== 'search') throw new UsageError(logsUsage);
  const levels = levelsFrom(values.level);
  const fmt = { json: Boolean(values.json), color: useColor(process.stdout) };
  const ctx = await openCore('cli');
  const print = (e: LogEntry) => process.stdout.write(formatLogEntry(e, fmt) + '\n');
  try {
    if (sub === 'search') {
      const text = rest.join(' ').trim();
      if (!text) throw new UsageError('logs search needs some text to look for');
      const { entries, hasMore } = await ctx.ops.logs.query({ text, levels, runId: values.run, limit: positiveInt(values.limit, 'limit', 100) });
      entries.reverse().forEach(print);
      if (hasMore && !values.json) process.stderr.write('(more matches: raise --limit or narrow the search)\n');
      if (!entries.length) {
        // Say so (grep-like exit 1 for scripts): an empty screen reads as "did it run at all?".
        const scope = [values.run ? `run ${values.run}` : '', values.level ? `level ${values.level}` : ''].filter(Boolean).join(', ');
        process.stderr.write(`No log lines match ${JSON.stringify(text)}${scope ? ` (${scope})` : ''}.\n`);
      }
      return entries.length ? 0 : 1;
    }
    const stopped = values.follow ? stopSignal() : null;
    const { entries } = await ctx.ops.logs.query({ levels, runId: values.run, limit: positiveInt(values.lines, 'lines', 20) });
    entries.reverse().forEach(print);
    if (!stopped) return 0;
    // Follow by polling the store: other processes (the desktop app, jobs) write to it too.
    let last = entries.at(-1)?.id ?? 0;
    if (!last) last = ctx.core.logStore.query({}, 1).entries[0]?.id ?? 0;
    const timer = setInterval(() => {
      const page = ctx.core.logStore.query({ levels, runId: values.run, afterId: last }, 500).entries;
      for (const e of page) {
        print(e);
        last = e.id;
      }
    }, 300);
    await stopped;
    clearInterval(timer);
    return 0;
  } finally {
    await ctx.close();
  }
}
