// The LLM results in the warehouse: which PRs are due (content hash), saving an answer or an
// error, and keeping repo_prs.pr_summary / author_prs_window.pr_summary in step with them.
import type pg from 'pg';
import { qualified } from '../../warehouse/identifiers.ts';
import { tablesOf } from '../names.ts';
import type { PromptPr } from './prompt.ts';

type Db = Pick<pg.ClientBase, 'query'>;

const llmTable = (schema: string) => qualified(schema, 'etl_pr_llm');

/**
 * What the model sees of a PR, hashed: prompt version, title, description, author and every
 * file's path, status and line counts. Expects `p` (pull_requests) and `c` (contributors).
 */
const contentHash = (T: ReturnType<typeof tablesOf>, version: string) => `md5(concat_ws(chr(31), ${version}, p.title, p.body, c.username,
  (SELECT string_agg(concat_ws(chr(29), f.path, f.additions, f.deletions, f.change_type), chr(30) ORDER BY f.path) FROM ${T.pr_files} f WHERE f.pull_request_id = p.id)))`;

export interface DuePr extends PromptPr {
  hash: string;
}

/**
 * PRs of these repositories whose current content has no answer from `model` yet (never
 * scored, changed since, scored by another model or prompt version, or failed in another run),
 * newest first; `scope` counts every PR considered.
 */
export async function duePrs(db: Db, schema: string, o: { repos: string[]; model: string; promptVersion: number; runId: string | null; limit: number | null }): Promise<{ scope: number; due: DuePr[]; dueTotal: number }> {
  const T = tablesOf(schema);
  const L = llmTable(schema);
  const { rows } = await db.query(
    `WITH h AS (
       SELECT rp.repo_name, rp.pr_number, rp.title, p.body, rp.author, rp.additions, rp.deletions, rp.changed_files, coalesce(rp.merged_at, rp.created_at) AS at,
         ${contentHash(T, '$2::int')} AS hash
       FROM ${T.repo_prs} rp JOIN ${T.repositories} r ON r.full_name = rp.repo_name JOIN ${T.pull_requests} p ON p.repository_id = r.id AND p.number = rp.pr_number
       LEFT JOIN ${T.contributors} c ON c.id = p.author_id
       WHERE rp.repo_name = ANY($1::text[])
     ), x AS (
       SELECT h.*, count(*) OVER () AS scope FROM h
     )
     SELECT x.*, count(*) OVER () AS due_total FROM x LEFT JOIN ${L} l ON l.repo_name = x.repo_name AND l.pr_number = x.pr_number
     WHERE l.repo_name IS NULL OR l.content_hash <> x.hash OR l.model <> $3 OR (l.error IS NOT NULL AND l.run_id IS DISTINCT FROM $4)
     ORDER BY x.at DESC, x.repo_name, x.pr_number LIMIT $5`,
    [o.repos, o.promptVersion, o.model, o.runId, o.limit],
  );
  const scope = rows.length ? Number(rows[0].scope) : Number((await db.query(`SELECT count(*)::int AS n FROM ${T.repo_prs} WHERE repo_name = ANY($1::text[])`, [o.repos])).rows[0].n);
  return {
    scope,
    dueTotal: rows.length ? Number(rows[0].due_total) : 0,
    due: rows.map((r) => ({ repo: r.repo_name, number: r.pr_number, title: r.title, body: r.body, author: r.author, additions: r.additions, deletions: r.deletions, changedFiles: r.changed_files, hash: r.hash })),
  };
}

export interface LlmRow {
  repo: string;
  number: number;
  hash: string;
  promptVersion: number;
  model: string;
  summary: string | null;
  riskScore: number | null;
  riskLevel: string | null;
  reasons: string[] | null;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  githubRequests: number;
  runId: string | null;
}

