import { generateDataset } from './test/emulators/github/dataset.ts';
import { storeFor } from './test/emulators/github/store.ts';
import { prepareGraphQL, executeGraphQL } from './test/emulators/github/graphql/handler.ts';
let t = performance.now();
const ds = generateDataset({ seed: 1, repos: [{ owner: 'acme', name: 'big', pullRequests: 5000, issues: 2000, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: 5 }] });
console.log('gen', performance.now() - t); t = performance.now();
const store = storeFor(ds);
console.log('store', performance.now() - t);
const q = `query($after: String) { rateLimit { cost nodeCount remaining } repository(owner: "acme", name: "big") { id databaseId nameWithOwner owner { login } defaultBranchRef { name } primaryLanguage { name }
  pullRequests(first: 50, after: $after, orderBy: {field: UPDATED_AT, direction: ASC}) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id databaseId number title body state isDraft createdAt updatedAt closedAt mergedAt merged url additions deletions changedFiles
      author { __typename login avatarUrl ... on User { databaseId } ... on Bot { databaseId } }
      labels(first: 100) { totalCount nodes { name color } }
      reviews(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id databaseId state body submittedAt author { login } comments(first: 50) { totalCount nodes { id databaseId body path line createdAt author { login } replyTo { databaseId } } } } }
      comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id databaseId body createdAt updatedAt author { login } } }
      files(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { path additions deletions changeType } } }
    } } } }`;
const ctx = { store, viewer: ds.users[0], canSeePrivate: true, omitted: () => undefined, rate: { limit: 5000, cost: 1, remaining: 4999, resetAt: new Date().toISOString(), used: 1, nodeCount: 0 } };
let after = null; let pages = 0; let total = 0;
for (let i = 0; i < 120; i++) {
  t = performance.now();
  const p = prepareGraphQL({ query: q, variables: { after } }, 500000);
  if (!p.ok) { console.log(JSON.stringify(p.body)); break; }
  const r = executeGraphQL(p.query, ctx) as any;
  const ms = performance.now() - t;
  if (r.errors) { console.log(JSON.stringify(r.errors).slice(0, 500)); break; }
  const s = JSON.stringify(r); const ms2 = performance.now() - t;
  if (i < 3 || i % 10 === 0) console.log('page', i, ms.toFixed(1), ms2.toFixed(1), s.length, p.query.analysis);
  const c = r.data.repository.pullRequests; total += c.nodes.length; pages++;
  if (!c.pageInfo.hasNextPage) break; after = c.pageInfo.endCursor;
}
console.log(pages, total);
