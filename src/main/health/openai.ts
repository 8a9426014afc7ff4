// OpenAI (or a compatible API at a configured base URL): one minimal authenticated call — a
// 1-token embedding by default (the What-the-Repo runbook's test call; it is also the only call
// that meets quota and rate limits), or GET /models, which costs nothing but proves only the key.
// Tells apart an invalid key (401), exhausted quota (429 insufficient_quota), rate limiting (429,
// with the reset from the headers), a missing model, server errors (5xx) and an unreachable API.
import { parseDurationMs, retryAfterMs } from '../embeddings/durations.ts';
import { withDeadline } from './abort.ts';
import { fmtCount, fmtMs, fmtPct, fmtSeconds, oneLine } from './format.ts';
import { httpRequest, joinUrl, netFailure, parseJson, safeUrl, type HttpAnswer } from './http-fetch.ts';
import { downOutcome, outcome, summaryWith } from './outcome.ts';
import { resolveThresholds, SOURCES, type HealthThresholds } from './thresholds.ts';
import type { Check, CheckOutcome, Finding } from './types.ts';

export interface OpenAICheckOptions {
  apiKey: string;
  /** Default https://api.openai.com/v1. */
  baseUrl?: string;
  /** Default text-embedding-3-small. */
  model?: string;
  /** Default 'embedding'. */
  probe?: 'embedding' | 'models';
  organization?: string;
  project?: string;
  id?: string;
  name?: string;
  timeoutMs?: number;
  /** Deadline of the request itself. Default 8 s. */
  requestTimeoutMs?: number;
  thresholds?: Partial<HealthThresholds['openai']>;
}

export type OpenAIFailure = 'missing_key' | 'invalid_key' | 'forbidden' | 'quota_exhausted' | 'rate_limited' | 'model_not_found' | 'not_openai' | 'bad_request' | 'server_error' | 'unreachable';

interface ApiErrorBody {
  message?: string;
  type?: string;
  code?: string | null;
}

export function openaiCheck(options: OpenAICheckOptions): Check {
  return {
    id: options.id ?? 'openai',
    kind: 'openai',
    name: options.name ?? 'OpenAI',
    timeoutMs: options.timeoutMs,
    secrets: [options.apiKey],
    run: (signal) => checkOpenAI(options, signal),
  };
}

