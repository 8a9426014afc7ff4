import { generateDataset } from './test/emulators/github/dataset.ts';
import { storeFor } from './test/emulators/github/store.ts';
import { prepareGraphQL, executeGraphQL } from './test/emulators/github/graphql/handler.ts';
import { readFileSync } from 'node:fs';
const src = readFileSync('test/emulators/github/bench.ts', 'utf8');
const q = src.slice(src.indexOf('`query') + 1, src.indexOf('} } }`;') + 5);
const ds = generateDataset({ seed: 1, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 5000, issues: 2000, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: 5 }] });
const store = storeFor(ds);
const ctx = { store, viewer: ds.users[0], canSeePrivate: true, omitted: () => undefined, rate: { limit: 5000, cost: 1, remaining: 4999, resetAt: '', used: 1, nodeCount: 0 } };
for (const engine of ['graphql-js', 'fast', 'graphql-js', 'fast'] as const) {
  let after = null; const te: number[] = [];
  let same = true;
  for (let i = 0; i < 50; i++) {
    const p = prepareGraphQL({ query: q, variables: { first: 100, after } }, 500000) as any;
    let t = performance.now();
    const r = executeGraphQL(p.query, ctx, engine);
    te.push(performance.now() - t);
    const other = executeGraphQL(p.query, ctx, engine === 'fast' ? 'graphql-js' : 'fast');
    if (r !== other) same = false;
    after = JSON.parse(r).data.repository.pullRequests.pageInfo.endCursor;
  }
  console.log(engine, 'median', te.sort((x, y) => x - y)[25].toFixed(2), 'identical', same);
}
