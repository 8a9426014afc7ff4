// The fastest any client could finish a workload under OpenAI-style rate limits.

export interface WorkloadShape {
  /** Tokens of the whole workload. */
  tokens: number;
  /** Requests it takes. */
  requests: number;
  rpm: number;
  tpm: number;
  /** Time from admission to response for one request. */
  latencyMs: number;
  /** Bucket contents at the start; default full (rpm / tpm), as after a minute of no use. */
  initialRequests?: number;
  initialTokens?: number;
}

/**
 * Each limit is a bucket holding at most L units (L = rpm or tpm) that refills continuously at L
 * per minute and starts with B units (full unless told otherwise). A request is admitted only when
 * the buckets hold 1 request and its tokens, and answers latency later. Whatever the concurrency,
 * everything beyond the initial contents has to be refilled before the last request is admitted:
 *
 *   t_last_admit ≥ max(0, (tokens − B_tok) / tpm, (requests − B_req) / rpm) minutes
 *   min_wall     = t_last_admit + latency
 *
 * So a workload within one full bucket (e.g. 2.5 M tokens at 5 M TPM) is bound only by one latency:
 * it could all be sent at once. Transfer and server CPU are not counted; they only add to it.
 */
export function minWallSeconds(w: WorkloadShape): number {
  const initialTokens = Math.min(w.tpm, w.initialTokens ?? w.tpm);
  const initialRequests = Math.min(w.rpm, w.initialRequests ?? w.rpm);
  const byTokens = (Math.max(0, w.tokens - initialTokens) * 60) / w.tpm;
  const byRequests = (Math.max(0, w.requests - initialRequests) * 60) / w.rpm;
  return Math.max(byTokens, byRequests) + w.latencyMs / 1000;
}