async function checkOpenAI(o: OpenAICheckOptions, signal: AbortSignal): Promise<CheckOutcome> {
  const t = resolveThresholds({ openai: o.thresholds }).openai;
  const base = o.baseUrl ?? 'https://api.openai.com/v1';
  const model = o.model ?? 'text-embedding-3-small';
  const probe = o.probe ?? 'embedding';
  const details: Record<string, unknown> = { baseUrl: safeUrl(base), model, probe };
  if (!o.apiKey?.trim()) return downOutcome('No API key: set openai_key in Settings → Secrets (or OPENAI_API_KEY)', { ...details, failure: 'missing_key' });
  const headers: Record<string, string> = { authorization: `Bearer ${o.apiKey.trim()}`, 'user-agent': 'repo-ops-health' };
  if (o.organization) headers['openai-organization'] = o.organization;
  if (o.project) headers['openai-project'] = o.project;
  const path = probe === 'embedding' ? 'embeddings' : 'models';
  let a: HttpAnswer;
  try {
    a = await httpRequest(joinUrl(base, path), {
      method: probe === 'embedding' ? 'POST' : 'GET',
      headers: probe === 'embedding' ? { ...headers, 'content-type': 'application/json' } : headers,
      body: probe === 'embedding' ? JSON.stringify({ model, input: 'ok' }) : undefined,
      signal: withDeadline(signal, o.requestTimeoutMs ?? 8000, `The OpenAI API at ${safeUrl(base)}`),
      maxBytes: 4 << 20,
    });
  } catch (e) {
    if (signal.aborted) throw e;
    const f = netFailure(e, `The OpenAI API at ${safeUrl(base)}`);
    return downOutcome(`${f.kind === 'timeout' ? 'Not answering' : 'Unreachable'}: ${f.message}`, { ...details, failure: 'unreachable', network: f.kind });
  }
  const latencyMs = Math.round(a.latencyMs * 10) / 10;
  details.httpStatus = a.status;
  details.requestId = a.headers.get('x-request-id');
  const limits = rateLimits(a.headers);
  if (limits) details.rateLimits = limits;
  const json = parseJson(a.body);
  const err = (json as { error?: ApiErrorBody } | undefined)?.error;

  if (a.status >= 200 && a.status < 300) {
    const findings: Finding[] = [];
    let line: string;
    if (probe === 'embedding') {
      const vec = (json as { data?: { embedding?: unknown }[] } | undefined)?.data?.[0]?.embedding;
      if (!Array.isArray(vec) && typeof vec !== 'string') return fail('not_openai', `${safeUrl(base)} answered ${a.status} but not with an embedding: is the base URL an OpenAI-compatible API?`, details, latencyMs);
      details.dimensions = Array.isArray(vec) ? vec.length : null;
      details.tokens = (json as { usage?: { total_tokens?: number } }).usage?.total_tokens ?? null;
      line = `${model}${Array.isArray(vec) ? ` · ${vec.length} dims` : ''} · ${fmtMs(latencyMs)}`;
    } else {
      const ids = ((json as { data?: { id?: string }[] } | undefined)?.data ?? []).map((m) => m.id).filter((x): x is string => typeof x === 'string');
      if (!Array.isArray((json as { data?: unknown } | undefined)?.data)) return fail('not_openai', `${safeUrl(base)} answered ${a.status} but not with a model list: is the base URL an OpenAI-compatible API?`, details, latencyMs);
      details.models = ids.length;
      if (!ids.includes(model)) findings.push({ status: 'degraded', message: `The key works, but ${model} is not among the ${ids.length} models it can use` });
      line = `key valid · ${fmtCount(ids.length)} models · ${fmtMs(latencyMs)}`;
    }
    for (const kind of ['requests', 'tokens'] as const) {
      const l = limits?.[kind];
      if (!l || !l.limit) continue;
      if (l.remaining / l.limit < t.remainingDegradedRatio) {
        findings.push({
          status: 'degraded',
          message: `Close to the ${kind === 'requests' ? 'RPM' : 'TPM'} limit: ${fmtCount(l.remaining)} of ${fmtCount(l.limit)} left${l.resetMs !== null ? `, resets in ${fmtSeconds(l.resetMs / 1000)}` : ''}`,
          threshold: `remaining < ${fmtPct(t.remainingDegradedRatio)} (${SOURCES.whatTheRepo}: track API usage)`,
        });
      }
    }
    if (limits?.requests) line += ` · ${fmtCount(limits.requests.remaining)}/${fmtCount(limits.requests.limit)} RPM left`;
    return outcome({ summary: summaryWith(line, findings), latencyMs, details, findings });
  }

  const apiMessage = oneLine(err?.message ?? a.body, 200);
  if (a.status === 401) {
    // The API's message quotes part of the key; it is left out on purpose.
    return err?.code === 'invalid_api_key' || /incorrect api key|invalid/i.test(err?.message ?? '')
      ? fail('invalid_key', 'Invalid API key (401): the API rejected the key — update openai_key in Settings → Secrets', details, latencyMs)
      : fail('invalid_key', 'Not authorized (401): the API did not accept the Authorization header', details, latencyMs);
  }
  if (a.status === 403) return fail('forbidden', `Forbidden (403): the key may not use this API or region: ${apiMessage}`, details, latencyMs);
  if (a.status === 429) {
    if (err?.code === 'insufficient_quota' || err?.type === 'insufficient_quota') {
      return fail('quota_exhausted', 'Quota exhausted (429 insufficient_quota): check the plan and billing of the OpenAI account', details, latencyMs);
    }
    const waitMs = retryAfterMs(a.headers) ?? Math.max(limits?.requests?.resetMs ?? 0, limits?.tokens?.resetMs ?? 0);
    const on = err?.type === 'tokens' ? ' on tokens per minute' : err?.type === 'requests' ? ' on requests per minute' : '';
    details.failure = 'rate_limited';
    details.retryAfterMs = waitMs || null;
    details.resetAt = waitMs ? new Date(Date.now() + waitMs).toISOString() : null;
    const message = `Rate-limited${on} (429)${waitMs ? `: retry in ${fmtSeconds(waitMs / 1000)}` : ''}`;
    return outcome({ status: 'degraded', summary: message, latencyMs, details, findings: [{ status: 'degraded', message, threshold: 'HTTP 429 rate_limit_exceeded' }] });
  }
  if (a.status === 404) {
    if (err?.code === 'model_not_found' || /model/i.test(err?.message ?? '')) return fail('model_not_found', `Model ${model} is not available to this key (404): ${apiMessage}`, details, latencyMs);
    return fail('not_openai', `${safeUrl(joinUrl(base, path))} does not exist (404): is the base URL right (it usually ends in /v1)?`, details, latencyMs);
  }
  if (a.status >= 500) return fail('server_error', `Server error (${a.status}): ${apiMessage || 'no message'}`, details, latencyMs);
  return fail('bad_request', `Request refused (${a.status}): ${apiMessage}`, details, latencyMs);
}

function fail(kind: OpenAIFailure, message: string, details: Record<string, unknown>, latencyMs: number | null): CheckOutcome {
  return downOutcome(message, { ...details, failure: kind }, latencyMs);
}

interface Limit {
  limit: number;
  remaining: number;
  resetMs: number | null;
}

/** x-ratelimit-{limit,remaining,reset}-{requests,tokens}; resets are Go durations ("6m0s"). */
function rateLimits(h: Headers): { requests?: Limit; tokens?: Limit } | undefined {
  const read = (kind: string): Limit | undefined => {
    const limit = Number(h.get(`x-ratelimit-limit-${kind}`));
    const remaining = Number(h.get(`x-ratelimit-remaining-${kind}`));
    if (!h.has(`x-ratelimit-limit-${kind}`) || !Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
    return { limit, remaining, resetMs: parseDurationMs(h.get(`x-ratelimit-reset-${kind}`)) ?? null };
  };
  const requests = read('requests');
  const tokens = read('tokens');
  return requests || tokens ? { ...(requests && { requests }), ...(tokens && { tokens }) } : undefined;
}
