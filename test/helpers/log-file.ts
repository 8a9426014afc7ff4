import { openSync, closeSync, writeSync } from 'node:fs';

const LEVELS = ['info', 'info', 'info', 'debug', 'warn', 'error'];

/** Writes a JSON-lines log of about `bytes` bytes; returns the number of lines. */
export function writeJsonLog(path: string, bytes: number, opts: { startAt?: number; flags?: string } = {}): number {
  const fd = openSync(path, opts.flags ?? 'w');
  let n = opts.startAt ?? 0;
  let written = 0;
  try {
    while (written < bytes) {
      const lines: string[] = [];
      for (let i = 0; i < 5000; i++, n++) {
        lines.push(JSON.stringify({ time: new Date(1_700_000_000_000 + n * 1000).toISOString(), level: LEVELS[n % LEVELS.length], event: n % 97 === 0 ? 'rate_limit_hit' : 'scrape_progress', msg: `processed item ${n} of repo octo/widgets`, reqId: `req-${n.toString(36)}` }));
      }
      const chunk = lines.join('\n') + '\n';
      writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
    }
  } finally {
    closeSync(fd);
  }
  return n - (opts.startAt ?? 0);
}
