import type pg from 'pg';
import type { EngineerLensParams, EtlPlan, WhatShippedParams } from '../../shared/contract/etl.ts';
import { OpsError } from '../../shared/errors.ts';
import type { Checkpoint, ProgressUpdate } from '../jobs/types.ts';
import type { Logger } from '../logging/logger.ts';
import { inTransaction } from '../warehouse/pool.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { ENGINEER_TABLES, tablesOf, type EngineerTable } from './names.ts';
import { flagCandidatePaths, stageRepository, type StageResult } from './stage.ts';
import { decide, refreshTable, type RefreshResult } from './tables.ts';
import { applySummaries } from './llm/store.ts';
import type { LlmRunResult, LlmScorer } from './llm/scorer.ts';

export const ENGINEER_LENS_JOB = 'engineer-lens';
export const WHAT_SHIPPED_JOB = 'what-shipped';
/** Repositories refreshed side by side (transactions on separate connections). */
const ETL_CONCURRENCY = 3;
/** Restaged PRs from which a run refreshes the planner's statistics of the staged tables. */
const ANALYZE_AFTER = 2000;

/**
 * The tables a run refreshes: the one asked for, or all, with what it counts on — the windows'
 * ownership_low_risk_prs reads author_file_ownership, so refreshing the windows alone would count
 * from shares behind the changes the windows consume.
 */
function tablesFor(updateTable: EngineerLensParams['updateTable']): EngineerTable[] {
  if (updateTable === 'all') return [...ENGINEER_TABLES];
  const wanted = new Set<EngineerTable>([updateTable]);
  if (wanted.has('author_metrics_window')) wanted.add('author_file_ownership');
  return ENGINEER_TABLES.filter((t) => wanted.has(t));
}

/** What a job gives the ETL: the job context's step, progress and cancellation. */
export interface RunHooks {
  /** The job run (the LLM pass records its costs under it). */
  runId?: string;
  signal: AbortSignal;
  log: Logger;
  progress(update: ProgressUpdate): void;
  step<T>(name: string, fn: (checkpoint: Checkpoint<unknown>) => Promise<T>): Promise<T>;
}

export interface EtlRunResult {
  timeZone: string;
  repositories: string[];
  staged: StageResult[];
  tables: RefreshResult[];
  /** What Shipped with `llm`: the LLM pass. */
  llm?: LlmRunResult;
}

/** The Engineer Lens and What Shipped ETL over the synced warehouse, set-based, per repository. */
export class EtlService {
  /** concurrency: repositories refreshed side by side (default ETL_CONCURRENCY). */
  private readonly d: { warehouse: WarehouseService; logger: Logger; timeZone: () => string; llm?: LlmScorer; concurrency?: number };
  constructor(d: { warehouse: WarehouseService; logger: Logger; timeZone: () => string; llm?: LlmScorer; concurrency?: number }) {
    this.d = d;
  }

  private async conn(): Promise<{ pool: pg.Pool; url: string; schema: string }> {
    const { pool, url, info } = await this.d.warehouse.connection();
    return { pool, url, schema: info.schema };
  }

  /** Repositories in scope: the tracked ones plus any the ETL still holds rows of (untracked or renamed since). */
  async repositories(repository: string | null): Promise<string[]> {
    const { pool, schema } = await this.conn();
    const T = tablesOf(schema);
    const { rows } = await pool.query(
      `SELECT name FROM (SELECT full_name AS name FROM ${T.repositories} UNION SELECT DISTINCT repo_name FROM ${T.etl_pr_sources} UNION SELECT DISTINCT repo_name FROM ${T.etl_state} WHERE repo_name <> '*') x
       WHERE $1::text IS NULL OR lower(name) = lower($1) ORDER BY name`,
      [repository],
    );
    const names = rows.map((r) => r.name as string);
    if (repository && names.length === 0) throw new OpsError('not_found', `repository: ${repository} is not tracked and has no ETL rows`);
    return names;
  }

  /** The console's schema and a pool on it, for the page reads. */
  async reader(): Promise<{ pool: pg.Pool; schema: string; timeZone: string }> {
    const { pool, schema } = await this.conn();
    return { pool, schema, timeZone: this.d.timeZone() };
  }

