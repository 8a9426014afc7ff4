import { mulberry32 } from '../../shared/random.ts';
import type { GitHubClient } from '../github/client.ts';
import { DEFAULT_NESTED, LATEST_NUMBERS_QUERY, sampleItemsQuery } from '../github/queries.ts';
import { checkGraphQLErrors } from '../github/resilient-query.ts';
import type { NestedProfile } from '../sync/follow-up-model.ts';
import { profileOf } from '../sync/follow-up-model.ts';
import type { RequestTiming } from '../sync/size-scan.ts';

export interface SampledItem extends NestedProfile {
  number: number;
  title: string;
  body: string;
  createdAt: string;
}

const PER_REQUEST = 50;

/** A seeded PRNG: the same repository draws the same sample, so estimates repeat. */
export function seededRandom(seedText: string): () => number {
  let a = 0;
  for (const ch of seedText) a = (Math.imul(a, 31) + ch.charCodeAt(0)) >>> 0;
  return mulberry32(a);
}

/** Fisher–Yates: the order a random sample is drawn in. */
export function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The highest item number (PRs and issues share one sequence): the range to draw from. */
export async function latestNumber(github: GitHubClient, owner: string, name: string): Promise<number> {
  const res = await github.graphql<{ repository: { pullRequests: { nodes: { number: number }[] }; issues: { nodes: { number: number }[] } } | null }>(LATEST_NUMBERS_QUERY, { owner, name });
  checkGraphQLErrors(res.errors, `Numbers of ${owner}/${name}`);
  const r = res.data?.repository;
  return Math.max(0, r?.pullRequests.nodes[0]?.number ?? 0, r?.issues.nodes[0]?.number ?? 0);
}

type SampleNode = { __typename: string; number: number; title: string; body: string | null; createdAt: string } & Parameters<typeof profileOf>[1];

/**
 * Title, body and nested sizes of the given items, by number. Numbers that are no PR or issue
 * (deleted, transferred, a discussion) are skipped: GitHub answers NOT_FOUND for those aliases.
 */
export async function fetchSample(github: GitHubClient, owner: string, name: string, numbers: number[], onTiming?: (t: RequestTiming) => void): Promise<SampledItem[]> {
  const out: SampledItem[] = [];
  for (let i = 0; i < numbers.length; i += PER_REQUEST) {
    const part = numbers.slice(i, i + PER_REQUEST);
    const t0 = performance.now();
    const res = await github.graphql<{ repository: Record<string, SampleNode | null> | null }>(sampleItemsQuery(part, DEFAULT_NESTED), { owner, name });
    const other = (res.errors ?? []).filter((e) => (e as { type?: string }).type !== 'NOT_FOUND' || !(e as { path?: unknown[] }).path?.some((p) => typeof p === 'string' && /^i\d+$/.test(p)));
    checkGraphQLErrors(other, `Sampling ${owner}/${name}`);
    const nodes = Object.values(res.data?.repository ?? {}).filter((n): n is SampleNode => n !== null && (n.__typename === 'PullRequest' || n.__typename === 'Issue'));
    onTiming?.({ nodes: 1 + nodes.length + nodes.reduce((n, x) => n + (x.reviews?.nodes.length ?? 0), 0), ms: performance.now() - t0 });
    for (const n of nodes) {
      const kind = n.__typename === 'PullRequest' ? 'pr' : 'issue';
      out.push({ number: n.number, title: n.title, body: n.body ?? '', createdAt: n.createdAt, ...profileOf(kind, n) });
    }
  }
  return out;
}
