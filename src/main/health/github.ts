// GitHub: GET /rate_limit (free: it does not count against the limit) for remaining and reset of
// core, graphql and search, and GET /user for the token's validity, login and scopes
// (x-oauth-scopes; a classic token without `repo` cannot see private repositories).
import { withDeadline } from './abort.ts';
import { fmtCount, fmtMs, fmtPct, fmtReset, oneLine } from './format.ts';
import { httpRequest, joinUrl, netFailure, parseJson, safeUrl, type HttpAnswer, type NetFailure } from './http-fetch.ts';
import { downOutcome, outcome, summaryWith } from './outcome.ts';
import { resolveThresholds, SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Check, CheckOutcome, Finding } from './types.ts';

export interface GitHubCheckOptions {
  token: string;
  /** Default https://api.github.com; GitHub Enterprise: https://HOST/api/v3. */
  apiUrl?: string;
  /** Scopes a classic token must have. Default ['repo']. */
  requiredScopes?: string[];
  id?: string;
  name?: string;
  timeoutMs?: number;
  /** Deadline of each request. Default 8 s. */
  requestTimeoutMs?: number;
  thresholds?: Partial<HealthThresholds['github']>;
}

const RESOURCES = ['core', 'graphql', 'search'] as const;

interface Bucket {
  limit: number;
  remaining: number;
  used: number;
  resetAt: string;
}

export function githubCheck(options: GitHubCheckOptions): Check {
  return { id: options.id ?? 'github', kind: 'github', name: options.name ?? 'GitHub', timeoutMs: options.timeoutMs, secrets: [options.token], run: (signal) => checkGitHub(options, signal) };
}

/** What kind of token it is, from its documented prefix (nothing secret in that). */
export function tokenType(token: string): string {
  const t = token.trim();
  if (t.startsWith('github_pat_')) return 'fine-grained personal access token';
  const kinds: Record<string, string> = { ghp_: 'classic personal access token', gho_: 'OAuth app token', ghu_: 'GitHub App user token', ghs_: 'GitHub App installation token', ghr_: 'refresh token' };
  return kinds[t.slice(0, 4)] ?? 'token';
}

