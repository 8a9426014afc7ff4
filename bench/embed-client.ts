// Embedding client benchmark: 5,000 PR-like items of ~500 tokens against the OpenAI emulator at
// 5 M tokens/min, 5,000 requests/min and 300 ms latency (the emulator in a child process). Reports
// wall time against the rate-limit lower bound, then as the last line one JSON object.
// Run: node_modules/.bin/node bench/embed-client.ts [--tpm=N] [--rpm=N] [--latency=MS] [--runs=N]
// (e.g. --tpm=2000000 for a workload that outgrows the bucket, where refill sets the pace)
//
// The lower bound (src/main/embeddings/rate-bound.ts): each limit is a bucket that starts full and
// refills continuously at its limit per minute, so
//   min_wall = latency + max(0, (tokens − TPM)·60/TPM, (requests − RPM)·60/RPM)
// Here 2.4 M tokens in 20 requests fit the full 5 M / 5,000 buckets: nothing has to wait for a
// refill, everything could be sent at once, and the bound is one latency, 0.3 s. (Assuming an
// empty bucket at per-minute replenishment instead would give ~29 s, a "bound" any client that
// uses the full bucket beats by 20×.) The bound ignores transfer and server CPU; the table also
// shows the emulator's CPU, spent serially on one core, and the floor for a client that, like this
// one, must learn the limits from a first response before sending everything (≈ 2 latencies + CPU).
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeText } from '../test/emulators/openai/fixtures.ts';
import type { EmulatorStats } from '../test/emulators/openai/server.ts';
import { packBatches } from '../src/main/embeddings/batches.ts';
import type { EmbedItem } from '../src/main/embeddings/batches.ts';
import type { EmbedRunSummary } from '../src/main/embeddings/embed-run.ts';
import { OpenAIEmbedder, minWallSeconds } from '../src/main/embeddings/openai-embedder.ts';
import { countTokens, prepareEmbeddingText } from '../src/main/embeddings/text.ts';

const arg = (name: string, fallback: number): number => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? fallback : Number(raw);
};
const ITEMS = 5000;
const LIMITS = { rpm: arg('rpm', 5000), tpm: arg('tpm', 5_000_000), latencyMs: arg('latency', 300) };
const RUNS = arg('runs', 5);
const MODEL = 'text-embedding-3-small';

interface Child {
  baseUrl: string;
  ask<T>(message: string, key: string): Promise<T>;
  close(): Promise<void>;
}

