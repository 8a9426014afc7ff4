import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { GraphQLHttpError, type GitHubClient } from './client.ts';

const TRANSIENT_ATTEMPTS = 4;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new OpsError('cancelled', 'Cancelled'))), { once: true });
  });

/** GraphQL errors become operator messages; "not found" says what usually causes it. */
export function checkGraphQLErrors(errors: { type?: string; message: string }[] | undefined, what: string): void {
  if (!errors?.length) return;
  if (errors.some((e) => e.type === 'NOT_FOUND')) throw new OpsError('not_found', `${what}: repository not found or token lacks access (${errors[0]!.message})`);
  if (errors.some((e) => e.type === 'RATE_LIMITED')) throw new OpsError('unavailable', `${what}: GitHub GraphQL rate limit exhausted`);
  throw new OpsError('unavailable', `${what}: GitHub answered with errors: ${errors.map((e) => e.message).join('; ')}`);
}

/**
 * Runs a sized GraphQL query: a 502/504 (GitHub's timeout on heavy queries) halves the
 * size and retries; 500/503 are retried with backoff; repeated failure stops with a reason.
 */
export async function sizedQuery<T>(opts: {
  client: GitHubClient;
  log: Logger;
  what: string;
  size: number;
  signal?: AbortSignal;
  build(size: number): { query: string; variables: Record<string, unknown> };
}): Promise<{ data: T; size: number }> {
  let size = opts.size;
  let transient = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new OpsError('cancelled', 'Cancelled');
    const { query, variables } = opts.build(size);
    try {
      const res = await opts.client.graphql<T>(query, variables);
      checkGraphQLErrors(res.errors, opts.what);
      if (!res.data) throw new OpsError('unavailable', `${opts.what}: GitHub returned no data`);
      return { data: res.data, size };
    } catch (e) {
      if (!(e instanceof GraphQLHttpError)) throw e;
      opts.client.stats.retries++;
      if ((e.status === 502 || e.status === 504) && size > 1) {
        const next = Math.max(1, Math.floor(size / 2));
        opts.client.stats.pageSizeReductions++;
        opts.log.warn('page_size_reduced', `${opts.what}: GitHub timed out (${e.status}); retrying with ${next} instead of ${size} per page`, { status: e.status, from: size, to: next });
        size = next;
        continue;
      }
      if (++transient > TRANSIENT_ATTEMPTS) throw new OpsError('unavailable', `${opts.what}: GitHub kept failing (${e.status}) after ${TRANSIENT_ATTEMPTS} retries; resume the run later`);
      const wait = Math.min(30_000, 500 * 2 ** transient) * (0.75 + Math.random() / 2);
      opts.log.warn('github_retry', `${opts.what}: GitHub answered ${e.status}; retry ${transient} in ${Math.round(wait)} ms`, { status: e.status });
      await sleep(wait, opts.signal);
    }
  }
}
