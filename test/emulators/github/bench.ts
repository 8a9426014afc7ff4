// Quick self-benchmark of the emulator on the benchmark-sized dataset:
//   node test/emulators/github/bench.ts
// Reports generation time and server-side time per GraphQL/REST page (no latency).
import { generateDataset } from './dataset.ts';
import { startGitHubEmulator } from './server.ts';

const PAGE = `query($after: String, $first: Int!) { repository(owner: "acme", name: "widgets") {
  pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: ASC }) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes {
      id databaseId number title body state isDraft createdAt updatedAt closedAt mergedAt additions deletions changedFiles
      author { __typename login ... on User { databaseId } ... on Bot { databaseId } }
      labels(first: 100) { totalCount nodes { name } }
      reviews(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { databaseId state body submittedAt author { login } } }
      comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { databaseId body createdAt updatedAt author { login } } }
      files(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { path additions deletions changeType } }
    }
  } } }`;

let t = performance.now();
const dataset = generateDataset({
  seed: 1,
  repos: [{ owner: 'acme', name: 'widgets', pullRequests: 5000, issues: 2000, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: 5 }],
});
console.log(`generate: ${Math.round(performance.now() - t)} ms`);
const emu = await startGitHubEmulator({ dataset, rateLimit: { core: 1e9, graphql: 1e9 } });
const headers = { authorization: `bearer ${emu.token}`, 'content-type': 'application/json' };

for (const first of [50, 100]) {
  let after: string | null = null;
  const times: number[] = [];
  let bytes = 0;
  do {
    t = performance.now();
    const res = await fetch(emu.graphqlUrl, { method: 'POST', headers, body: JSON.stringify({ query: PAGE, variables: { first, after } }) });
    const text = await res.text();
    times.push(performance.now() - t);
    bytes += text.length;
    const c = (JSON.parse(text) as { data: { repository: { pullRequests: { pageInfo: { hasNextPage: boolean; endCursor: string } } } } }).data.repository.pullRequests;
    after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
  } while (after);
  times.sort((a, b) => a - b);
  console.log(`graphql first:${first}: ${times.length} pages, median ${times[times.length >> 1].toFixed(1)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(1)} ms, ${(bytes / 1e6).toFixed(1)} MB`);
}

const restTimes: number[] = [];
for (let page = 1; page <= 50; page++) {
  t = performance.now();
  await (await fetch(`${emu.url}/repos/acme/widgets/pulls?state=all&per_page=100&page=${page}`, { headers })).text();
  restTimes.push(performance.now() - t);
}
restTimes.sort((a, b) => a - b);
console.log(`rest pulls per_page=100: median ${restTimes[25].toFixed(1)} ms, p90 ${restTimes[45].toFixed(1)} ms`);
console.log(`stats: ${JSON.stringify({ requests: emu.stats.requests, graphqlPoints: emu.stats.graphqlPoints })}`);
await emu.close();
