import type pg from 'pg';
import type { BackfillEstimate, BackfillRequest, StepEstimate } from '../../shared/contract/backfill.ts';
import { contentHash, costUsd, prepareEmbeddingText } from '../embeddings/index.ts';
import { CANDIDATE_PAGE_SIZE, summarizeDue } from '../embedding-job/candidates.ts';
import { ASSUMED_MILVUS, type EmbeddingService } from '../embedding-job/embedding-service.ts';
import { parseRepoName } from '../github/repo-name.ts';
import { openaiCheck, runChecks } from '../health/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { PageCost } from '../sync/follow-up-model.ts';
import type { RequestTiming } from '../sync/size-scan.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { timeAggregateReads } from './aggregate-probe.ts';
import { band, embeddingRequests, embedStepSeconds, exact, fitLatency, relativeError, rounded, rowVisits, scaledCountMs, sum, totalFromSample, type Range } from './estimate-model.ts';
import { effectiveParallelism, PROBE_SENDS, probeEmbedding, type EmbedProbe } from './embed-probe.ts';
import { fetchSample, latestNumber, seededRandom, shuffled } from './sample.ts';
import type { SampleMemo } from './sample-memo.ts';
import { probeWarehouse, type WarehouseProbe } from './warehouse-probe.ts';

/** The backfill guide's static table, shown beside the live estimate. */
export const GUIDE_TABLE = [
  { size: 'Small (<100 PRs)', sync: '2-5 min', embeddings: '5-10 min', total: '7-15 min' },
  { size: 'Medium (100-1K PRs)', sync: '5-10 min', embeddings: '15-25 min', total: '20-35 min' },
  { size: 'Large (1K-5K PRs)', sync: '10-15 min', embeddings: '30-50 min', total: '40-65 min' },
  { size: 'Very Large (>5K PRs)', sync: '15-30 min', embeddings: '60-120 min', total: '75-150 min' },
];

const DEFAULT_TPM = 1_000_000;
const DEFAULT_RPM = 3_000;
const DEFAULT_TOKENIZE_PER_MS = 500;
const WRITE_ROWS_PER_S = 20_000;
// GraphQL points of one sync page (100 items with their first nested pages).
const DEFAULT_PAGE_POINTS = 14;

function sizeClass(prs: number): string {
  return prs < 100 ? 'Small' : prs <= 1000 ? 'Medium' : prs <= 5000 ? 'Large' : 'Very Large';
}

/**
 * Seconds per request of earlier complete syncs, if there are any: their active time (the
 * attempt that finished, with its own requests), never the wall time from first start to
 * finish, which counts every pause, queue wait and crash of a resumed run.
 */
export async function measuredSecondsPerRequest(pool: pg.Pool): Promise<number | null> {
  const { rows: [r] } = await pool.query(`SELECT SUM(active_seconds) AS s, SUM(requests) AS n FROM
    (SELECT * FROM sync_runs WHERE status = 'succeeded' AND requests > 10 AND active_seconds IS NOT NULL ORDER BY started_at DESC LIMIT 5) x`);
  return r.n ? Number(r.s) / Number(r.n) : null;
}

// The scan reads as many pages as the sync (cheap ones); past this many per stream the rest is
// extrapolated from the pages read.
const SCAN_MAX_PAGES = 150;
// Texts are sampled 100 at a time until the token total's standard error is under 4 % (at least
// 200, at most 1,000 items, or all of them when there are fewer).
const SAMPLE_STEP = 100;
const SAMPLE_MIN = 200;
const SAMPLE_MAX = 1000;
const SAMPLE_TARGET_ERROR = 0.04;
// Requests of a sync besides its pages: the repository lookup, GitHub's counts, the reconciliation.
const FIXED_SYNC_REQUESTS = 3;
const PAGE_TRANSACTION_MS = 8;
// Timings on a shared machine vary from one call to the next: measured times carry ±20 %.
const TIMING_SPREAD = 0.2;
// The verification's warehouse queries (coverage, gaps, people, truncations, tracked ids, workspaces).
const VERIFY_STATEMENTS = 6;

type WriteProbeResult = Awaited<ReturnType<EmbeddingService['probeWrites']>>;

/** Items, reviews and comments of the repository already in the warehouse. */
async function storedPeopleRows(pool: pg.Pool, repositoryId: string): Promise<number> {
  const { rows: [r] } = await pool.query(
    `SELECT (SELECT count(*) FROM pull_requests WHERE repository_id = $1) + (SELECT count(*) FROM issues WHERE repository_id = $1)
      + (SELECT count(*) FROM reviews WHERE repository_id = $1) + (SELECT count(*) FROM comments WHERE repository_id = $1) AS n`,
    [repositoryId],
  );
  return Number(r.n);
}

