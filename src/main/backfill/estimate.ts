import type pg from 'pg';
import type { BackfillEstimate, BackfillRequest } from '../../shared/contract/backfill.ts';
import { costUsd, prepareEmbeddingText } from '../embeddings/index.ts';
import { summarizeDue } from '../embedding-job/candidates.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import { parseRepoName } from '../github/repo-name.ts';
import { openaiCheck, runChecks } from '../health/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { syncCost } from '../sync/cost.ts';
import { resolveWindow } from '../sync/plan.ts';
import { githubCounts, storedCounts } from '../sync/reconcile.ts';
import { findRepository } from '../sync/repositories.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';

/** The backfill guide's static table, shown beside the live estimate. */
export const GUIDE_TABLE = [
  { size: 'Small (<100 PRs)', sync: '2-5 min', embeddings: '5-10 min', total: '7-15 min' },
  { size: 'Medium (100-1K PRs)', sync: '5-10 min', embeddings: '15-25 min', total: '20-35 min' },
  { size: 'Large (1K-5K PRs)', sync: '10-15 min', embeddings: '30-50 min', total: '40-65 min' },
  { size: 'Very Large (>5K PRs)', sync: '15-30 min', embeddings: '60-120 min', total: '75-150 min' },
];

const DEFAULT_TOKENS_PER_ITEM = 500;
const DEFAULT_TPM = 1_000_000;
const WRITE_ROWS_PER_S = 20_000;
const ROWS_PER_ITEM = 12;
const VECTORS_PER_S = 1500;

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

type Sample = { t: 'pr' | 'issue'; title: string; body: string | null }[];

/**
 * Average embedding tokens per PR and per issue (they differ: PR bodies are templates,
 * issues are reports): from the warehouse, else from a sample fetched from GitHub.
 */
async function tokensPerItem(pool: pg.Pool, sync: SyncService, owner: string, name: string): Promise<{ pr: number; issue: number; basis: string }> {
  const { rows } = await pool.query(`(SELECT 'pr' AS t, title, body FROM pull_requests p JOIN repositories r ON r.id = p.repository_id WHERE lower(r.full_name) = lower($1) LIMIT 200)
    UNION ALL (SELECT 'issue', title, body FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE lower(r.full_name) = lower($1) LIMIT 200)`, [`${owner}/${name}`]);
  let sample = rows as Sample;
  let basis = 'tokenizer on the texts in the warehouse';
  if (sample.length < 20) {
    try {
      const gh = await sync.github();
      const res = await gh.graphql<{ repository: { pullRequests: { nodes: { title: string; body: string }[] }; issues: { nodes: { title: string; body: string }[] } } }>(
        `query Sample($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
          pullRequests(first: 100, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { title body } }
          issues(first: 100, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { title body } } } }`,
        { owner, name },
      );
      const repo = res.data?.repository;
      if (repo) {
        sample = [...repo.pullRequests.nodes.map((n) => ({ t: 'pr' as const, ...n })), ...repo.issues.nodes.map((n) => ({ t: 'issue' as const, ...n }))];
        basis = `tokenizer on a sample of ${sample.length} items from GitHub`;
      }
    } catch {
      // no sample: fall back to the default below
    }
  }
  const avg = (t: 'pr' | 'issue') => {
    const of = sample.filter((s) => s.t === t);
    return of.length ? of.reduce((n, s) => n + prepareEmbeddingText({ type: s.t, title: s.title, body: s.body ?? '' }).tokens, 0) / of.length : null;
  };
  const pr = avg('pr');
  const issue = avg('issue');
  if (pr === null && issue === null) return { pr: DEFAULT_TOKENS_PER_ITEM, issue: DEFAULT_TOKENS_PER_ITEM, basis: `default ${DEFAULT_TOKENS_PER_ITEM} tokens per item` };
  return { pr: pr ?? issue!, issue: issue ?? pr!, basis };
}

/**
 * What a backfill will do and cost, before it starts: counts from GitHub, requests
 * and points, tokens and dollars (tokenizer on real texts), Milvus entities, and time
 * from measured throughput (earlier runs, the live latency and the provider's limits).
 */
