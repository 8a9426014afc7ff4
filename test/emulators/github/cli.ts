// Starts the GitHub emulator from the command line for manual runs and benchmarks:
//   node test/emulators/github/cli.ts --seed 1 --prs 5000 --issues 2000 --latency 100
// Prints GITHUB_API_URL / GITHUB_GRAPHQL_URL / GITHUB_TOKEN lines, then serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { generateDataset, loadDatasetFile, saveDatasetFile } from './dataset.ts';
import type { Dataset } from './dataset.ts';
import { DEFAULT_TOKEN_SPEC } from './options.ts';
import { startGitHubEmulator } from './server.ts';

const USAGE = `Usage: node test/emulators/github/cli.ts [options]
  --dataset <file.json>   serve a JSON dataset (see README.md) instead of generating one
  --seed <n>              generator seed (default 1)
  --prs <n>               pull requests to generate (default 500)
  --issues <n>            issues to generate (default 200)
  --heavy <n>             PRs with >100 reviews/comments/files (default 2)
  --owner <login> --repo <name>   generated repository (default acme/widgets)
  --save <file.json>      also write the generated dataset to a file
  --latency <ms>          delay per request (default 0)
  --latency-per-node <ms> added delay per item returned (default 0; e.g. 0.2)
  --port <n>              port on 127.0.0.1 (default 0 = free port)
  --token <token>         accepted token (default ${DEFAULT_TOKEN_SPEC.token})
  --core-limit <n>        REST requests per hour (default 5000)
  --graphql-limit <n>     GraphQL points per hour (default 5000)
  --access-log            print every request (method, path, route, status, ms) to stderr`;

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} expects a non-negative number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string' }, seed: { type: 'string' }, prs: { type: 'string' }, issues: { type: 'string' }, heavy: { type: 'string' },
      owner: { type: 'string' }, repo: { type: 'string' }, save: { type: 'string' }, latency: { type: 'string' }, 'latency-per-node': { type: 'string' }, port: { type: 'string' },
      token: { type: 'string' }, 'core-limit': { type: 'string' }, 'graphql-limit': { type: 'string' }, 'access-log': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  let dataset: Dataset;
  let summary: string;
  if (values.dataset) {
    dataset = loadDatasetFile(values.dataset);
    summary = `dataset ${values.dataset}`;
  } else {
    const seed = int(values.seed, 1, 'seed');
    const owner = values.owner ?? 'acme';
    const repo = values.repo ?? 'widgets';
    const prs = int(values.prs, 500, 'prs');
    const issues = int(values.issues, 200, 'issues');
    dataset = generateDataset({
      seed,
      repos: [{ owner, name: repo, pullRequests: prs, issues, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: Math.min(prs, int(values.heavy, 2, 'heavy')) }],
    });
    summary = `${owner}/${repo}: ${prs} pull requests, ${issues} issues (seed ${seed})`;
    if (values.save) saveDatasetFile(values.save, dataset);
  }
  const token = values.token ?? DEFAULT_TOKEN_SPEC.token;
  const emu = await startGitHubEmulator({
    dataset,
    port: int(values.port, 0, 'port'),
    latencyMs: int(values.latency, 0, 'latency'),
    latencyPerNodeMs: values['latency-per-node'] === undefined ? 0 : Math.max(0, Number(values['latency-per-node'])) || 0,
    tokens: [{ ...DEFAULT_TOKEN_SPEC, token }],
    rateLimit: { core: int(values['core-limit'], 5000, 'core-limit'), graphql: int(values['graphql-limit'], 5000, 'graphql-limit') },
    ...(values['access-log'] ? { accessLog: (e) => console.error(`${e.at} ${e.method} ${e.path} → ${e.status} ${e.ms} ms [${e.route}${e.operation ? ` ${e.operation}` : ''}]`) } : {}),
  });
  console.log(`GITHUB_API_URL=${emu.url}`);
  console.log(`GITHUB_GRAPHQL_URL=${emu.graphqlUrl}`);
  console.log(`GITHUB_TOKEN=${token}`);
  console.log(`# ${summary}; ready in ${Math.round(performance.now() - started)} ms; Ctrl-C to stop`);
  const stop = (): void => {
    console.log(`# stats ${JSON.stringify(emu.stats)}`);
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
