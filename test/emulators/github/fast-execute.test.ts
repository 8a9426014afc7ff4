// The fast executor must answer exactly like graphql-js `execute` (data,
// errors, null bubbling), and the cost analysis must follow GitHub's docs.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { analyzeQuery } from './graphql/cost.ts';
import { executeGraphQL, prepareGraphQL } from './graphql/handler.ts';
import { returnedNodes } from './returned-nodes.ts';
import type { GqlContext } from './graphql/resolvers.ts';
import { githubSchema } from './graphql/schema.ts';
import { smallDataset } from './fixtures.ts';
import { storeFor } from './store.ts';

const ds = smallDataset();
const repo = ds.repositories[0];
const heavy = repo.pullRequests.find((p) => p.reviews.length > 100)!;
const ctx: GqlContext = {
  store: storeFor(ds), viewer: ds.users[0], canSeePrivate: true, omitted: () => undefined,
  rate: { limit: 5000, cost: 1, remaining: 4999, resetAt: '2030-01-01T00:00:00Z', used: 1, nodeCount: 1 },
};

const CASES: Array<[string, string, Record<string, unknown>?]> = [
  ['aliases, fragments, __typename', `query { __typename r: repository(owner: "acme", name: "widgets") { ...Repo n: nameWithOwner } }
    fragment Repo on Repository { __typename id pullRequests(first: 5, orderBy: { field: UPDATED_AT, direction: DESC }) { ...Page } }
    fragment Page on PullRequestConnection { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { number title author { login } } } }`],
  ['skip/include with variables', `query($yes: Boolean!, $no: Boolean!) { repository(owner: "acme", name: "widgets") {
    a: name @include(if: $yes) b: name @include(if: $no) c: name @skip(if: $yes) pullRequests(first: 2) { nodes { number @skip(if: $no) } } } }`, { yes: true, no: false }],
  ['abstract types and merged selections', `query($n: Int!) { repository(owner: "acme", name: "widgets") { pullRequest(number: $n) {
    author { login } author { ... on User { databaseId name } ... on Bot { databaseId } __typename }
    reviewThreads(first: 3) { totalCount nodes { id path isResolved comments(first: 5) { nodes { databaseId replyTo { databaseId } } } } }
    comments(first: 3, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { databaseId updatedAt authorAssociation url } }
    reviews(last: 2) { nodes { state url comments(first: 2) { nodes { path line diffHunk pullRequestReview { databaseId } } } } } } } }`, { n: heavy.number }],
  ['search union, node and nodes with missing ids', `query($ids: [ID!]!, $id: ID!) {
    search(query: "repo:acme/widgets is:issue sort:updated-asc", type: ISSUE, first: 5) { issueCount nodes { __typename ... on Issue { number state stateReason labels(first: 3) { nodes { name color } } } } }
    node(id: $id) { id ... on PullRequest { number } }
    nodes(ids: $ids) { __typename ... on Issue { title } } }`, { ids: [repo.issues[0].id, 'I_missing', repo.issues[1].id], id: repo.pullRequests[0].id }],
  ['NOT_FOUND at the root and inside', `{ a: repository(owner: "acme", name: "nope") { id } b: repository(owner: "acme", name: "widgets") { issue(number: 99999) { id } name } viewer { login } }`],
  ['non-null violation bubbles to the nearest nullable field', `query($n: Int!) { repository(owner: "acme", name: "widgets") { name pullRequest(number: $n) { number titleHTML } } }`, { n: heavy.number }],
  ['unsupported fields fall back to empty values', `{ repository(owner: "acme", name: "widgets") { hasIssuesEnabled assignableUsers(first: 3) { totalCount nodes { login } } homepageUrl } rateLimit { cost limit remaining used resetAt nodeCount } }`],
];

describe('fast executor', () => {
  for (const [name, query, variables] of CASES) {
    it(`matches graphql-js: ${name}`, () => {
      const prepared = prepareGraphQL({ query, variables }, 500_000);
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.body));
      const fast = executeGraphQL(prepared.query, ctx, 'fast');
      const reference = executeGraphQL(prepared.query, ctx, 'graphql-js');
      expect(JSON.parse(fast.text)).toEqual(JSON.parse(reference.text));
      expect(fast.text).toBe(reference.text); // same key order too
      // The items the per-item latency charges: counted while writing, as returnedNodes counts the parsed answer.
      expect(fast.nodes).toBe(returnedNodes((JSON.parse(fast.text) as { data: unknown }).data));
      expect(fast.nodes).toBe(reference.nodes);
    });
  }

  it('reports the non-null violation like graphql-js', () => {
    const prepared = prepareGraphQL({ query: CASES[5][1], variables: CASES[5][2] }, 500_000);
    if (!prepared.ok) throw new Error('unexpected');
    const out = JSON.parse(executeGraphQL(prepared.query, ctx).text) as { data: unknown; errors: Array<{ message: string; path: unknown[] }> };
    expect(out.data).toEqual({ repository: { name: 'widgets', pullRequest: null } });
    expect(out.errors[0]).toMatchObject({ message: 'Cannot return null for non-nullable field PullRequest.titleHTML.', path: ['repository', 'pullRequest', 'titleHTML'] });
  });
});

describe('cost analysis', () => {
  it('reproduces the example in GitHub’s rate-limit documentation', () => {
    const doc = parse(`query { viewer { login repositories(first: 100) { edges { node { id
      issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }`);
    const a = analyzeQuery(githubSchema(), doc, {}, undefined, 500_000);
    expect(a).toMatchObject({ requests: 5101, cost: 51, nodes: 305_100, errors: [] });
  });

  it('counts connections inside fragments and uses variables; minimum cost 1', () => {
    const doc = parse(`query($n: Int = 30) { repository(owner: "a", name: "b") { ...F } }
      fragment F on Repository { issues(first: $n) { nodes { ... on Issue { comments(first: 10) { totalCount } } } } }`);
    expect(analyzeQuery(githubSchema(), doc, { n: 40 }, undefined, 500_000)).toMatchObject({ requests: 41, nodes: 440, cost: 1 });
    expect(analyzeQuery(githubSchema(), doc, {}, undefined, 500_000)).toMatchObject({ requests: 31, nodes: 330, cost: 1 });
    expect(analyzeQuery(githubSchema(), parse('{ viewer { login } }'), {}, undefined, 500_000)).toMatchObject({ requests: 0, cost: 1 });
  });
});