export async function estimateBackfill(d: { warehouse: WarehouseService; sync: SyncService; embeddings: EmbeddingService; settings: SettingsService }, req: BackfillRequest): Promise<BackfillEstimate> {
  const name = parseRepoName(req.repository);
  const { pool } = await d.warehouse.connection();
  const github = await d.sync.github();
  const window = resolveWindow({ repository: name.fullName, mode: req.timeRangeDays ? 'range' : req.mode, timeRangeDays: req.timeRangeDays });
  const t0 = performance.now();
  const counts = await githubCounts(github, name.owner, name.name, window);
  const latencyS = (performance.now() - t0) / 1000;
  const repo = await findRepository(pool, name.fullName);
  const stored = repo ? await storedCounts(pool, repo.id, window) : { pullRequests: 0, issues: 0 };
  const cost = req.embeddingsOnly ? { requests: 0, points: 0 } : syncCost(counts);
  const gql = github.stats.buckets.graphql;

  const measured = await measuredSecondsPerRequest(pool);
  const perRequest = measured ?? latencyS * 1.2;
  const items = counts.pullRequests + counts.issues;
  const syncS = req.embeddingsOnly ? 0 : cost.requests * perRequest + (items * ROWS_PER_ITEM) / WRITE_ROWS_PER_S;

  const c = d.embeddings.config();
  const prices = d.settings.get().embeddingPrices;
  let embedItems = 0;
  let tokens = 0;
  let basis = 'embeddings skipped';
  let embedS = 0;
  let timeBasis = measured !== null ? 'measured from earlier syncs (active time, without pauses and crashes)' : 'live GitHub latency';
  if (!req.skipEmbeddings) {
    const due = repo ? await summarizeDue(pool, { repositoryId: repo.id, only: ['issue', 'pr'], model: c.model, dimensions: c.dimensions }) : { due: 0, tokens: 0 };
    const missingPrs = req.embeddingsOnly ? 0 : Math.max(0, counts.pullRequests - stored.pullRequests);
    const missingIssues = req.embeddingsOnly ? 0 : Math.max(0, counts.issues - stored.issues);
    const missing = missingPrs + missingIssues;
    const per = missing ? await tokensPerItem(pool, d.sync, name.owner, name.name) : { pr: 0, issue: 0, basis: 'tokenizer on the texts in the warehouse' };
    embedItems = due.due + missing;
    tokens = Math.round(due.tokens + missingPrs * per.pr + missingIssues * per.issue);
    basis = missing ? per.basis : 'tokenizer on the texts in the warehouse';
    // The provider's limits, read from a one-token probe: time is bound by tokens per minute.
    const key = await d.embeddings.deps.secrets.get(c.profile.id, 'openai_key');
    let tpm = DEFAULT_TPM;
    let left: number | null = null;
    let probeLatency = 0.3;
    if (key) {
      const { results: [r] } = await runChecks([openaiCheck({ apiKey: key, baseUrl: c.baseURL, model: c.model })], { timeoutMs: 8000 });
      const lim = (r?.details.rateLimits as { tokens?: { limit: number; remaining: number } } | undefined)?.tokens;
      if (lim) {
        tpm = lim.limit;
        left = lim.remaining;
      }
      if (r?.latencyMs) probeLatency = r.latencyMs / 1000;
    }
    embedS = Math.max(0, tokens - (left ?? 0)) / (tpm / 60) + 2 * probeLatency + embedItems / VECTORS_PER_S;
    timeBasis += left === null ? `, default ${DEFAULT_TPM.toLocaleString()} tokens/min` : `, OpenAI limit ${tpm.toLocaleString()} tokens/min (${left.toLocaleString()} left now)`;
  }
  const aggregateS = 0.5;
  return {
    repository: name.fullName,
    window: { since: window.since?.toISOString() ?? null },
    github: { pullRequests: counts.pullRequests, issues: counts.issues, requests: cost.requests, points: cost.points, graphqlRemaining: gql?.remaining ?? null, graphqlResetAt: gql?.resetAt ?? null },
    embeddings: { items: embedItems, tokens, usd: costUsd(c.model, tokens, prices), model: c.model, basis },
    milvus: { entities: embedItems, collection: c.collection },
    time: { syncS, embedS, aggregateS, totalS: syncS + embedS + aggregateS, basis: timeBasis },
    sizeClass: sizeClass(counts.pullRequests),
    guide: GUIDE_TABLE,
  };
}