async function checkGitHub(o: GitHubCheckOptions, signal: AbortSignal): Promise<CheckOutcome> {
  const t = resolveThresholds({ github: o.thresholds }).github;
  const api = o.apiUrl ?? 'https://api.github.com';
  const where = `The GitHub API at ${safeUrl(api)}`;
  const details: Record<string, unknown> = { apiUrl: safeUrl(api) };
  if (!o.token?.trim()) return downOutcome('No token: set github_token in Settings → Secrets (or GITHUB_TOKEN)', { ...details, failure: 'missing_token' });
  details.tokenType = tokenType(o.token);
  const headers = { authorization: `Bearer ${o.token.trim()}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'repo-ops-health' };
  const get = (path: string): Promise<HttpAnswer | NetFailure> =>
    httpRequest(joinUrl(api, path), { headers, signal: withDeadline(signal, o.requestTimeoutMs ?? 8000, where) }).catch((e: unknown) => {
      if (signal.aborted) throw e;
      return netFailure(e, where);
    });
  const [rl, user] = await Promise.all([get('rate_limit'), get('user')]);
  if ('kind' in rl && 'kind' in user) return downOutcome(`${rl.kind === 'timeout' ? 'Not answering' : 'Unreachable'}: ${rl.message}`, { ...details, failure: 'unreachable', network: rl.kind });
  if (('status' in rl && rl.status === 401) || ('status' in user && user.status === 401)) {
    return downOutcome('Bad credentials (401): the token is invalid, expired or revoked — update github_token in Settings → Secrets', { ...details, failure: 'invalid_token' });
  }
  const findings: Finding[] = [];
  const parts: string[] = [];
  let latencyMs: number | null = null;

  if ('kind' in rl) {
    findings.push({ status: 'degraded', message: `GET /rate_limit failed: ${rl.message}` });
  } else if (rl.status === 404) {
    details.rateLimits = null; // GitHub Enterprise with rate limiting turned off
    parts.push('rate limiting disabled');
    latencyMs = rl.latencyMs;
  } else if (rl.status >= 500) {
    return downOutcome(`GitHub API error (${rl.status}) on GET /rate_limit: ${apiMessage(rl)}`, { ...details, failure: 'server_error', httpStatus: rl.status }, rl.latencyMs);
  } else if (rl.status !== 200) {
    findings.push({ status: 'degraded', message: `GET /rate_limit → ${rl.status}: ${apiMessage(rl)}` });
  } else {
    latencyMs = Math.round(rl.latencyMs * 10) / 10;
    const resources = (parseJson(rl.body) as { resources?: Record<string, Partial<{ limit: number; remaining: number; used: number; reset: number }>> } | undefined)?.resources ?? {};
    const buckets: Record<string, Bucket> = {};
    for (const r of RESOURCES) {
      const b = resources[r];
      if (!b || typeof b.limit !== 'number' || typeof b.remaining !== 'number') continue;
      const reset = new Date((b.reset ?? 0) * 1000);
      buckets[r] = { limit: b.limit, remaining: b.remaining, used: b.used ?? b.limit - b.remaining, resetAt: reset.toISOString() };
      parts.push(`${r} ${fmtCount(b.remaining)}/${fmtCount(b.limit)}`);
      if (b.limit > 0 && b.remaining / b.limit < t.remainingDegradedRatio) {
        findings.push({
          status: 'degraded',
          message: b.remaining === 0
            ? `${r} rate limit exhausted (0 of ${fmtCount(b.limit)}), resets ${fmtReset(reset)}`
            : `${r} rate limit low: ${fmtCount(b.remaining)} of ${fmtCount(b.limit)} left (${fmtPct(b.remaining / b.limit)}), resets ${fmtReset(reset)}`,
          threshold: `remaining < ${fmtPct(t.remainingDegradedRatio)} (${SOURCES.whatTheRepo}: 5000 requests/hour, track remaining)`,
        });
      }
    }
    details.rateLimits = buckets;
  }

  if ('kind' in user) {
    findings.push({ status: 'unknown', message: `GET /user failed: ${user.message}` });
  } else if (user.status === 200) {
    latencyMs ??= Math.round(user.latencyMs * 10) / 10;
    const body = parseJson(user.body) as { login?: string; type?: string } | undefined;
    details.login = body?.login ?? null;
    const raw = user.headers.get('x-oauth-scopes');
    if (raw === null) {
      // Fine-grained and App tokens carry permissions, not scopes; GitHub does not report them here.
      details.scopes = null;
      parts.push('scopes not reported (fine-grained token)');
    } else {
      const scopes = raw.split(',').map((s) => s.trim()).filter(Boolean);
      details.scopes = scopes;
      const missing = (o.requiredScopes ?? ['repo']).filter((s) => !scopes.includes(s));
      details.missingScopes = missing;
      parts.push(`scopes ${scopes.join(', ') || 'none'}`);
      if (missing.length) {
        findings.push({
          status: 'degraded',
          message: `The token lacks the ${missing.join(', ')} scope${missing.length === 1 ? '' : 's'}${missing.includes('repo') ? ': private repositories are invisible to sync' : ''}`,
          threshold: `required scopes: ${(o.requiredScopes ?? ['repo']).join(', ')}`,
        });
      }
    }
    if (body?.login) parts.unshift(body.login);
  } else if (user.status === 403 && /integration/i.test(apiMessage(user))) {
    details.login = null; // installation tokens may not read /user
  } else if (user.status >= 500) {
    findings.push({ status: 'degraded', message: `GET /user → ${user.status}: ${apiMessage(user)}` });
  } else if (user.status === 403 || user.status === 429) {
    const retry = user.headers.get('retry-after');
    findings.push({ status: 'degraded', message: `GET /user → ${user.status}: ${apiMessage(user)}${retry ? ` (retry after ${retry} s)` : ''}` });
  } else {
    findings.push({ status: 'unknown', message: `GET /user → ${user.status}: ${apiMessage(user)}` });
  }
  if (latencyMs !== null) parts.push(fmtMs(latencyMs));
  return outcome({ summary: summaryWith(parts.join(' · '), findings), latencyMs, details, findings });
}

function apiMessage(a: HttpAnswer): string {
  const m = (parseJson(a.body) as { message?: unknown } | undefined)?.message;
  return oneLine(typeof m === 'string' ? m : a.body || 'no message', 200);
}
