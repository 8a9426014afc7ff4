// bench:embed — 5,000 items of ~500 tokens embedded by the real core (`repo-ops serve`)
// against the OpenAI emulator at 5 M tokens/min and 5,000 requests/min with 300 ms
// latency, into Milvus Lite (1536 dimensions) and a real PostgreSQL, twice:
//   empty buckets (an account busy mid-backfill): bound by the rate limit;
//   full buckets (an idle account): the whole workload fits in one minute's allowance, so the
//   bound is about one latency and the run measures the console's own pipeline.
// Each run is held against its own bound, computed by the project's minWallSeconds.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { countTokens, minWallSeconds } from '../src/main/embeddings/index.ts';
import { connectMilvus } from '../src/main/vectors/index.ts';
import { startEmbeddedPostgres } from '../src/main/warehouse/embedded.ts';
import { startOpenAIEmulator } from '../test/emulators/openai/server.ts';
import { startMilvus } from '../test/helpers/milvus-lite.ts';
import { ROOT, startServe, wsClient } from '../test/helpers/serve-process.ts';
import { buildIndexNow } from './milvus-util.ts';
import { percentile, printTable } from './report.ts';
import { migrateTestWarehouse, warehousePool } from '../test/helpers/warehouse.ts';
import { ensureFreshBuild } from './fresh-build.ts';

// The core as `repo-ops serve` users run it, built from this commit.
ensureFreshBuild();

const ITEMS = 5000;
const TPM = 5_000_000;
const RPM = 5000;
const LATENCY_MS = 300;
const DIMS = 1536;
const SEED_BATCH = 200;
const SEED_PAUSE_S = 15;
const WORK = join(ROOT, '.cache', 'bench', 'embed');
const KEY = 'sk-bench-0000000000000000000000000000';

const WORDS = 'retry webhook handler queue worker timeout cache postgres milvus embedding token rate limit backoff schema migration index vector search review comment merge branch commit flaky test pipeline deploy rollback latency error budget alert dashboard metric histogram bucket percentile contributor workspace repository sync incremental cursor checkpoint resume batch upsert conflict transaction isolation deadlock vacuum analyze bloat connection pool exhausted secondary primary graphql rest pagination cursor node edge'.split(' ');
function text(seed: number, words: number): string {
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out.push(WORDS[s % WORDS.length]!);
  }
  return out.join(' ');
}

await rm(WORK, { recursive: true, force: true });
await mkdir(WORK, { recursive: true });
const cluster = await startEmbeddedPostgres(join(WORK, 'pg'));
const dbUrl = cluster.url;
const pool = warehousePool(dbUrl, 4);
await migrateTestWarehouse(pool);
// Two repositories with the same texts: one for each run (different GitHub ids, so nothing is shared).
async function seed(owner: string, name: string, idBase: number): Promise<string> {
  const { rows: [repo] } = await pool.query('INSERT INTO repositories (owner, name, full_name, github_id) VALUES ($1, $2, $3, $4) RETURNING id', [owner, name, `${owner}/${name}`, idBase]);
  for (let chunk = 0; chunk < ITEMS; chunk += 500) {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const n = chunk + i;
      const body = text(n + 1, 470);
      return { github_id: idBase + n, number: n + 1, title: `Item ${n + 1}: ${text(n + 7, 8)}`, body, created: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString() };
    });
    for (const [table, part] of [['pull_requests', rows.filter((r) => r.number % 2 === 0)], ['issues', rows.filter((r) => r.number % 2 === 1)]] as const) {
      await pool.query(
        `INSERT INTO ${table} (github_id, repository_id, number, title, body, state, html_url, created_at, updated_at)
         SELECT github_id, $2, number, title, body, 'open', 'https://example.test/' || number, created, created FROM json_to_recordset($1::json) AS x(github_id bigint, number int, title text, body text, created timestamptz)`,
        [JSON.stringify(part), repo.id],
      );
    }
  }
  return repo.id as string;
}
const emptyRepoId = await seed('bench', 'embed', 1_000_000);
await seed('bench', 'embed-full', 2_000_000);
let tokens = 0;
const { rows: texts } = await pool.query("SELECT 'pr' AS t, title, body FROM pull_requests WHERE repository_id = $1 UNION ALL SELECT 'issue', title, body FROM issues WHERE repository_id = $1", [emptyRepoId]);
const { prepareEmbeddingText } = await import('../src/main/embeddings/index.ts');
for (const r of texts) tokens += prepareEmbeddingText({ type: r.t, title: r.title, body: r.body }).tokens;
void countTokens;
console.log(`${ITEMS} items, ${tokens.toLocaleString()} tokens (avg ${Math.round(tokens / ITEMS)})`);

