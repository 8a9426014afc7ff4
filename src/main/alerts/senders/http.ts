import type { SendOutcome } from '../types.ts';

/** POSTs JSON with a timeout; classifies the answer for retries and the circuit breaker. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, okWhen: (status: number, text: string) => boolean = (s) => s >= 200 && s < 300): Promise<SendOutcome> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'repo-ops-alerts', ...headers }, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await res.text().catch(() => '');
    const ms = performance.now() - t0;
    if (okWhen(res.status, text)) return { ok: true, code: res.status, ms, error: null, permanent: false };
    const retryAfter = Number(res.headers.get('retry-after'));
    const permanent = res.status >= 400 && res.status < 500 && ![408, 425, 429].includes(res.status);
    return { ok: false, code: res.status, ms, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, permanent, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  } catch (e) {
    const ms = performance.now() - t0;
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { ok: false, code: null, ms, error: `${hostOf(url)}: ${why}`, permanent: false };
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