interface Stored {
  updatedAt: number;
  hash: string | null;
  generated: boolean;
}

/** The warehouse's copy of the given items: when each was last updated and what was embedded. */
async function storedItems(pool: pg.Pool, repositoryId: string | null, numbers: number[]): Promise<Map<number, Stored>> {
  const out = new Map<number, Stored>();
  if (!repositoryId || numbers.length === 0) return out;
  const { rows } = await pool.query(
    `SELECT number, updated_at, content_hash, embedding_generated_at IS NOT NULL AS generated FROM pull_requests WHERE repository_id = $1 AND number = ANY($2::int[])
     UNION ALL SELECT number, updated_at, content_hash, embedding_generated_at IS NOT NULL FROM issues WHERE repository_id = $1 AND number = ANY($2::int[])`,
    [repositoryId, numbers],
  );
  for (const r of rows as { number: number; updated_at: Date; content_hash: string | null; generated: boolean }[]) out.set(r.number, { updatedAt: r.updated_at.getTime(), hash: r.content_hash, generated: r.generated });
  return out;
}

export interface EstimateOptions {
  probes?: boolean;
  /** GitHub's reads of an estimate (or preflight) this recent may stand for new ones: see measure-memo.ts. */
  reuse?: { withinMs: number; samples: SampleMemo };
}

/**
 * What a backfill will do and cost, before it starts, step by step, each figure with its band:
 * - sync: a totalCount-only scan of the very pages the sync will fetch (an incremental pass
 *   stops at its mark, so only changes count), the nested follow-ups replayed on those sizes;
 *   time from GitHub's latency measured live on the estimate's own requests (base + per node);
 * - embeddings: what is due in the warehouse (exact) plus a random sample of the items the sync
 *   brings (new or changed since stored), tokenized; requests packed as the embedder packs them;
 *   time bound by the provider's limits (read live) and the tokenizer's measured speed.
 */
