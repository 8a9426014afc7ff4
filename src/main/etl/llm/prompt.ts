// What the model is shown for one PR: its title, description, author, size and the patches of
// its files (from GitHub's REST files endpoint), cut to a token budget so a huge PR costs no
// more than a normal one. Bump PROMPT_VERSION when the prompt changes: every PR is due again.
import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

export const PROMPT_VERSION = 1;
/** Tokens of the description and of all patches together, at most. */
export const BODY_BUDGET = 1_000;
export const PATCH_BUDGET = 6_000;
/** The completion limit sent with every request (the summary, score and reasons fit in far less). */
export const MAX_OUTPUT_TOKENS = 500;

const PLAIN = { disallowedSpecial: new Set<string>() };
export const tokens = (s: string) => countTokens(s, PLAIN);

function cut(s: string, budget: number): { text: string; cut: boolean } {
  if (s.length <= budget * 2) return { text: s, cut: false };
  const t = encode(s, PLAIN);
  return t.length <= budget ? { text: s, cut: false } : { text: decode(t.slice(0, budget)), cut: true };
}

export const SYSTEM_PROMPT = `You review merged and open GitHub pull requests for a team's shipping digest (What Shipped) and its engineering metrics.
For the pull request you are given, answer in JSON with:
- summary: what the change does, in one or two plain sentences for readers who did not see the code (at most 400 characters);
- risk_score: 0 to 10, how likely the change is to break production, lose data or weaken security (0-3 low, 4-6 medium, 7-10 high);
- risk_level: low, medium or high, consistent with risk_score;
- reasons: one to five short reasons for the score, naming the files or changes that carry the risk.
Weigh schema and migration changes, authentication and secrets, public API routes, configuration and the size of the change; tests lower the risk.`;

export interface PromptPr {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  author: string;
  additions: number;
  deletions: number;
  changedFiles: number;
}

export interface PromptFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  patch?: string | null;
}

/** The user message for one PR; patches share PATCH_BUDGET in file order, the rest are listed without. */
export function userMessage(pr: PromptPr, files: readonly PromptFile[]): string {
  const body = cut(pr.body?.trim() || '(no description)', BODY_BUDGET);
  const lines = [
    `Repository: ${pr.repo}`,
    `Pull request #${pr.number}: ${pr.title}`,
    `Author: ${pr.author}`,
    `Size: +${pr.additions} -${pr.deletions} in ${pr.changedFiles} file(s)`,
    '',
    'Description:',
    body.text + (body.cut ? '\n[description cut]' : ''),
    '',
    'Files:',
  ];
  let left = PATCH_BUDGET;
  let omitted = 0;
  for (const f of files) {
    lines.push(`--- ${f.filename} (${f.status}, +${f.additions} -${f.deletions})`);
    if (!f.patch) lines.push('[no textual patch: binary or too large]');
    else if (left <= 0) omitted++;
    else {
      const p = cut(f.patch, left);
      left -= tokens(p.text);
      lines.push(p.text + (p.cut ? '\n[patch cut]' : ''));
    }
  }
  if (omitted) lines.push(`[patches of ${omitted} more file(s) left out to stay within the token budget]`);
  if (files.length < pr.changedFiles) lines.push(`[${pr.changedFiles - files.length} more file(s) not listed by GitHub]`);
  return lines.join('\n');
}

export const SYSTEM_TOKENS = tokens(SYSTEM_PROMPT);

/**
 * Prompt tokens before the patches are fetched: the exact system prompt, title and description,
 * plus an allowance of 10 tokens per changed line and 20 per file, within the patch budget.
 * 3 per message and 3 for the reply, as the API bills them.
 */
export function estimatePromptTokens(pr: PromptPr): number {
  const head = tokens(`${pr.repo} ${pr.title} ${pr.author}`) + Math.min(BODY_BUDGET, tokens(pr.body ?? '')) + 40;
  const patches = Math.min(PATCH_BUDGET, 10 * (pr.additions + pr.deletions)) + 20 * Math.min(pr.changedFiles, 3000);
  return SYSTEM_TOKENS + head + patches + 9;
}

/** GitHub REST requests to list a PR's files: 100 per page, the endpoint's 3,000 files at most. */
export const fileRequests = (changedFiles: number) => Math.max(1, Math.ceil(Math.min(changedFiles, 3000) / 100));