const openai = await startOpenAIEmulator({ apiKeys: [KEY], tpm: TPM, rpm: RPM, latencyMs: LATENCY_MS, recordTexts: false, initialFill: 0 });
const openaiFull = await startOpenAIEmulator({ apiKeys: [KEY], tpm: TPM, rpm: RPM, latencyMs: LATENCY_MS, recordTexts: false, initialFill: 1 });
const milvus = await startMilvus();
const serve = await startServe({ home: join(WORK, 'home'), entry: 'built', env: { OPENAI_API_KEY: KEY, MILVUS_URL: milvus.url, DATABASE_URL: dbUrl } });
const c = wsClient(serve.origin, serve.token);
await c.opened;
try {
  const profile = await c.ops.profiles.create({ name: 'bench', openaiBaseUrl: openai.baseUrl, embeddingDimensions: DIMS, milvusCollection: 'bench_pr_index' });
  type EmbedResult = { items: number; tokens: number; usd: number; requests: number; rateLimited: number; milvusSeconds: number; milvusCount: number };
  async function embedRun(repository: string, bucket: 'empty' | 'full') {
    const plan = await c.ops.embed.plan({ repository });
    const t0 = performance.now();
    const started = await c.ops.embed.start({ repository });
    let run = await c.ops.jobs.get({ runId: started.id });
    while (!['succeeded', 'failed', 'cancelled'].includes(run.status)) {
      await new Promise((r) => setTimeout(r, 50));
      run = await c.ops.jobs.get({ runId: started.id });
    }
    const wall = (performance.now() - t0) / 1000;
    if (run.status !== 'succeeded') throw new Error(`embed ${run.status}: ${run.error}`);
    const r = run.result as EmbedResult;
    if (r.items !== ITEMS || r.milvusCount !== ITEMS) throw new Error(`embedded ${r.items}, Milvus holds ${r.milvusCount} of ${repository}`);
    // The fastest any client could do this workload (its successful requests) from these buckets.
    const start = bucket === 'empty' ? { initialTokens: 0, initialRequests: 0 } : {};
    const bound = minWallSeconds({ tokens: r.tokens, requests: r.requests - r.rateLimited, rpm: RPM, tpm: TPM, latencyMs: LATENCY_MS, ...start });
    return { plan, r, wall, bound };
  }
  const empty = await embedRun('bench/embed', 'empty');
  await c.ops.profiles.update({ id: profile.id, patch: { openaiBaseUrl: openaiFull.baseUrl } });
  const full = await embedRun('bench/embed-full', 'full');
  const { plan, r, wall } = empty;
  const minWall = empty.bound;
  const upsertPerSec = r.items / r.milvusSeconds;

  // Milvus upsert throughput on its own (the run above shares 2 cores with the core,
  // the emulator and Postgres): the same 5,000 vectors into a scratch collection.
  const store = await connectMilvus({ url: milvus.url });
  const { rows: vecRows } = await pool.query("SELECT 'pr:' || github_id AS id, number, title, embedding FROM pull_requests WHERE repository_id = $1 UNION ALL SELECT 'issue:' || github_id, number, title, embedding FROM issues WHERE repository_id = $1", [emptyRepoId]);
  const scratch = await store.ensureCollection('bench_upsert_probe', DIMS);
  const u0 = performance.now();
  await scratch.upsert(vecRows.map((v) => ({ id: v.id, repository: 'bench/embed', repositoryId: 1, itemType: v.id.startsWith('pr') ? 'pr' : 'issue', number: v.number, title: v.title, url: '', createdAt: 0, updatedAt: 0, embedding: v.embedding })), { batchSize: 1000 });
  const isolatedUpsertPerSec = vecRows.length / ((performance.now() - u0) / 1000);
  await store.dropCollection('bench_upsert_probe');

  // Search latency once the HNSW index is built: Milvus alone, and the console's full
  // path (embedding the query at 300 ms emulated latency, then Milvus).
  await buildIndexNow(milvus, 'bench_pr_index');
  const coll = store.collection('bench_pr_index');
  const probe = Array.from({ length: DIMS }, (_, i) => Math.sin(i));
  await coll.search(probe, { limit: 10 });
  const milvusMs: number[] = [];
  for (let i = 0; i < 100; i++) {
    const v = Array.from({ length: DIMS }, (_, j) => Math.sin(i * 31 + j));
    const s = performance.now();
    await coll.search(v, { limit: 10, repository: 'bench/embed' });
    milvusMs.push(performance.now() - s);
  }
  await store.close();
  const fullMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    await c.ops.vectors.search({ query: text(i + 99, 12), limit: 10 });
    fullMs.push(performance.now() - s);
  }
  const seedBatches = Math.ceil(ITEMS / SEED_BATCH);
  const seedWall = seedBatches * SEED_PAUSE_S + seedBatches * (LATENCY_MS / 1000);

  console.log(`\nEmbedding ${ITEMS} items (${r.tokens.toLocaleString()} tokens) at ${TPM.toLocaleString()} TPM / ${RPM} RPM, ${LATENCY_MS} ms latency, ${DIMS} dims`);
  printTable(
    ['run', 'wall (s)', 'bound (s, computed by minWallSeconds)', 'ratio to bound', 'tokens/s', 'requests / 429s'],
    ([['empty buckets (busy account)', empty], ['full buckets (idle account)', full]] as const).map(([label, x]) => [label, x.wall.toFixed(1), x.bound.toFixed(1), (x.wall / x.bound).toFixed(2), (x.r.tokens / x.wall).toFixed(0), `${x.r.requests} / ${x.r.rateLimited}`]),
  );
  console.log();
  printTable(
    ['measure', 'value'],
    [
      ['cost (ledger)', `$${r.usd.toFixed(4)} (dry run said $${plan.usd.toFixed(4)})`],
      ['Milvus upsert vectors/s (1536 dims), isolated', isolatedUpsertPerSec.toFixed(0)],
      ['Milvus upsert vectors/s during the run (shared CPU)', upsertPerSec.toFixed(0)],
      ['Milvus search p95 (ms)', percentile(milvusMs, 95).toFixed(1)],
      ['console search p95 incl. query embedding (ms)', percentile(fullMs, 95).toFixed(0)],
      [`seeds' approach: ${seedBatches} batches of ${SEED_BATCH}, ${SEED_PAUSE_S} s pauses (s, computed)`, seedWall.toFixed(0)],
    ],
  );
  console.log('\ngoals: empty buckets wall ≤ 1.15 × its bound; ≥ 2,000 Milvus upserts/s (the full-bucket ratio shows how far the console’s own pipeline is from one latency)');
  console.log(JSON.stringify({
    empty_bucket_wall_s: Number(wall.toFixed(2)),
    empty_bucket_bound_s_computed: Number(minWall.toFixed(2)),
    empty_bucket_ratio_to_bound: Number((wall / minWall).toFixed(3)),
    full_bucket_wall_s: Number(full.wall.toFixed(2)),
    full_bucket_bound_s_computed: Number(full.bound.toFixed(2)),
    full_bucket_ratio_to_bound: Number((full.wall / full.bound).toFixed(2)),
    tokens_per_s: Math.round(r.tokens / wall),
    full_bucket_tokens_per_s: Math.round(full.r.tokens / full.wall),
    milvus_upsert_per_s: Math.round(isolatedUpsertPerSec),
    search_p95_ms: Number(percentile(milvusMs, 95).toFixed(1)),
    seed_approach_wall_s_computed: Math.round(seedWall),
  }));
} finally {
  c.close();
  await serve.stop();
  await openai.close();
  await openaiFull.close();
  await milvus.stop();
  await pool.end();
  await cluster.stop();
}