/** One PR's answer or error, and its summary into repo_prs and author_prs_window (in the caller's transaction). */
export async function saveResult(db: Db, schema: string, r: LlmRow): Promise<void> {
  const L = llmTable(schema);
  await db.query(
    `INSERT INTO ${L} (repo_name, pr_number, content_hash, prompt_version, model, summary, risk_score, risk_level, risk_reasons, error, current, input_tokens, output_tokens, usd, github_requests, run_id, scored_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, $11, $12, $13, $14, $15, now())
     ON CONFLICT (repo_name, pr_number) DO UPDATE SET content_hash = EXCLUDED.content_hash, prompt_version = EXCLUDED.prompt_version, model = EXCLUDED.model,
       summary = EXCLUDED.summary, risk_score = EXCLUDED.risk_score, risk_level = EXCLUDED.risk_level, risk_reasons = EXCLUDED.risk_reasons, error = EXCLUDED.error, current = true,
       input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens, usd = EXCLUDED.usd, github_requests = EXCLUDED.github_requests, run_id = EXCLUDED.run_id, scored_at = now()`,
    [r.repo, r.number, r.hash, r.promptVersion, r.model, r.summary, r.riskScore, r.riskLevel, r.reasons === null ? null : JSON.stringify(r.reasons), r.error, r.inputTokens, r.outputTokens, r.usd, r.githubRequests, r.runId],
  );
  // An error keeps a summary from an earlier answer only if that one is still current: it is not.
  await applySummaries(db, schema, r.repo, r.number);
}

/**
 * Marks each stored answer current or not (its hash against the synced PR now) and writes the
 * current answers' summaries into repo_prs and author_prs_window (NULL where none is current).
 * After staging, rewritten repo_prs rows get their summary back when the PR is unchanged for the
 * model. Touches only PRs that have an LLM row: nothing when the LLM pass is never used.
 */
export async function applySummaries(db: Db, schema: string, repo: string, prNumber: number | null = null): Promise<void> {
  const T = tablesOf(schema);
  const L = llmTable(schema);
  if (!(await db.query(`SELECT 1 FROM ${L} WHERE repo_name = $1 LIMIT 1`, [repo])).rowCount) return;
  await db.query(
    `UPDATE ${L} l SET current = h.same FROM (
       SELECT l2.repo_name, l2.pr_number, l2.content_hash = ${contentHash(T, 'l2.prompt_version')} AS same
       FROM ${L} l2 JOIN ${T.repositories} r ON r.full_name = l2.repo_name JOIN ${T.pull_requests} p ON p.repository_id = r.id AND p.number = l2.pr_number
       LEFT JOIN ${T.contributors} c ON c.id = p.author_id
       WHERE l2.repo_name = $1 AND ($2::int IS NULL OR l2.pr_number = $2)
     ) h WHERE l.repo_name = h.repo_name AND l.pr_number = h.pr_number AND l.current IS DISTINCT FROM h.same`,
    [repo, prNumber],
  );
  const summary = `CASE WHEN l.current AND l.error IS NULL THEN l.summary END`;
  for (const t of [T.repo_prs, T.author_prs_window])
    await db.query(
      `UPDATE ${t} x SET pr_summary = ${summary} FROM ${L} l
       WHERE l.repo_name = $1 AND ($2::int IS NULL OR l.pr_number = $2) AND x.repo_name = l.repo_name AND x.pr_number = l.pr_number AND x.pr_summary IS DISTINCT FROM ${summary}`,
      [repo, prNumber],
    );
}

/** The current LLM columns of a PR for the page reads: join with `p` = repo_prs. */
export const llmJoin = (schema: string, p = 'p') =>
  `LEFT JOIN ${llmTable(schema)} llm ON llm.repo_name = ${p}.repo_name AND llm.pr_number = ${p}.pr_number AND llm.current AND llm.error IS NULL`;
export const LLM_COLUMNS = 'llm.risk_score AS llm_risk_score, llm.risk_level AS llm_risk_level, llm.risk_reasons AS llm_risk_reasons, llm.model AS llm_model, llm.scored_at AS llm_scored_at';