async function startChild(): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./embed-emulator.ts', import.meta.url)), [JSON.stringify(LIMITS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`emulator exited (${code})`));
      const onMessage = (m: Record<string, unknown>): void => {
        if (!(key in m)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m[key] as T);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const baseUrl = await next<string>('baseUrl');
  return {
    baseUrl,
    ask: (message, key) => {
      const answer = next<never>(key);
      child.send(message);
      return answer;
    },
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Prepare: clean + truncate + count, as the pipeline does (this is where the tokenizer runs).
const docs = Array.from({ length: ITEMS }, (_, i) => ({ type: 'pr' as const, title: `Fix ${i}: scheduler lease renewal`, body: makeText(i + 1, i, 385) }));
let started = performance.now();
const items: EmbedItem[] = docs.map((d, i) => ({ id: `octo/repo#${i}`, ...prepareEmbeddingText(d) }));
const prepareMs = performance.now() - started;
const tokens = items.reduce((s, it) => s + it.tokens, 0);
started = performance.now();
let recount = 0;
for (const it of items) recount += countTokens(it.text);
const countMs = performance.now() - started;
if (recount !== tokens) throw new Error('token counts disagree');
const batches = packBatches(items);

const child = await startChild();
try {
  // Warm-up (JIT, sockets) with a throwaway embedder, then full buckets again.
  await new OpenAIEmbedder({ apiKey: 'sk-bench', baseURL: child.baseUrl, model: MODEL }).embedAll(batches.slice(0, 2));
  const runs: { wallS: number; summary: EmbedRunSummary; stats: EmulatorStats; cpuMs: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    await child.ask('refill', 'refilled');
    // A fresh embedder each run: it starts knowing nothing about the account's limits.
    const embedder = new OpenAIEmbedder({ apiKey: 'sk-bench', baseURL: child.baseUrl, model: MODEL });
    let vectors = 0;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const summary = await embedder.embedAll(batches, { onBatch: (b) => void (vectors += b.vectors.length) });
    const wallS = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    if (vectors !== ITEMS || summary.inputs !== ITEMS) throw new Error(`embedded ${vectors} of ${ITEMS}`);
    runs.push({ wallS, summary, stats: await child.ask<EmulatorStats>('stats', 'stats'), cpuMs: (used.user + used.system) / 1000 });
  }

  const mid = runs.find((r) => r.wallS === median(runs.map((x) => x.wallS))) ?? runs[0];
  const billed = mid.summary.billedTokens;
  const minWall = minWallSeconds({ tokens: billed, requests: batches.length, ...LIMITS });
  const emptyBucket = minWallSeconds({ tokens: billed, requests: batches.length, ...LIMITS, initialTokens: 0, initialRequests: 0 });
  const serverCpuS = mid.stats.cpuMs / 1000;
  const learnFloor = (2 * LIMITS.latencyMs) / 1000 + serverCpuS;
  const ratio = mid.wallS / minWall;
  const tokensPerS = billed / mid.wallS;

  console.log(`\nEmbedding client: ${ITEMS} items, ${tokens} tokens (${(tokens / ITEMS).toFixed(0)}/item), ${batches.length} batches; emulator ${LIMITS.tpm / 1e6} M TPM, ${LIMITS.rpm} RPM, ${LIMITS.latencyMs} ms latency`);
  console.log(table([
    ['measure', 'value'],
    ['prepare (clean + truncate + count), ms', prepareMs.toFixed(0)],
    ['tokenizer alone (countTokens), µs/token', ((countMs * 1000) / tokens).toFixed(3)],
    ['tokenizer alone, M tokens/s', (tokens / countMs / 1000).toFixed(1)],
    [`embedAll wall, s (median of ${RUNS}; all: ${runs.map((r) => r.wallS.toFixed(2)).join(' ')})`, mid.wallS.toFixed(3)],
    ['rate-limit lower bound (full buckets), s', minWall.toFixed(3)],
    ['wall ÷ bound', ratio.toFixed(2)],
    ['emulator CPU, serial on its core, s', serverCpuS.toFixed(3)],
    ['latency + emulator CPU (practical floor), s', (LIMITS.latencyMs / 1000 + serverCpuS).toFixed(3)],
    ['wall ÷ practical floor', (mid.wallS / (LIMITS.latencyMs / 1000 + serverCpuS)).toFixed(2)],
    ['2 latencies + emulator CPU (learn limits first), s', learnFloor.toFixed(3)],
    ['wall ÷ learn-first floor', (mid.wallS / learnFloor).toFixed(2)],
    ['bound if buckets started empty, s', emptyBucket.toFixed(1)],
    ['requests / 429s / retried errors', `${mid.summary.requests} / ${mid.summary.rateLimited} / ${mid.summary.transientErrors}`],
    ['emulator 429s (real limiter)', String(mid.stats.rateLimited)],
    ['billed tokens (usage)', String(billed)],
    ['throughput, tokens/s', tokensPerS.toFixed(0)],
    ['client CPU during embedAll, ms', mid.cpuMs.toFixed(0)],
  ]));
  console.log(JSON.stringify({ wall_s: +mid.wallS.toFixed(3), min_wall_s: +minWall.toFixed(3), ratio_to_min: +ratio.toFixed(3), tokens_per_s: Math.round(tokensPerS) }));
} finally {
  await child.close();
}
