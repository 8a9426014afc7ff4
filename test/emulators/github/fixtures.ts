// Shared test fixtures: a small deterministic dataset and request helpers.
import { validate } from '@octokit/graphql-schema';
import { generateDataset } from './dataset.ts';
import type { Dataset } from './dataset.ts';
import type { GitHubEmulator } from './server.ts';

export const OWNER = 'acme';
export const REPO = 'widgets';

export function smallDataset(seed = 42): Dataset {
  return generateDataset({
    seed,
    users: 40,
    ghostShare: 0.05,
    repos: [
      { owner: OWNER, name: REPO, pullRequests: 130, issues: 70, avgReviews: 2, avgReviewComments: 3, avgIssueComments: 3, avgFiles: 4, heavyPullRequests: 2, previousNames: ['gadgets'] },
      { owner: OWNER, name: 'secret', pullRequests: 5, issues: 5, isPrivate: true },
    ],
  });
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ type?: string; message: string; path?: Array<string | number> }> };
}

/** POSTs a query; first checks it against GitHub's schema with @octokit/graphql-schema's own validator. */
export async function gql<T = Record<string, unknown>>(emu: GitHubEmulator, query: string, variables: Record<string, unknown> = {}, token = emu.token): Promise<GraphQLResponse<T>> {
  const problems = validate(query);
  if (problems.length) throw new Error(`Query does not validate against GitHub's schema: ${problems.map((p) => p.message).join('; ')}`);
  const res = await fetch(emu.graphqlUrl, {
    method: 'POST',
    headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() as GraphQLResponse<T>['body'] };
}

export async function rest(emu: GitHubEmulator, path: string, init: RequestInit & { token?: string | null } = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `token ${init.token ?? emu.token}`);
  const res = await fetch(emu.url + path, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
