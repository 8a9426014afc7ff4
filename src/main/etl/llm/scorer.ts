// The optional LLM pass of What Shipped (What the Repo scores PRs with gpt-4o-mini): for the PRs
// whose content has no answer yet, the patches from GitHub's REST files endpoint, one structured
// chat completion each, the summary and an LLM risk stored next to the deterministic rubric's.
// Estimated before the run, checked against the budgets before every PR, recorded in the ledger.
import { OpsError } from '../../../shared/errors.ts';
import type { BudgetService } from '../../costs/budget-service.ts';
import type { CostService } from '../../costs/cost-service.ts';
import type { GitHubClient } from '../../github/client.ts';
import { JobPausedError } from '../../jobs/types.ts';
import type { Logger } from '../../logging/logger.ts';
import { inTransaction } from '../../warehouse/pool.ts';
import type { WarehouseService } from '../../warehouse/warehouse-service.ts';
import { parseAnswer } from './answer.ts';
import { chatClient, PrRejected, type ChatResult } from './chat.ts';
import { chatCostUsd, chatPrice } from './pricing.ts';
import { estimatePromptTokens, fileRequests, MAX_OUTPUT_TOKENS, PROMPT_VERSION, userMessage, type PromptFile } from './prompt.ts';
import { applySummaries, duePrs, saveResult, type DuePr } from './store.ts';

export interface LlmScope {
  repositories: string[];
  model: string;
  /** Score at most this many PRs (the newest due first); null: every due PR. */
  maxPrs: number | null;
}

export interface LlmEstimate {
  model: string;
  /** PRs in scope, and how many of them have a current answer from this model already. */
  inScope: number;
  alreadyScored: number;
  /** PRs this run would score. */
  prs: number;
  inputTokens: number;
  /** At most: the completion limit per PR. */
  outputTokens: number;
  usd: number;
  githubRequests: number;
  pricePerMillion: { input: number; output: number };
}

export interface LlmRunResult {
  model: string;
  scored: number;
  failed: number;
  alreadyScored: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  githubRequests: number;
  rateLimitRetries: number;
  errors: { repository: string; number: number; error: string }[];
}

export interface LlmHooks {
  runId: string;
  signal: AbortSignal;
  log: Logger;
  progress(u: { done: number; total: number; unit: string; message?: string }): void;
}

export interface LlmDeps {
  warehouse: WarehouseService;
  github(o: { signal: AbortSignal; logger: Logger }): Promise<GitHubClient>;
  openai(): Promise<{ apiKey: string; baseURL: string }>;
  costs: CostService;
  budgets: BudgetService;
  /** PRs scored at once. */
  concurrency?: number;
  retryBaseMs?: number;
}

const prAmount = (model: string, pr: DuePr) => {
  const input = estimatePromptTokens(pr);
  return { input, output: MAX_OUTPUT_TOKENS, usd: chatCostUsd(model, input, MAX_OUTPUT_TOKENS), github: fileRequests(pr.changedFiles) };
};

export class LlmScorer {
  private readonly d: LlmDeps;
  constructor(d: LlmDeps) {
    this.d = d;
  }

  /** What a run would score and cost (nothing is sent or written). */
  async estimate(s: LlmScope, runId: string | null = null): Promise<LlmEstimate & { due: DuePr[] }> {
    const pricePerMillion = chatPrice(s.model);
    const { pool, info } = await this.d.warehouse.connection();
    const r = await duePrs(pool, info.schema, { repos: s.repositories, model: s.model, promptVersion: PROMPT_VERSION, runId, limit: s.maxPrs });
    let inputTokens = 0;
    let githubRequests = 0;
    for (const pr of r.due) {
      const a = prAmount(s.model, pr);
      inputTokens += a.input;
      githubRequests += a.github;
    }
    const outputTokens = r.due.length * MAX_OUTPUT_TOKENS;
    return { model: s.model, inScope: r.scope, alreadyScored: r.scope - r.dueTotal, prs: r.due.length, inputTokens, outputTokens, usd: chatCostUsd(s.model, inputTokens, outputTokens), githubRequests, pricePerMillion, due: r.due };
  }

  /**
   * Before the job is queued: the OpenAI key is there, the model has a price, and the estimate
   * fits the budgets (refused naming the budget otherwise).
   */
  async preflight(s: LlmScope, repository: string | null, jobKind: string): Promise<LlmEstimate> {
    await this.d.openai();
    const { due: _due, ...est } = await this.estimate(s);
    if (est.prs > 0 && (await this.d.budgets.applies('llm'))) await this.d.budgets.preflight({ category: 'llm', runId: null, jobKind, repository, estimate: { usd: est.usd, tokens: est.inputTokens + est.outputTokens, repository } });
    return est;
  }

