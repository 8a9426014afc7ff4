import { openapiErrors } from './test/emulators/github/openapi.ts';
import { generateDataset } from './test/emulators/github/dataset.ts';
import { startGitHubEmulator } from './test/emulators/github/server.ts';
const ds = generateDataset({ seed: 7, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 120, issues: 60, heavyPullRequests: 1 }] });
const emu = await startGitHubEmulator({ dataset: ds });
const get = async (p: string) => (await fetch(emu.url + p, { headers: { authorization: `token ${emu.token}` } })).json();
let t = performance.now();
const checks: Array<[string, string, boolean]> = [
  ['/rate_limit', 'rate-limit-overview', false], ['/user', 'private-user', false], ['/repos/acme/widgets', 'full-repository', false],
  ['/repos/acme/widgets/pulls?state=all&per_page=100', 'pull-request-simple', true], ['/repos/acme/widgets/pulls/5', 'pull-request', false],
  ['/repos/acme/widgets/issues?state=all&per_page=100', 'issue', true], ['/repos/acme/widgets/issues/1', 'issue', false],
];
const pr = ds.repositories[0].pullRequests.find(p => p.files.length > 100)!;
checks.push([`/repos/acme/widgets/pulls/${pr.number}`, 'pull-request', false], [`/repos/acme/widgets/pulls/${pr.number}/reviews?per_page=100`, 'pull-request-review', true],
 [`/repos/acme/widgets/pulls/${pr.number}/comments?per_page=100`, 'pull-request-review-comment', true], [`/repos/acme/widgets/pulls/${pr.number}/files?per_page=100`, 'diff-entry', true],
 [`/repos/acme/widgets/issues/${pr.number}/comments?per_page=100`, 'issue-comment', true]);
for (const [p, s, arr] of checks) { const d = await get(p); const e = openapiErrors(s, d, arr); console.log(p, s, Array.isArray(d) ? d.length : '', e.slice(0, 6)); }
console.log('ms', performance.now() - t);
await emu.close();
