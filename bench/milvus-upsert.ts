// bench: Milvus upsert and search — 5,000 random 1536-dim vectors (text-embedding-3-small's size)
// upserted in batches of 1,000 into Milvus Lite (or MILVUS_URL), then 100 searches. Also runs the
// same upsert with batches of 500 and with the SDK's own row encoder, and shows where the CPU
// time goes (client vs server), since that is what bounds the rate. Prints a table, then one
// JSON line: {"milvus_upsert_per_s":…,"search_p95_ms":…}.
import { readFileSync } from 'node:fs';
import { connectMilvus, type MilvusVectorStore, type VectorRow } from '../src/main/vectors/index.ts';
import { startMilvus, type MilvusServer } from '../test/helpers/milvus-lite.ts';
import { buildIndexNow } from './milvus-util.ts';
import { rng } from '../test/helpers/random.ts';

const COUNT = 5000;
const DIM = 1536;
const BATCH = 1000;
const SEARCHES = 100;
const GOAL_PER_S = 2000;
const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux


function makeRows(rand: () => number): VectorRow[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    id: `pr:${1_000_000 + i}`,
    repository: ['acme/widgets', 'acme/gadgets', 'octo/docs'][i % 3]!,
    repositoryId: 1000 + (i % 3),
    itemType: i % 4 === 0 ? 'issue' : 'pr',
    number: i + 1,
    title: `Improve the widget pipeline, part ${i}`,
    url: `https://github.com/acme/widgets/pull/${i + 1}`,
    createdAt: 1_700_000_000_000 + i * 1000,
    updatedAt: 1_700_000_000_000 + i * 2000,
    // number[], as the OpenAI SDK hands embeddings over
    embedding: Array.from({ length: DIM }, () => rand() * 2 - 1),
  }));
}

/** CPU seconds (user + system) a process has used so far, if we can read it. */
function processCpuS(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

interface UpsertRun {
  label: string;
  perS: number;
  wallS: number;
  clientCpuS: number;
  serverCpuS: number | undefined;
}

async function timedUpsert(server: MilvusServer, label: string, collection: string, rows: VectorRow[], batchSize: number, encoding: 'raw' | 'sdk'): Promise<UpsertRun> {
  const store = await connectMilvus({ url: server.url, token: server.token, upsertEncoding: encoding });
  try {
    const coll = await store.recreateCollection(collection, DIM);
    const server0 = processCpuS(server.pid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await coll.upsert(rows, { batchSize });
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const server1 = processCpuS(server.pid);
    if ((await coll.count()) !== rows.length) throw new Error(`${label}: count is not ${rows.length}`);
    return {
      label,
      perS: rows.length / wallS,
      wallS,
      clientCpuS: (cpu.user + cpu.system) / 1e6,
      serverCpuS: server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined,
    };
  } finally {
    await store.dropCollection(collection).catch(() => undefined);
    await store.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

const fmt = (n: number, d = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const server = await startMilvus();
  let store: MilvusVectorStore | undefined;
  try {
    const rows = makeRows(rng(42));
    const runs: UpsertRun[] = [];
    // Comparison runs first, so the measured collection is the one left for searching.
    runs.push(await timedUpsert(server, `batches of 500 (raw encoding)`, 'bench_upsert_500', rows, 500, 'raw'));
    runs.push(await timedUpsert(server, `batches of ${BATCH} (SDK row encoder)`, 'bench_upsert_sdk', rows, BATCH, 'sdk'));

    store = await connectMilvus({ url: server.url, token: server.token });
    const version = await store.serverVersion();
    const name = 'bench_upsert';
    const coll = await store.recreateCollection(name, DIM);
    const server0 = processCpuS(server.pid);
    const cpu0 = process.cpuUsage();
    let t = performance.now();
    await coll.upsert(rows, { batchSize: BATCH });
    const upsertS = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const server1 = processCpuS(server.pid);
    const measured: UpsertRun = {
      label: `batches of ${BATCH} (raw encoding)`,
      perS: COUNT / upsertS,
      wallS: upsertS,
      clientCpuS: (cpu.user + cpu.system) / 1e6,
      serverCpuS: server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined,
    };
    runs.unshift(measured);
    t = performance.now();
    await coll.flush();
    const flushS = (performance.now() - t) / 1000;
    const count = await coll.count();
    if (count !== COUNT) throw new Error(`count after upsert is ${count}, not ${COUNT}`);
    t = performance.now();
    await buildIndexNow(server, name);
    const indexS = (performance.now() - t) / 1000;

    const rand = rng(7);
    const latencies: number[] = [];
    let topHits = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const k = Math.floor(rand() * COUNT);
      const query = (rows[k]!.embedding as number[]).map((x) => x + (rand() * 2 - 1) * 0.05);
      const s = performance.now();
      const hits = await coll.search(query, { limit: 10 });
      latencies.push(performance.now() - s);
      if (hits[0]?.id === rows[k]!.id) topHits++;
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);

    const cpuCell = (r: UpsertRun): string => `${fmt(r.clientCpuS, 2)} s / ${r.serverCpuS === undefined ? 'n/a' : `${fmt(r.serverCpuS, 2)} s`}`;
    console.log(`\n${version} at ${server.url}: ${fmt(COUNT, 0)} random ${DIM}-dim vectors, COSINE/HNSW`);
    console.log(table([
      ['upsert', 'vectors/s', 'wall', 'CPU client / server', `goal ≥ ${fmt(GOAL_PER_S, 0)}/s`],
      ...runs.map((r, i) => [r.label, fmt(r.perS, 0), `${fmt(r.wallS, 2)} s`, cpuCell(r), i === 0 ? (r.perS >= GOAL_PER_S ? 'met' : 'NOT met') : '']),
    ]));
    console.log('');
    console.log(table([
      ['after the upsert', 'value'],
      ['flush', `${fmt(flushS, 2)} s`],
      ['upsert + flush', `${fmt(COUNT / (upsertS + flushS), 0)} vectors/s`],
      ['HNSW build + load (release, load)', `${fmt(indexS, 2)} s`],
      [`search p50 / p95 / max (${SEARCHES} queries, top 10)`, `${fmt(p50)} / ${fmt(p95)} / ${fmt(latencies.at(-1)!)} ms`],
      ['nearest hit = the vector the query was made from', `${topHits}/${SEARCHES}`],
    ]));
    await store.dropCollection(name);
    console.log(JSON.stringify({ milvus_upsert_per_s: Math.round(measured.perS), search_p95_ms: Number(p95.toFixed(1)) }));
  } finally {
    await store?.close();
    await server.stop();
  }
}

await main();