  async run(s: LlmScope, h: LlmHooks, jobKind: string): Promise<LlmRunResult> {
    const { pool, url, info } = await this.d.warehouse.connection();
    const schema = info.schema;
    // Answers still current after the staging (an unchanged PR keeps its summary, a changed one loses it).
    for (const repo of s.repositories) await applySummaries(pool, schema, repo);
    const plan = await this.estimate(s, h.runId);
    const out: LlmRunResult = { model: s.model, scored: 0, failed: 0, alreadyScored: plan.alreadyScored, inputTokens: 0, outputTokens: 0, usd: 0, githubRequests: 0, rateLimitRetries: 0, errors: [] };
    h.log.info('llm_plan', `LLM pass with ${s.model}: ${plan.prs} PR(s) to score of ${plan.inScope} (${plan.alreadyScored} unchanged since their answer), about ${plan.inputTokens} input and at most ${plan.outputTokens} output tokens, at most $${plan.usd.toFixed(4)}, ${plan.githubRequests} GitHub request(s) for the patches`, { ...plan, due: undefined });
    if (plan.prs === 0) return out;

    const repository = s.repositories.length === 1 ? s.repositories[0] : null;
    const guard = await this.d.budgets.guard({ category: 'llm', runId: h.runId, jobKind, repository });
    try {
      const over = guard.violations({ usd: plan.usd, tokens: plan.inputTokens + plan.outputTokens, repository });
      if (over.length) throw new JobPausedError(`Refused before the first paid request: ${over.map((v) => v.message).join(' ')} Raise the cap (Settings → Budgets) and resume, or score fewer PRs.`);
      const { apiKey, baseURL } = await this.d.openai();
      const review = chatClient({ apiKey, baseURL, model: s.model, signal: h.signal, retryBaseMs: this.d.retryBaseMs, onWait: (reason) => h.progress({ done: out.scored + out.failed, total: plan.prs, unit: 'PRs', message: reason }) });
      const github = await this.d.github({ signal: h.signal, logger: h.log });
      const queue = [...plan.due];
      const one = async (pr: DuePr) => {
        const est = prAmount(s.model, pr);
        const ticket = guard.admit({ usd: est.usd, tokens: est.input + est.output, repository: pr.repo });
        let paid = { usd: 0, tokens: 0 };
        try {
          const pages = { n: 0 };
          let files: PromptFile[];
          try {
            files = await listFiles(github, pr, pages);
          } catch (e) {
            // A PR GitHub no longer has is scored from what the warehouse holds (no patches).
            if ((e as { status?: number }).status !== 404) throw github.describe(e, `list of files of ${pr.repo}#${pr.number}`);
            files = [];
          }
          const githubRequests = pages.n;
          let chat: ChatResult | null = null;
          let error: string | null = null;
          try {
            chat = await review(userMessage(pr, files));
          } catch (e) {
            if (!(e instanceof PrRejected)) throw e;
            error = e.message;
          }
          const parsed = chat ? parseAnswer(chat.content, chat.finishReason, chat.refusal) : null;
          if (parsed && !parsed.ok) error = parsed.error;
          const answer = parsed?.ok ? parsed.answer : null;
          const inputTokens = chat?.inputTokens ?? 0;
          const outputTokens = chat?.outputTokens ?? 0;
          const usd = chatCostUsd(s.model, inputTokens, outputTokens);
          await inTransaction(pool, url, async (c) => {
            await saveResult(c, schema, {
              repo: pr.repo, number: pr.number, hash: pr.hash, promptVersion: PROMPT_VERSION, model: s.model,
              summary: answer?.summary ?? null, riskScore: answer?.riskScore ?? null, riskLevel: answer?.riskLevel ?? null, reasons: answer?.reasons ?? null, error,
              inputTokens, outputTokens, usd, githubRequests, runId: h.runId,
            });
            await this.d.costs.record([
              { category: 'llm', model: s.model, runId: h.runId, jobKind, repository: pr.repo, requests: chat ? 1 : 0, inputTokens, outputTokens, items: 1, usd },
              { category: 'github', runId: h.runId, jobKind, repository: pr.repo, requests: githubRequests, items: 1 },
            ], c);
          });
          paid = { usd, tokens: inputTokens + outputTokens };
          out.inputTokens += inputTokens;
          out.outputTokens += outputTokens;
          out.usd += usd;
          out.githubRequests += githubRequests;
          out.rateLimitRetries += chat?.rateLimited ?? 0;
          if (error) {
            out.failed++;
            if (out.errors.length < 50) out.errors.push({ repository: pr.repo, number: pr.number, error });
            h.log.warn('llm_pr_failed', `${pr.repo}#${pr.number}: ${error}`, { repository: pr.repo, number: pr.number });
          } else out.scored++;
        } finally {
          guard.settle(ticket, { usd: paid.usd, tokens: paid.tokens, repository: pr.repo });
        }
        h.progress({ done: out.scored + out.failed, total: plan.prs, unit: 'PRs', message: `LLM: ${pr.repo}#${pr.number}` });
      };
      // The first failure stops the others after their current PR; every PR finished is saved and paid for.
      let failure: unknown = null;
      const worker = async () => {
        for (let pr = queue.shift(); pr && failure === null; pr = queue.shift()) {
          if (h.signal.aborted) throw new OpsError('cancelled', 'Cancelled');
          await one(pr).catch((e: unknown) => {
            failure ??= e;
          });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.d.concurrency ?? 4, plan.prs)) }, worker));
      if (failure !== null) throw failure;
    } finally {
      guard.close();
    }
    out.usd = Math.round(out.usd * 1e6) / 1e6;
    return out;
  }
}

/** GET /repos/{owner}/{repo}/pulls/{n}/files, 100 per page; `pages` counts the requests. */
async function listFiles(github: GitHubClient, pr: DuePr, pages: { n: number }): Promise<PromptFile[]> {
  const [owner, repo] = pr.repo.split('/');
  const files = await github.octokit.paginate(github.octokit.rest.pulls.listFiles, { owner, repo, pull_number: pr.number, per_page: 100 }, (res) => {
    pages.n++;
    return res.data;
  });
  return files.map((f) => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, patch: f.patch ?? null }));
}
