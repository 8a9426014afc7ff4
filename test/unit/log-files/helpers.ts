// Shared fixtures for the log-files tests: deterministic content and a brute-force model.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEVELS, detectLevelBytes, type Level } from '../../../src/main/log-files/levels.ts';
import type { LogFileIndex, LogLine } from '../../../src/main/log-files/index.ts';

export function tempDir(prefix = 'log-files-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

import { rng } from '../../helpers/random.ts';
export { rng };

export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

export const WORDS = ['pipeline', 'started', 'scrape', 'progress', 'rate', 'limit', 'hit', 'request', 'failed', 'timeout',
  'Postgres', 'milvus', 'upsert', 'embedding', 'batch', 'retry', 'github', 'webhook', 'received', 'cache', 'miss',
  'connection', 'reset', 'user', 'repo', 'acme', 'widgets', 'Déjà', 'vu', '日本', 'ok', 'done', 'x', '42', 'v2'];

const PINO = [10, 20, 30, 40, 50, 60];
const NAMES = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'critical', 'notice', 'INFO', 'Error'];
const PLAIN = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'FATAL', 'CRITICAL', 'WARNING', '[info]', '[Warn]', 'level=error', 'error:'];

/** A random log line (no newline): pino JSON, severity JSON, plain text with a level, or no level. */
export function randomLine(rand: () => number, i: number): string {
  const words = Array.from({ length: 2 + Math.floor(rand() * 8) }, () => pick(rand, WORDS)).join(rand() < 0.2 ? '_' : ' ');
  const id = `id${i.toString(36)}z${Math.floor(rand() * 1e6).toString(36)}`;
  const kind = rand();
  if (kind < 0.35) return `{"level":${pick(rand, PINO)},"time":${1700000000000 + i},"reqId":"${id}","msg":"${words}"}`;
  if (kind < 0.5) return `{"time":"2025-01-01T00:00:${String(i % 60).padStart(2, '0')}Z","${rand() < 0.5 ? 'level' : 'severity'}":"${pick(rand, NAMES)}","message":"${words} ${id}"}`;
  if (kind < 0.85) return `2025-01-01 12:00:${String(i % 60).padStart(2, '0')} ${pick(rand, PLAIN)} ${words} ${id}`;
  return `   at ${words.replace(/ /g, '.')} (${id}.js:${i}:${Math.floor(rand() * 80)})`;
}

export interface ModelLine { n: number; level: Level; text: string }

/** What the index must report for `content`: lines split on \n, CR stripped, levels over the raw bytes. */
export function modelOf(content: string | Buffer): ModelLine[] {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  const out: ModelLine[] = [];
  let s = 0;
  while (s < buf.length) {
    let e = buf.indexOf(10, s);
    const next = e < 0 ? buf.length : e + 1;
    if (e < 0) e = buf.length;
    const end = e > s && buf[e - 1] === 13 ? e - 1 : e;
    out.push({ n: out.length, level: LEVELS[detectLevelBytes(buf, s, e)], text: buf.toString('utf8', s, end) });
    s = next;
  }
  return out;
}

export function levelTotals(model: ModelLine[]): Record<Level, number> {
  const out = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  for (const l of model) out[l.level]++;
  return out;
}

/** Reads every line through readLines in pages. */
export async function allLines(idx: LogFileIndex, levels?: Level[], page = 997): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for (;;) {
    const r = await idx.readLines(out.length, page, levels ? { levels } : undefined);
    out.push(...r.lines);
    if (r.lines.length < page) return out;
  }
}
