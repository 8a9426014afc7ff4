// The pack's calls to a system's own HTTP API (pgGit's /api/v1/…): bounded in time and size.
import { OpsError } from '../../shared/errors.ts';
import { httpRequest, joinUrl, safeUrl } from '../health/http-fetch.ts';
import type { PackContext } from './types.ts';

export async function apiJson(ctx: PackContext, method: 'GET' | 'POST', path: string, timeoutMs = 10_000): Promise<{ status: number; json: unknown; latencyMs: number; url: string }> {
  const { base, headers } = await ctx.api();
  const url = joinUrl(base, path);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  let answer;
  try {
    answer = await httpRequest(url, { method, headers: { accept: 'application/json', ...headers }, signal, maxBytes: 4 << 20 });
  } catch (e) {
    throw new OpsError('unavailable', `${method} ${safeUrl(url)} failed: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = answer.body ? JSON.parse(answer.body) : null;
  } catch {
    throw new OpsError('unavailable', `${method} ${safeUrl(url)} answered ${answer.status} with a body that is not JSON`);
  }
  if (answer.status >= 400) throw new OpsError('unavailable', `${method} ${safeUrl(url)} answered HTTP ${answer.status}`);
  return { status: answer.status, json, latencyMs: answer.latencyMs, url: safeUrl(url) };
}