  async runEngineerLens(p: EngineerLensParams, h: RunHooks): Promise<EtlRunResult> {
    const tz = p.timeZone ?? this.d.timeZone();
    const tables = tablesFor(p.updateTable);
    const everyTable = tables.length === ENGINEER_TABLES.length;
    const repos = await this.repositories(p.repository);
    const staged = await this.stageAll(repos, { force: p.forceRefresh, since: p.since, until: p.until, rebuildsAll: p.forceRefresh && everyTable }, h);
    const results: RefreshResult[] = [];
    for (const table of ENGINEER_TABLES.filter((t) => tables.includes(t))) {
      const scope = table === 'authors' ? ['*'] : repos;
      const done = await h.step(table, (cp) => this.forEachRepo(`${table}`, scope, cp, h, (db, schema, repo) => refreshTable(db, schema, table, repo, { timeZone: tz, asOf: p.asOf, force: p.forceRefresh })));
      results.push(...done);
    }
    await this.analyzeRebuilt(results);
    await this.prune();
    return { timeZone: tz, repositories: repos, staged, tables: results };
  }

  async runWhatShipped(p: WhatShippedParams, h: RunHooks): Promise<EtlRunResult> {
    const repos = await this.repositories(p.repository);
    const staged = await this.stageAll(repos, { force: p.forceRefresh, since: null, until: null, rebuildsAll: false }, h);
    if (!p.llm) return { timeZone: this.d.timeZone(), repositories: repos, staged, tables: [] };
    const llm = this.d.llm;
    if (!llm || !h.runId) throw new OpsError('invalid_input', 'llm: the LLM pass runs only as a job of the console');
    const result = await h.step('llm', () => llm.run({ repositories: repos, model: p.llmModel, maxPrs: p.llmMaxPrs }, { ...h, runId: h.runId! }, WHAT_SHIPPED_JOB));
    return { timeZone: this.d.timeZone(), repositories: repos, staged, tables: [], llm: result };
  }

  private async stageAll(repos: string[], o: { force: boolean; since: string | null; until: string | null; rebuildsAll: boolean }, h: RunHooks): Promise<StageResult[]> {
    const staged = await this.stageRepos(repos, o, h);
    // Many rows rewritten: fresh statistics before the tables read them (plans over stale ones,
    // made before autovacuum gets there, turned a second's refresh into a minute's).
    if (staged.reduce((n, r) => n + r.changed + r.deleted, 0) >= ANALYZE_AFTER) {
      const { pool, schema } = await this.conn();
      const T = tablesOf(schema);
      await pool.query(`ANALYZE ${T.repo_prs}, ${T.etl_pr_sources}, ${T.etl_pr_files}`);
    }
    return staged;
  }

  private async stageRepos(repos: string[], o: { force: boolean; since: string | null; until: string | null; rebuildsAll: boolean }, h: RunHooks): Promise<StageResult[]> {
    const { pool, url, schema } = await this.conn();
    const candidates = await inTransaction(pool, url, (c) => flagCandidatePaths(c, schema, repos, { all: o.force || Boolean(o.since || o.until) }));
    return h.step('repo_prs', (cp) =>
      this.forEachRepo('repo_prs', repos, cp, h, async (db, schema, repo) => {
        // Log old and new keys only where some Engineer Lens table will read them incrementally.
        const T = tablesOf(schema);
        const hasState = (await db.query(`SELECT 1 FROM ${T.etl_state} WHERE repo_name = $1 AND table_name <> 'repo_prs' LIMIT 1`, [repo])).rowCount! > 0;
        const r = await stageRepository(db, schema, repo, { force: o.force, since: o.since, until: o.until, logChanges: hasState && !o.rebuildsAll, candidates: candidates.get(repo) });
        // Restaged PRs get their LLM summary back where the answer is still for their content.
        if (r.changed + r.deleted > 0) await applySummaries(db, schema, repo);
        return r;
      }),
    );
  }

