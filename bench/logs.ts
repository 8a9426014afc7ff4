// Log viewer benchmark: a ≈1 GB pino-like JSON-lines log (≈5 M lines, generated once
// into .cache/bench/), indexed by the engine running in a child process that stands in
// for the app core. Prints a table, then as the last line one JSON object with the
// headline figures. Run: node_modules/.bin/node bench/logs.ts
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Level, ReadLinesResult, SearchResult } from '../src/main/log-files/index.ts';
import { EngineClient } from './logs-client.ts';
import { EVENTS, LINES_PER_REQUEST, REPOS, ensureLog, requestId, rng } from './logs-generate.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOG = `${ROOT}.cache/bench/logs-1gb.jsonl`;
const CACHE = `${ROOT}.cache/bench/logs-index`;
const TARGET_BYTES = 2 ** 30;
const GOALS = { first_screen_ms: 300, index_s: 20, search_p95_ms: 100, peak_rss_mb: 400 };

interface Query { kind: string; query: string; levels?: Level[] }

function queries(lines: number): Query[] {
  const rand = rng(7);
  const someRequest = (): string => requestId(Math.floor(rand() * (lines / LINES_PER_REQUEST - 1)));
  const errorLevels: Level[] = ['error', 'fatal'];
  const q: Query[] = [];
  for (let i = 0; i < 12; i++) q.push({ kind: 'rare request id', query: someRequest() });
  for (const e of EVENTS.slice(0, 10)) q.push({ kind: 'common event', query: e });
  for (const w of ['ETIMEDOUT', 'ECONNRESET', 'deadlock', 'timeout', 'failed', 'MilvusError', 'TimeoutError', 'PostgresError', 'HttpError', 'loaded']) {
    q.push({ kind: 'error word + level', query: w, levels: errorLevels });
  }
  for (const w of ['kubelet', 'segfault', 'zebra_unicorn', 'req-zzzzzzzz', 'oauth2', 'acme/rockets', 'panic', 'nosuchevent', 'elasticsearch', 'ECONNREFUSED']) {
    q.push({ kind: 'absent term', query: w });
  }
  for (const p of ['"rate limit exceeded"', '"connect ETIMEDOUT"', '"deadlock detected"', '"collection not loaded"', '"retrying in 30s"',
    '"pipeline started for octo/docs"', '"cache miss for golang/go"', '"with text-embedding-3-small"', '"query took 512 ms"', '"API rate limit"']) {
    q.push({ kind: 'phrase', query: p });
  }
  q.push({ kind: 'two terms', query: `rate_limit_hit ${REPOS[0]}` });
  q.push({ kind: 'two terms', query: `${someRequest()} pg_query` });
  q.push({ kind: 'two terms', query: 'ETIMEDOUT torvalds/linux', levels: errorLevels });
  q.push({ kind: 'two terms', query: 'webhook_received "octo/cli"' });
  q.push({ kind: 'two terms', query: `${someRequest()} ${someRequest()}` });
  q.push({ kind: 'two terms', query: 'scrape_progress ops-worker-2', levels: ['warn'] });
  return q;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

const fmt = (n: number, d = 1): string => n.toFixed(d);

async function main(): Promise<void> {
  const log = await ensureLog(LOG, TARGET_BYTES, (s) => console.log(s));
  console.log(`log: ${LOG} (${fmt(log.bytes / 2 ** 20, 0)} MiB, ${log.lines} lines)`);
  await rm(CACHE, { recursive: true, force: true });

  const engine = new EngineClient();
  await engine.ready;
  try {
    // Time to first screen on a never-indexed file: open + first 100 lines.
    const [, openMs] = await timed(() => engine.call({ op: 'open', path: LOG, cacheDir: CACHE }));
    const [first, readMs] = await timed(() => engine.call<ReadLinesResult>({ op: 'readLines', start: 0, count: 100 }));
    if (first.lines.length !== 100) throw new Error('first screen is not 100 lines');
    const firstScreenMs = openMs + readMs;

    const [indexed, indexMs] = await timed(() => engine.call<{ lineCount: number; indexedBytes: number }>({ op: 'indexMore' }));
    if (indexed.lineCount !== log.lines || indexed.indexedBytes !== log.bytes) {
      throw new Error(`index mismatch: ${indexed.lineCount} lines / ${indexed.indexedBytes} bytes`);
    }

    // Reopen from the persisted index, first screen in the middle of the file.
    const [, reopenMs] = await timed(() => engine.call({ op: 'open', path: LOG, cacheDir: CACHE }));
    const [, midMs] = await timed(() => engine.call({ op: 'readLines', start: Math.floor(log.lines / 2), count: 100 }));
    const [, errMs] = await timed(() => engine.call({ op: 'readLines', start: 100_000, count: 100, levels: ['error', 'fatal'] }));

    const qs = queries(log.lines);
    const results: { q: Query; ms: number; r: SearchResult }[] = [];
    for (const q of qs) {
      const [r, ms] = await timed(() => engine.call<SearchResult>({ op: 'search', query: q.query, levels: q.levels, limit: 100 }));
      results.push({ q, ms, r });
    }
    const peakRss = engine.peakRssMb();
    await engine.call({ op: 'close' });

    const all = results.map((x) => x.ms);
    const searchP95 = percentile(all, 95);
    const kinds = [...new Set(qs.map((q) => q.kind))];
    console.log('\nSearch (first page of up to 100 matches, after indexing)');
    console.log(table([
      ['kind', 'queries', 'p50 ms', 'p95 ms', 'max ms', 'avg matches', 'avg scanned MB'],
      ...kinds.map((k) => {
        const rs = results.filter((x) => x.q.kind === k);
        const ms = rs.map((x) => x.ms);
        return [k, String(rs.length), fmt(percentile(ms, 50)), fmt(percentile(ms, 95)), fmt(Math.max(...ms)),
          fmt(rs.reduce((n, x) => n + x.r.matches.length, 0) / rs.length, 0), fmt(rs.reduce((n, x) => n + x.r.scannedBytes, 0) / rs.length / 2 ** 20, 2)];
      }),
      ['all', String(results.length), fmt(percentile(all, 50)), fmt(searchP95), fmt(Math.max(...all)), '', ''],
    ]));
    const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 3);
    console.log(`slowest: ${slowest.map((x) => `${x.q.query}${x.q.levels ? ` [${x.q.levels.join(',')}]` : ''} ${fmt(x.ms)} ms`).join('; ')}`);

    const summary = { first_screen_ms: Number(fmt(firstScreenMs)), index_s: Number(fmt(indexMs / 1000, 2)), search_p95_ms: Number(fmt(searchP95)), peak_rss_mb: Number(fmt(peakRss, 0)) };
    const ok = (v: number, goal: number): string => (v < goal ? 'yes' : 'NO');
    console.log('\nLog viewer engine (child process, 1 GiB JSON lines)');
    console.log(table([
      ['metric', 'value', 'goal', 'met'],
      ['first screen, fresh file (open + 100 lines)', `${fmt(firstScreenMs)} ms`, `< ${GOALS.first_screen_ms} ms`, ok(firstScreenMs, GOALS.first_screen_ms)],
      ['full index', `${fmt(indexMs / 1000, 2)} s (${fmt(log.bytes / 2 ** 20 / (indexMs / 1000), 0)} MiB/s)`, `< ${GOALS.index_s} s`, ok(indexMs / 1000, GOALS.index_s)],
      [`search p95 (${results.length} queries)`, `${fmt(searchP95)} ms`, `< ${GOALS.search_p95_ms} ms`, ok(searchP95, GOALS.search_p95_ms)],
      ['peak RSS of the engine process (VmHWM)', `${fmt(peakRss, 0)} MB`, `< ${GOALS.peak_rss_mb} MB`, ok(peakRss, GOALS.peak_rss_mb)],
      ['reopen persisted index', `${fmt(reopenMs)} ms`, '', ''],
      ['100 lines from the middle (reopened)', `${fmt(midMs)} ms`, '', ''],
      ['100 lines, error+fatal filter, pos 100000', `${fmt(errMs)} ms`, '', ''],
    ]));
    console.log(JSON.stringify(summary));
  } finally {
    await engine.stop();
  }
}

await main();
