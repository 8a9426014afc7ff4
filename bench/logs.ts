// bench:logs — a ≈1 GB pino-like JSON-lines log (≈5 M lines, generated once into
// .cache/bench/) opened in the real app core (`repo-ops serve`, driven over its
// WebSocket protocol like the console does): first screen, background index job,
// search, and the core's peak RSS. Prints a table, then one JSON line with the figures.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileLevel as Level } from '../src/shared/contract/log-files.ts';
import { startServe, wsClient, type ServeProcess } from '../test/helpers/serve-process.ts';
import { EVENTS, LINES_PER_REQUEST, REPOS, ensureLog, requestId, rng } from './logs-generate.ts';
import { ensureFreshBuild } from './fresh-build.ts';

// The core as `repo-ops serve` users run it, built from this commit.
ensureFreshBuild();

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOG = `${ROOT}.cache/bench/logs-1gb.jsonl`;
const HOME = `${ROOT}.cache/bench/logs-home`;
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

/** Peak resident set size of the core process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function connect(): Promise<{ serve: ServeProcess; c: ReturnType<typeof wsClient> }> {
  // A console opens files only from its allowed directories: allow the generated log's.
  const serve = await startServe({ home: HOME, entry: 'built', args: ['--logs-dir', dirname(LOG)] });
  const c = wsClient(serve.origin, serve.token);
  await c.opened;
  return { serve, c };
}

async function main(): Promise<void> {
  const log = await ensureLog(LOG, TARGET_BYTES, (s) => console.log(s));
  console.log(`log: ${LOG} (${fmt(log.bytes / 2 ** 20, 0)} MiB, ${log.lines} lines)`);
  await rm(HOME, { recursive: true, force: true });

  let { serve, c } = await connect();
  try {
    // Time to first screen on a never-indexed file: open (starts the index job) + first 100 lines.
    const t0 = performance.now();
    const opened = await c.ops.logFiles.open({ path: LOG });
    const first = await c.ops.logFiles.lines({ fileId: opened.fileId, start: 0, count: 100 });
    const firstScreenMs = performance.now() - t0;
    if (first.lines.length !== 100) throw new Error('first screen is not 100 lines');

    // The background index job, from open until the job reports success.
    const run = await new Promise<{ status: string }>((resolve) => {
      const check = async () => {
        const r = await c.ops.jobs.get({ runId: opened.runId! });
        if (['succeeded', 'failed', 'cancelled'].includes(r.status)) resolve(r);
        else setTimeout(check, 20);
      };
      void check();
    });
    const indexMs = performance.now() - t0;
    const indexed = await c.ops.logFiles.open({ path: LOG });
    if (run.status !== 'succeeded' || indexed.lineCount !== log.lines || indexed.indexedBytes !== log.bytes) {
      throw new Error(`index job ${run.status}: ${indexed.lineCount} lines / ${indexed.indexedBytes} bytes`);
    }

    const qs = queries(log.lines);
    const results: { q: Query; ms: number; r: { matches: unknown[]; scannedBytes: number } }[] = [];
    for (const q of qs) {
      const [r, ms] = await timed(() => c.ops.logFiles.search({ fileId: opened.fileId, query: q.query, levels: q.levels, limit: 100 }));
      results.push({ q, ms, r });
    }
    const peakRss = peakRssMb(serve.child.pid!);

    // A restarted core reopens the persisted index instead of reindexing.
    c.close();
    await serve.stop();
    ({ serve, c } = await connect());
    const [reopened, reopenMs] = await timed(() => c.ops.logFiles.open({ path: LOG }));
    if (reopened.indexing || reopened.lineCount !== log.lines) throw new Error('the restarted core did not reuse the persisted index');
    const [, midMs] = await timed(() => c.ops.logFiles.lines({ fileId: reopened.fileId, start: Math.floor(log.lines / 2), count: 100 }));
    const [, errMs] = await timed(() => c.ops.logFiles.lines({ fileId: reopened.fileId, start: 100_000, count: 100, levels: ['error', 'fatal'] }));

    const all = results.map((x) => x.ms);
    const searchP95 = percentile(all, 95);
    const kinds = [...new Set(qs.map((q) => q.kind))];
    console.log('\nSearch through the core (first page of up to 100 matches, after indexing)');
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
    console.log('\nLog viewer in the app core (repo-ops serve, 1 GiB JSON lines)');
    console.log(table([
      ['metric', 'value', 'goal', 'met'],
      ['first screen, fresh file (open + 100 lines)', `${fmt(firstScreenMs)} ms`, `< ${GOALS.first_screen_ms} ms`, ok(firstScreenMs, GOALS.first_screen_ms)],
      ['full index (background job)', `${fmt(indexMs / 1000, 2)} s (${fmt(log.bytes / 2 ** 20 / (indexMs / 1000), 0)} MiB/s)`, `< ${GOALS.index_s} s`, ok(indexMs / 1000, GOALS.index_s)],
      [`search p95 (${results.length} queries)`, `${fmt(searchP95)} ms`, `< ${GOALS.search_p95_ms} ms`, ok(searchP95, GOALS.search_p95_ms)],
      ['peak RSS of the core (VmHWM)', `${fmt(peakRss, 0)} MB`, `< ${GOALS.peak_rss_mb} MB`, ok(peakRss, GOALS.peak_rss_mb)],
      ['reopen after a core restart', `${fmt(reopenMs)} ms`, '', ''],
      ['100 lines from the middle (reopened)', `${fmt(midMs)} ms`, '', ''],
      ['100 lines, error+fatal filter, pos 100000', `${fmt(errMs)} ms`, '', ''],
    ]));
    console.log(JSON.stringify(summary));
  } finally {
    c.close();
    await serve.stop();
  }
}

await main();