  /**
   * One transaction per repository, a few repositories side by side (each is one Postgres backend:
   * the work is SQL there); the checkpoint keeps the finished repositories' results, so a resumed
   * run skips them. The first failure stops new work, lets the running ones end, and is thrown.
   */
  private async forEachRepo<R extends { repo: string }>(what: string, repos: string[], cp: Checkpoint<unknown>, h: RunHooks, fn: (db: pg.ClientBase, schema: string, repo: string) => Promise<R>): Promise<R[]> {
    const { pool, url, schema } = await this.conn();
    const done = new Map<string, R>(((cp.value as R[] | undefined) ?? []).map((r) => [r.repo, r]));
    const todo = repos.filter((r) => !done.has(r));
    let failure: unknown = null;
    const worker = async () => {
      for (let repo = todo.shift(); repo !== undefined && failure === null; repo = todo.shift()) {
        if (h.signal.aborted) throw new OpsError('cancelled', 'Cancelled');
        h.progress({ done: done.size, total: repos.length, unit: 'repositories', message: `${what}: ${repo === '*' ? 'all repositories' : repo}` });
        const started = Date.now();
        const r = await inTransaction(pool, url, (c) => fn(c, schema, repo));
        h.log.info('etl_step', `${what} ${repo}: ${JSON.stringify(r)} in ${Date.now() - started} ms`);
        done.set(repo, r);
        cp.save([...done.values()]);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.d.concurrency ?? ETL_CONCURRENCY, todo.length)) }, () => worker().catch((e: unknown) => void (failure ??= e))));
    if (failure !== null) throw failure;
    h.progress({ done: repos.length, total: repos.length, unit: 'repositories', message: `${what}: done` });
    return repos.map((r) => done.get(r)!);
  }

  /** What a run with these parameters would do, per table and repository, and why. Reads only. */
  async explain(p: EngineerLensParams): Promise<EtlPlan> {
    const { pool, schema } = await this.conn();
    const T = tablesOf(schema);
    const tz = p.timeZone ?? this.d.timeZone();
    const repos = await this.repositories(p.repository);
    const tables = tablesFor(p.updateTable);
    const candidates = [];
    for (const repo of repos) {
      const { rows } = await pool.query(
        `SELECT s.source_watermark, (SELECT count(*)::int FROM ${T.pull_requests} pr JOIN ${T.repositories} r ON r.id = pr.repository_id
           WHERE r.full_name = $1 AND (s.source_watermark IS NULL OR pr.synced_at > s.source_watermark - interval '10 minutes')) AS n
         FROM (SELECT (SELECT source_watermark FROM ${T.etl_state} WHERE table_name = 'repo_prs' AND repo_name = $1) AS source_watermark) s`,
        [repo],
      );
      candidates.push({ repository: repo, prs: p.forceRefresh ? -1 : (rows[0].n as number), lastStagedAt: rows[0].source_watermark ? (rows[0].source_watermark as Date).toISOString() : null });
    }
    const out: EtlPlan['rows'] = [];
    let asOf = '';
    for (const table of ENGINEER_TABLES.filter((t) => tables.includes(t))) {
      for (const repo of table === 'authors' ? ['*'] : repos) {
        const d = await decide(pool, schema, table, repo, { timeZone: tz, asOf: p.asOf, force: p.forceRefresh });
        asOf = d.endDate;
        const n = (await pool.query(`SELECT count(*)::int AS n FROM ${T[table]}${repo === '*' ? '' : ' WHERE repo_name = $1'}`, repo === '*' ? [] : [repo])).rows[0].n as number;
        out.push({ table, repository: repo === '*' ? 'all repositories' : repo, mode: d.full ? 'full' : d.changes > 0 ? 'incremental' : 'unchanged', reason: d.reason, pendingChanges: d.changes, rows: n, refreshedAt: d.refreshedAt?.toISOString() ?? null });
      }
    }
    return { timeZone: tz, asOf, candidates: candidates.map((c) => ({ ...c, prs: Math.max(0, c.prs) })), rows: out };
  }

  /**
   * Fresh planner statistics for the tables the next incremental run probes by key, when this run
   * rebuilt them: over the statistics of before a rebuild the planner chose to read a whole
   * repository's ownership rows instead. A small sample: row counts and rough distributions are
   * what those plans need (the full sample of a million rows cost a second).
   */
  private async analyzeRebuilt(results: RefreshResult[]): Promise<void> {
    const { pool, url, schema } = await this.conn();
    const T = tablesOf(schema);
    const rebuilt = new Set(results.filter((r) => r.mode === 'full' && r.rows > 0).map((r) => r.table));
    const tables = [...(rebuilt.has('author_file_ownership') ? [T.author_file_ownership] : []), ...(rebuilt.has('author_metrics_window') ? [T.etl_pr_owned] : [])];
    if (tables.length === 0) return;
    await inTransaction(pool, url, async (c) => {
      await c.query('SET LOCAL default_statistics_target = 10');
      await c.query(`ANALYZE ${tables.join(', ')}`);
    });
  }

  /** Drops change-log entries every table with state has consumed. */
  private async prune(): Promise<void> {
    const { pool, schema } = await this.conn();
    const T = tablesOf(schema);
    await pool.query(`DELETE FROM ${T.etl_changes} c WHERE NOT EXISTS (SELECT 1 FROM ${T.etl_state} s WHERE s.repo_name = c.repo_name AND s.table_name <> 'repo_prs' AND s.last_seq < c.seq)`);
  }
}
