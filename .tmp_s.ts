import { Octokit } from '@octokit/rest';
import { graphql } from '@octokit/graphql';
import { generateDataset } from './test/emulators/github/dataset.ts';
import { startGitHubEmulator } from './test/emulators/github/server.ts';
const ds = generateDataset({ seed: 7, repos: [{ owner: 'acme', name: 'widgets', pullRequests: 120, issues: 60, heavyPullRequests: 1, previousNames: ['old-widgets'] }] });
const emu = await startGitHubEmulator({ dataset: ds });
const octokit = new Octokit({ auth: emu.token, baseUrl: emu.url });
const repo = await octokit.rest.repos.get({ owner: 'acme', repo: 'old-widgets' });
console.log(repo.status, repo.data.full_name, repo.url);
const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner: 'acme', repo: 'widgets', state: 'all', per_page: 100 });
console.log('pulls', pulls.length);
const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner: 'acme', repo: 'widgets', state: 'all', per_page: 100 });
console.log('issues+prs', issues.length, issues.filter(i => i.pull_request).length);
const heavy = ds.repositories[0].pullRequests.find(p => p.files.length > 100)!;
const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'acme', repo: 'widgets', pull_number: heavy.number, per_page: 100 });
console.log('files', files.length, heavy.files.length);
const rl = await octokit.rest.rateLimit.get();
console.log(rl.data.resources.core, rl.headers['x-ratelimit-used']);
const gql = graphql.defaults({ baseUrl: emu.url, headers: { authorization: `token ${emu.token}` } });
const r: any = await gql(`{ viewer { login } rateLimit { cost remaining used } repository(owner: "acme", name: "widgets") { nameWithOwner pullRequests(first: 5) { totalCount nodes { number author { __typename login } } } } }`);
console.log(JSON.stringify(r));
try { await gql(`{ repository(owner: "acme", name: "nope") { id } }`); } catch (e: any) { console.log(e.name, JSON.stringify(e.errors), JSON.stringify(e.data)); }
try { await gql(`{ repository(owner: "acme", name: "widgets") { pullRequests { totalCount } } }`); } catch (e: any) { console.log(e.name, JSON.stringify(e.errors)); }
console.log(emu.stats);
await emu.close();