export async function estimateBackfill(d: { warehouse: WarehouseService; sync: SyncService; embeddings: EmbeddingService; settings: SettingsService; workspaces: WorkspaceService }, req: BackfillRequest, opts: EstimateOptions = {}): Promise<BackfillEstimate> {
  // probes: false (the preflight, which needs only GitHub's points) sends no texts and writes no scratch vectors.
  const probes = opts.probes ?? true;
  const name = parseRepoName(req.repository);
  const { pool } = await d.warehouse.connection();
  const startedAt = Date.now();
  // 1. The sync's pages, scanned by the sync itself (read-only), every request timed; or, when
  // allowed, a scan this young from the same marks (the preflight's), with the texts drawn beside it.
  const m = await d.sync.measure({ repository: name.fullName, mode: req.timeRangeDays ? 'range' : req.mode, timeRangeDays: req.timeRangeDays }, { scan: !req.embeddingsOnly, maxPages: SCAN_MAX_PAGES, reuseWithinMs: opts.reuse?.withinMs });
  const reusedS = m.readAt < startedAt ? (startedAt - m.readAt) / 1000 : null;
  const sampleKey = `${name.fullName.toLowerCase()}@${m.readAt}`;
  const { window, github: counts, stored, repository: repo, scan, pageCosts } = m;
  const timings: RequestTiming[] = [...m.timings];
  const github = await d.sync.github();
  const random = seededRandom(name.fullName.toLowerCase());
  const scanComplete = scan.length > 0 && scan.every((s) => s.complete);
  const kept = scan.flatMap((s) => s.pages.flat());
  const changes = scan.some((s) => s.since)
    ? { since: new Date(Math.min(...scan.filter((s) => s.since).map((s) => s.since!.getTime()))).toISOString(), pullRequests: scan[0]!.pages.flat().length, issues: scan[1]!.pages.flat().length }
    : null;

  // 2. The texts: a random sample of what the sync brings that the warehouse lacks or holds older.
  const sampledTexts: { type: 'pr' | 'issue'; title: string; body: string }[] = [];
  const c = d.embeddings.config();
  const prices = d.settings.get().embeddingPrices;
  let population: number[];
  let populationSize: number;
  let sampleFrom: 'candidates' | 'numbers';
  let storedMap = new Map<number, Stored>();
  if (scanComplete) {
    storedMap = await storedItems(pool, repo?.id ?? null, kept.map((k) => k.number));
    population = kept.filter((k) => {
      const s = storedMap.get(k.number);
      return !s || Date.parse(k.updatedAt) > s.updatedAt;
    }).map((k) => k.number);
    populationSize = population.length;
    sampleFrom = 'candidates';
  } else {
    // Too big to scan whole, or embeddings only: numbers drawn across the whole history.
    const top = req.skipEmbeddings && req.embeddingsOnly ? 0 : await latestNumber(github, name.owner, name.name);
    population = Array.from({ length: top }, (_, i) => i + 1);
    populationSize = req.embeddingsOnly ? 0 : Math.max(0, counts.pullRequests - stored.pullRequests) + Math.max(0, counts.issues - stored.issues);
    sampleFrom = 'numbers';
  }
  const order = shuffled(population, random);
  const drawTexts = async (part: number[]) => {
    const memo = opts.reuse?.samples.get(sampleKey, part);
    if (memo) {
      timings.push(...memo.timings);
      return memo.items;
    }
    const partTimings: RequestTiming[] = [];
    const items = await fetchSample(github, name.owner, name.name, part, (t) => partTimings.push(t));
    timings.push(...partTimings);
    opts.reuse?.samples.set(sampleKey, part, { items, timings: partTimings });
    return items;
  };
  const sample: { tokens: number; need: number }[] = [];
  // Texts that will be embedded, in the sample's random order: what the embedding probe sends.
  const probeTexts: { text: string; tokens: number }[] = [];
  // The tokenizer's tables load on first use: not part of the per-text time measured below.
  prepareEmbeddingText({ type: 'issue', title: 'warm-up', body: 'warm-up' });
  const wanted = req.skipEmbeddings && sampleFrom === 'candidates' ? 0 : populationSize > 0 ? order.length : 0;
  let drawn = 0;
  while (drawn < wanted) {
    const part = order.slice(drawn, drawn + SAMPLE_STEP);
    drawn += part.length;
    const items = await drawTexts(part);
    if (sampleFrom === 'numbers' && items.length) storedMap = new Map([...storedMap, ...(await storedItems(pool, repo?.id ?? null, items.map((i) => i.number)))]);
    for (const it of items) {
      const prepared = prepareEmbeddingText({ type: it.kind, title: it.title, body: it.body });
      sampledTexts.push({ type: it.kind, title: it.title, body: it.body });
      const s = storedMap.get(it.number);
      // Stored and embedded with the same text: not due again. Stored but never embedded: counted below as due now.
      const need = !s || (s.generated && s.hash !== contentHash(prepared.text, c.model, c.dimensions)) ? 1 : 0;
      sample.push({ tokens: prepared.tokens, need });
      if (need && probeTexts.length < 256) probeTexts.push({ text: prepared.text, tokens: prepared.tokens });
    }
    const values = sample.map((x) => x.need * x.tokens);
    if (sample.length >= SAMPLE_MAX || (sample.length >= SAMPLE_MIN && relativeError(values, populationSize) < SAMPLE_TARGET_ERROR)) break;
  }

  // The embedding step's pass over a text (prepare, tokenize, hash), timed on the sample a second
  // time: the first warmed the tokenizer up, as the step's plan warms it for its own pass.
  const tk = performance.now();
  for (const t of sampledTexts) contentHash(prepareEmbeddingText(t).text, c.model, c.dimensions);
  const textMs = performance.now() - tk;

  // 3. Sync figures.
  const measured = await measuredSecondsPerRequest(pool);
  const latency = fitLatency(timings);
  // The sync's requests bring content (bodies, files, comments), the scan's only counts: their cost per
  // node is the one measured on a real page of the sync (fetched whole), when there is one.
  const full = m.fullPage;
  const contentPerNodeMs = full && full.nodes > 1 ? Math.max(latency.perNodeMs, (full.ms - latency.baseMs) / full.nodes) : latency.perNodeMs;
  const requestMs = (nodes: number) => latency.baseMs + contentPerNodeMs * nodes;
  let syncRequests = 0;
  let syncPoints = 0;
  let rows = 0;
  let peopleRowsScanned = 0;
  // The streams and their cursors run at once: the sync takes as long as its longest cursor (each
  // page's request, then its follow-ups and its write while the cursor's next page is fetched).
  const laneMs = (costs: PageCost[]) => {
    let ms = 0;
    costs.forEach((p, i) => {
      syncRequests += p.requestNodes.length;
      syncPoints += DEFAULT_PAGE_POINTS + (p.requestNodes.length - 1);
      rows += p.rows;
      peopleRowsScanned += p.rows - p.files;
      if (i === 0) ms += requestMs(p.requestNodes[0]!);
      const next = costs[i + 1]?.requestNodes[0];
      const followUpsAndWrite = p.requestNodes.slice(1).reduce((n, x) => n + requestMs(x), 0) + PAGE_TRANSACTION_MS + (p.rows / WRITE_ROWS_PER_S) * 1000;
      ms += next === undefined ? followUpsAndWrite : Math.max(requestMs(next), followUpsAndWrite);
    });
    return ms;
  };
  let longestMs = Math.max(0, ...pageCosts.map((lanes) => Math.max(0, ...lanes.map(laneMs))));
  if (!req.embeddingsOnly && !scanComplete) {
    // Past the scan's limit: the rest of the items at the cost per item of the pages read.
    const scannedItems = kept.length;
    const rest = Math.max(0, counts.pullRequests + counts.issues - scannedItems);
    const k = scannedItems > 0 ? rest / scannedItems : 0;
    syncRequests += Math.round(syncRequests * k);
    syncPoints += Math.round(syncPoints * k);
    longestMs += longestMs * k;
    rows += rows * k;
    peopleRowsScanned += peopleRowsScanned * k;
  }
  // Besides the pages: the repository lookup, GitHub's counts, the reconciliation, and a whole
  // pass's catch-up request per stream (what changed while its cursors ran).
  const fixed = req.embeddingsOnly ? 0 : FIXED_SYNC_REQUESTS + m.wholePasses;
  syncRequests += fixed;
  syncPoints += fixed;
  let syncMs = fixed * latency.baseMs;
  if (!req.embeddingsOnly) {
    // Commits (the default branch's history, from the mark on an incremental run) and releases (a
    // whole pass each run): pages of 100 with nothing nested, at least one request each.
    const pageSize = m.pageSize;
    for (const [n, rowsPer] of [[m.commits, 1.2], [m.releases, 1.1]] as const) {
      const pages = Math.max(1, Math.ceil(n / pageSize));
      syncRequests += pages;
      syncPoints += pages;
      rows += n * rowsPer;
      // One cursor, the next page fetched while this one is written.
      let ms = 0;
      for (let i = 0; i < pages; i++) {
        const items = Math.min(pageSize, n - i * pageSize);
        ms += Math.max(requestMs(1 + items), i === 0 ? 0 : PAGE_TRANSACTION_MS + ((items * rowsPer) / WRITE_ROWS_PER_S) * 1000);
      }
      longestMs = Math.max(longestMs, ms);
    }
    // Every cursor writes to one database: the sync takes at least its rows' write time.
    syncMs += Math.max(longestMs, (rows / WRITE_ROWS_PER_S) * 1000);
  }
  const syncSeconds = measured !== null ? syncRequests * measured + rows / WRITE_ROWS_PER_S : syncMs / 1000;
  const timeBasis = measured !== null
    ? 'GitHub time measured from earlier syncs (active time, without pauses and crashes)'
    : `GitHub latency measured live: ${latency.baseMs.toFixed(0)} ms per request over ${timings.length} requests + ${(contentPerNodeMs * 1000).toFixed(1)} µs per node${full ? ` (a whole page of the sync: ${full.nodes.toLocaleString('en')} nodes in ${full.ms.toFixed(0)} ms)` : ''}`;
  const requestBand = scanComplete ? 0.02 : 0.15;
  const sync: StepEstimate = {
    step: 'sync',
    requests: band(syncRequests, requestBand, 1),
    tokens: exact(0),
    usd: exact(0),
    seconds: band(syncSeconds, 0.12 + 2 * latency.spread + (scanComplete ? 0 : 0.15)),
    basis: req.embeddingsOnly ? 'skipped (embeddings only)' : `${scanComplete ? 'size scan of every page' : `size scan of the first ${SCAN_MAX_PAGES} pages per stream, extrapolated`}; ${timeBasis}`,
  };

  // Workspace totals and the verification's people count read the repository's items, reviews and
  // comments (not its files) after the sync: those stored, plus the new items' share of the scan.
  const newShare = kept.length ? kept.filter((k) => !storedMap.has(k.number)).length / kept.length : 1;
  const peopleRows = (repo ? await storedPeopleRows(pool, repo.id) : 0) + peopleRowsScanned * newShare;
  // The aggregation runs right after the sync, on a warehouse nothing else is using: its work and
  // its reads are timed now, before the embedding probes. The verification runs right after the
  // embedding step's flush, while Milvus indexes what it wrote (on a shared machine that takes its
  // cores for seconds): its warehouse work is timed right after the write probe's flush.
  const wh = await probeWarehouse(pool, peopleRows);
  const reads = await timeAggregateReads(d, req.workspaces);
  let afterFlush: WarehouseProbe | null = null;
  const timeVerifyWarehouse = async () => {
    afterFlush ??= await probeWarehouse(pool, peopleRows);
  };

  // 4. Embedding figures.
  let embeddings: StepEstimate = { step: 'embeddings', requests: exact(0), tokens: exact(0), usd: exact(0), seconds: exact(0), basis: 'skipped' };
  let embedItems = 0;
  let tokenBasis = 'embeddings skipped';
  let limitsBasis = '';
  let writes: WriteProbeResult | null = null;
  let writeError: string | null = null;
  if (!req.skipEmbeddings) {
    const due = repo ? await summarizeDue(pool, { repositoryId: repo.id, only: ['issue', 'pr'], model: c.model, dimensions: c.dimensions }) : { due: 0, tokens: 0 };
    const newTokens = totalFromSample(sample.map((x) => x.need * x.tokens), populationSize);
    const newItems = totalFromSample(sample.map((x) => x.need), populationSize);
    embedItems = due.due + Math.round(newItems.value);
    const tokens = sum(exact(due.tokens), newTokens);
    // The requests, packed as the embedder packs them: the due items at their mean, the new ones as sampled.
    const needed = sample.filter((x) => x.need).map((x) => x.tokens);
    const seq: number[] = [];
    const dueMean = due.due ? Math.max(1, Math.round(due.tokens / due.due)) : 0;
    for (let i = 0; i < due.due; i++) seq.push(dueMean);
    for (let i = 0; i < Math.round(newItems.value) && needed.length; i++) seq.push(needed[i % needed.length]!);
    const requests = embeddingRequests(seq);
    const rel = tokens.value > 0 ? (tokens.high - tokens.value) / tokens.value : 0;
    // The provider's limits, read from a one-token probe: time is bound by tokens and requests per minute.
    const key = await d.embeddings.deps.secrets.get(c.profile.id, 'openai_key');
    let tpm = DEFAULT_TPM;
    let rpm = DEFAULT_RPM;
    let leftTokens: number | null = null;
    let leftRequests: number | null = null;
    let probeMs = 300;
    let limitsReadAt = performance.now();
    let probe: EmbedProbe | null = null;
    let probeError: string | null = null;
    if (key) {
      const { results: [r] } = await runChecks([openaiCheck({ apiKey: key, baseUrl: c.baseURL, model: c.model })], { timeoutMs: 8000 });
      limitsReadAt = performance.now();
      const lim = r?.details.rateLimits as { tokens?: { limit: number; remaining: number }; requests?: { limit: number; remaining: number } } | undefined;
      if (lim?.tokens) {
        tpm = lim.tokens.limit;
        leftTokens = lim.tokens.remaining;
      }
      if (lim?.requests) {
        rpm = lim.requests.limit;
        leftRequests = lim.requests.remaining;
      }
      if (r?.latencyMs) probeMs = r.latencyMs;
      // The provider's time per token and its overlap, measured on the run's own texts.
      if (r && tokens.value > 0 && probes) {
        probe = await probeEmbedding(await d.embeddings.embedder(), probeTexts).catch((e: unknown) => {
          probeError = (e as Error).message;
          return null;
        });
      }
    }
    // The buckets refill while the rest of the estimate is made and while the sync runs: what the
    // embeddings find when they start (a run started as soon as the estimate is shown).
    const refill = (left: number | null, perMinute: number) => Math.min(perMinute, (left ?? perMinute) + ((sync.seconds.value + (performance.now() - limitsReadAt) / 1000) * perMinute) / 60);
    // The writes, timed on scratch copies (Milvus when the operator allowed it, the warehouse
    // read-only), and the texts' pass, timed on the sample.
    writes = !probes || embedItems === 0 ? null : await d.embeddings.probeWrites(probe?.vectors, { scratchCollection: req.timeWrites, items: embedItems, afterFlush: timeVerifyWarehouse }).catch((e: unknown) => {
      writeError = (e as Error).message;
      return null;
    });
    // (Nothing sampled, only warehouse items due: their mean tokens at a typical tokenizer speed.)
    const textMsPerItem = sampledTexts.length ? textMs / sampledTexts.length : dueMean / DEFAULT_TOKENIZE_PER_MS;
    const perRow = (ms: number | undefined, rows: number) => (ms === undefined ? 0 : ms / rows);
    const probeRows = writes?.rows ?? 1;
    // Milvus figures assumed, not timed (no scratch collection allowed): the band spans ½× to 3× of them.
    const assumed = writes !== null && writes.collection === null;
    const model = (t: number, n: number, milvus = 1) =>
      embedStepSeconds({
        items: embedItems,
        tokens: t,
        requests: n,
        pageSize: CANDIDATE_PAGE_SIZE,
        batchSize: d.settings.get().milvusUpsertBatchSize,
        textMsPerItem,
        setupMs: writes && !writes.targetExists ? writes.createMs * milvus : 0,
        tpm,
        rpm,
        initialTokens: refill(leftTokens, tpm),
        initialRequests: refill(leftRequests, rpm),
        latencyMs: probe?.baseMs ?? probeMs,
        msPerToken: probe?.msPerToken ?? 0,
        parallelism: (r) => effectiveParallelism(probe?.pairSpeedup ?? 1, r),
        upsertMsPerRow: perRow(writes?.upsertMs, probeRows) * milvus,
        warehouseMsPerRow: perRow(writes?.warehouseMs, probeRows),
        flushMsPerRow: (writes?.flushMsPerRow ?? 0) * milvus,
        countMs: writes ? scaledCountMs(writes.sizes, [writes.fewCountMs, writes.verifyCountMs], writes.targetRows + embedItems, writes.countMs) * milvus : 0,
      });
    const embedTime = model(tokens.value, requests);
    const low = model(tokens.low, Math.max(0, Math.floor(requests * (1 - rel)) - 1), assumed ? 0.5 : 1);
    const high = model(tokens.high, Math.ceil(requests * (1 + rel)) + 1, assumed ? 3 : 1);
    const embedSeconds: Range = { value: embedTime.seconds, low: Math.min(low.seconds, embedTime.seconds) * (1 - TIMING_SPREAD), high: Math.max(high.seconds, embedTime.seconds) * (1 + TIMING_SPREAD) };
    embeddings = {
      step: 'embeddings',
      requests: band(requests, rel, 1),
      tokens: rounded(tokens),
      usd: { value: costUsd(c.model, tokens.value, prices), low: costUsd(c.model, tokens.low, prices), high: costUsd(c.model, tokens.high, prices) },
      seconds: embedSeconds,
      basis: '',
    };
    tokenBasis = populationSize === 0
      ? 'tokenizer on the texts in the warehouse'
      : sample.length >= populationSize
        ? `tokenizer on all ${sample.length} new or changed items from GitHub`
        : `tokenizer on a random sample of ${sample.length} of ${populationSize.toLocaleString('en')} ${sampleFrom === 'candidates' ? 'new or changed items' : 'items across the whole history'}`;
    const probeBasis = probe
      ? `; provider time measured on ${probe.inputs} sampled texts (${probe.tokens.toLocaleString('en')} tokens, sent ${PROBE_SENDS} times beside a one-token request, $${costUsd(c.model, probe.tokensSent, prices).toFixed(5)}): ${probe.baseMs.toFixed(0)} ms round trip, ${(probe.msPerToken * 1000).toFixed(2)} µs per token, ${probe.pairSpeedup.toFixed(2)}× with two in flight`
      : probeError ? `; provider time not measured (${probeError})` : probeTexts.length ? '' : '; provider time not measured (no new texts to send)';
    limitsBasis = leftTokens === null ? `default ${DEFAULT_TPM.toLocaleString('en')} tokens/min` : `OpenAI limit ${tpm.toLocaleString('en')} tokens/min (${leftTokens.toLocaleString('en')} left now)`;
    limitsBasis += probeBasis;
    const pt = embedTime.parts;
    const writesBasis = assumed && writes
      ? `; Milvus writes not timed (allow a scratch collection to time them): a typical ${ASSUMED_MILVUS.vectorsPerSecond.toLocaleString('en')} vectors/s and ${ASSUMED_MILVUS.countMs} ms per count assumed, band ½× to 3×; warehouse marks timed read-only: ${writes.warehouseMs.toFixed(0)} ms per ${writes.rows.toLocaleString('en')} items`
      : writes
      ? `; writes timed on a scratch collection ${writes.collection} (dropped) and, read-only, in the warehouse: ${writes.upsertMs.toFixed(0)} ms per Milvus upsert of ${writes.rows.toLocaleString('en')} vectors, ${writes.warehouseMs.toFixed(0)} ms per warehouse mark of as many, counts after one flush of ${(writes.sizes[0] + writes.sizes[1]).toLocaleString('en')}: ${writes.countMs.toFixed(0)} ms right after it and ${writes.verifyCountMs.toFixed(0)} ms after the verification's warehouse reads for ${writes.sizes[1].toLocaleString('en')} entities, ${writes.fewCountMs.toFixed(0)} ms for ${writes.sizes[0].toLocaleString('en')}`
      : writeError ? `; Milvus and warehouse writes not measured (${writeError})` : '';
    const partsBasis = `; time: ${[['set-up', pt.setup], ['texts read and tokenized twice', pt.text], ['sending', pt.sending], ['Milvus upserts', pt.milvus], ['warehouse marks', pt.warehouse], ['flush and count', pt.finish]].filter(([, v]) => (v as number) >= 0.05).map(([k, v]) => `${k} ${(v as number).toFixed(1)} s`).join(', ')}`;
    embeddings.basis = `${tokenBasis}; ${limitsBasis}${writesBasis}${partsBasis}`;
  }
  // Every version of the rows the run rewrites before a step is passed over too (rowVisits): the
  // aggregation's come from the sync, the verification's from the embedding step's marks as well.
  const itemsAfter = counts.pullRequests + counts.issues;
  const rewrites = {
    peopleRows,
    items: itemsAfter,
    peopleRowsFetched: peopleRowsScanned,
    itemsFetched: req.embeddingsOnly ? 0 : scanComplete ? kept.length : Math.max(kept.length, itemsAfter),
    storedShare: 1 - newShare,
  };
  const passes = (visits: { people: number; items: number }, w: WarehouseProbe) => ({
    scanMs: visits.people * w.distinctMsPerRow,
    // Besides the people, the totals count the repository's PRs and issues again; the verification's coverage twice.
    itemPassMs: visits.items * w.distinctMsPerRow,
  });
  const aggVisits = rowVisits({ ...rewrites, embedded: 0 });
  const oldPeople = aggVisits.people - peopleRows;
  const agg = passes(aggVisits, wh);
  // The aggregate step: its reads timed as it makes them, its inserts and the totals statement
  // (the repository's PRs and issues counted, its people made distinct) each at what one of its
  // reads cost beside the statement's own work (the pool and the process around a call, about a
  // millisecond, where a bare round trip is a tenth of one).
  const perCallMs = reads.calls ? reads.readsMs / reads.calls : wh.roundTripMs;
  const totalsMs = perCallMs + agg.scanMs + agg.itemPassMs;
  const aggregateSeconds = (reads.readsMs + reads.writes * perCallMs + totalsMs) / 1000;
  const describeWarehouse = (w: WarehouseProbe, when: string) => `Postgres measured ${when}: ${w.roundTripMs.toFixed(1)} ms per round trip, ${(w.distinctMsPerRow * 1000).toFixed(2)} µs per row of a distinct count (${w.rows.toLocaleString('en')} catalogue rows)`;
  const warehouseBasis = describeWarehouse(wh, "after the GitHub scans");
  const aggregate: StepEstimate = {
    step: 'aggregate',
    requests: exact(0),
    tokens: exact(0),
    usd: exact(0),
    // The step runs its statement once: one run of the probe's may land anywhere between its fastest
    // and its slowest (a first run after other work is often the slowest), besides the usual spread.
    seconds: { value: aggregateSeconds, low: aggregateSeconds * (1 - TIMING_SPREAD) * Math.min(1, wh.spread.low), high: aggregateSeconds * (1 + TIMING_SPREAD) * Math.max(1, wh.spread.high) },
    basis: `workspace totals in SQL over ${Math.round(peopleRows).toLocaleString('en')} items, reviews and comments and ${Math.round(oldPeople).toLocaleString('en')} older versions of rows the run rewrites (${totalsMs.toFixed(0)} ms); ${req.workspaces.length ? `the step's reads timed read-only (${reads.readsMs.toFixed(0)} ms: ${req.workspaces.length === 1 ? 'the workspace' : `${req.workspaces.length} workspaces`} found by name); ${reads.writes} insert${reads.writes === 1 ? '' : 's'} and the totals at ${perCallMs.toFixed(1)} ms each besides their work` : 'no workspace to add the repository to'}; ${warehouseBasis}; band ±${TIMING_SPREAD * 100} % and the probe's fastest to slowest run (×${wh.spread.low.toFixed(2)}–×${wh.spread.high.toFixed(2)} of its median)`,
  };
  // The verification: its warehouse queries, and in Milvus the strongly consistent count of the
  // repository's entities and of untracked ones, over the collection as the run leaves it.
  const w = writes as WriteProbeResult | null;
  const rowsAfter = (w?.targetRows ?? 0) + embedItems;
  const verifyMilvusMs = w && !req.skipEmbeddings ? scaledCountMs(w.sizes, [w.fewCountMs, w.verifyCountMs], rowsAfter) + w.untrackedMs : 0;
  // Timed right after the write probe's flush; without a write probe, the aggregation's figures.
  const flushed = afterFlush as WarehouseProbe | null;
  const verifyWh = flushed ?? wh;
  const ver = passes(rowVisits({ ...rewrites, embedded: embedItems }), verifyWh);
  const verifySeconds = (VERIFY_STATEMENTS * verifyWh.roundTripMs + ver.scanMs + 2 * ver.itemPassMs + verifyMilvusMs) / 1000;
  const countsAssumed = w !== null && w.collection === null;
  const verifyBand: Range = countsAssumed
    ? { value: verifySeconds, low: (verifySeconds - verifyMilvusMs / 2000) * (1 - TIMING_SPREAD), high: (verifySeconds + (2 * verifyMilvusMs) / 1000) * (1 + TIMING_SPREAD) }
    : band(verifySeconds, TIMING_SPREAD);
  const verify: StepEstimate = {
    step: 'verify',
    requests: band(req.embeddingsOnly ? 1 : 0, 0, 0),
    tokens: exact(0),
    usd: exact(0),
    seconds: verifyBand,
    basis: `${VERIFY_STATEMENTS} warehouse queries (${flushed ? describeWarehouse(flushed, "right after the write probe's flush") : warehouseBasis})${w ? `; 2 strongly consistent Milvus counts over ${rowsAfter.toLocaleString('en')} entities, ${countsAssumed ? `${ASSUMED_MILVUS.countMs} ms each assumed (not timed)` : 'timed on the write probe'}` : writeError ? `; Milvus counts not measured (${writeError})` : ''}`,
  };
  const steps = [sync, aggregate, embeddings, verify];
  const total = {
    requests: sum(...steps.map((s) => s.requests)),
    tokens: sum(...steps.map((s) => s.tokens)),
    usd: sum(...steps.map((s) => s.usd)),
    seconds: sum(...steps.map((s) => s.seconds)),
  };
  // Seconds to the hundredth: a step of a fraction of a second keeps its figure.
  const r2 = (x: StepEstimate): StepEstimate => ({ ...x, requests: rounded(x.requests), tokens: rounded(x.tokens), usd: rounded(x.usd, 6), seconds: rounded(x.seconds, 2) });
  return {
    repository: name.fullName,
    window: { since: window.since?.toISOString() ?? null },
    github: { pullRequests: counts.pullRequests, issues: counts.issues, requests: Math.round(syncRequests), points: Math.round(syncPoints), graphqlRemaining: m.graphql.remaining, graphqlResetAt: m.graphql.resetAt },
    embeddings: { items: embedItems, tokens: Math.round(embeddings.tokens.value), usd: embeddings.usd.value, model: c.model, basis: tokenBasis },
    milvus: { entities: embedItems, collection: c.collection },
    time: { syncS: sync.seconds.value, embedS: embeddings.seconds.value, aggregateS: aggregate.seconds.value + verify.seconds.value, totalS: total.seconds.value, basis: `${timeBasis}${limitsBasis ? `, ${limitsBasis}` : ''}` },
    sizeClass: sizeClass(counts.pullRequests),
    guide: GUIDE_TABLE,
    steps: steps.map(r2),
    total: { requests: rounded(total.requests), tokens: rounded(total.tokens), usd: rounded(total.usd, 6), seconds: rounded(total.seconds, 1) },
    sample: {
      items: sample.length,
      population: populationSize,
      scannedPages: scan.reduce((n, s) => n + s.pages.length, 0),
      scanComplete,
      method: `${scanComplete ? 'every page the sync will fetch scanned for nested sizes' : req.embeddingsOnly ? 'no sync' : `first ${SCAN_MAX_PAGES} pages per stream scanned`}; texts: ${tokenBasis}${reusedS !== null ? `; GitHub read ${reusedS.toFixed(0)} s before this estimate (by the preflight or an earlier estimate) and reused` : ''}`,
      readAt: new Date(m.readAt).toISOString(),
    },
    changes,
  };
}
