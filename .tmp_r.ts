import { createHash } from 'node:crypto';
import { generateDataset } from './test/emulators/github/dataset.ts';
import { storeFor } from './test/emulators/github/store.ts';
import { matchRest } from './test/emulators/github/rest/routes.ts';
import { toJson } from './test/emulators/github/rest/render.ts';
const ds = generateDataset({ seed: 1, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 5000, issues: 2000, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: 5 }] });
const store = storeFor(ds);
const env = { render: { api: 'http://127.0.0.1:1', store }, viewer: ds.users[0], scopes: ['repo'], canSeePrivate: true, omitted: () => undefined };
for (const path of ['/pulls', '/issues', '/pulls', '/issues']) {
const tr: number[] = [], ts: number[] = [], th: number[] = []; let size = 0;
for (let page = 1; page <= 40; page++) {
  let t = performance.now();
  const r = matchRest('GET', '/repos/acme/widgets' + path, `?state=all&per_page=100&page=${page}`)!.run(env as any);
  tr.push(performance.now() - t); t = performance.now();
  const { text, fingerprint } = toJson(env.render, r.body); size = text.length;
  ts.push(performance.now() - t); t = performance.now();
  createHash('sha256').update(fingerprint).digest('hex');
  th.push(performance.now() - t);
}
const med = (a: number[]) => a.sort((x, y) => x - y)[20].toFixed(2);
console.log(path, 'render', med(tr), 'toJson+parse', med(ts), 'hash', med(th), 'bytes', size);
}
