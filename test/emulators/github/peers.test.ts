// Conformance: two real GitHub clients — Airbyte's source-github 2.7.1 and MeltanoLabs'
// tap-github 1.30.1 (Singer), from PyPI — read a small dataset from the emulator; every record
// they have a stream for must arrive exactly once, and the emulator must serve every request
// they make. A missing Python or a failed install fails this test (it never skips).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPeerRun, ensurePeers, runAirbyte, runSinger } from '../../helpers/peers.ts';
import type { PeerRun } from '../../helpers/peers.ts';
import { generateDataset } from './dataset.ts';
import type { Dataset } from './dataset.ts';
import type { AccessLogEntry } from './options.ts';
import { startGitHubEmulator } from './server.ts';
import type { GitHubEmulator } from './server.ts';

const REPOSITORY = 'acme/widgets';
// A peer that retries an emulator gap forever is killed and fails the test (~25 s each when healthy).
const PEER_TIMEOUT_MS = Number(process.env.PEER_TIMEOUT_MS ?? 240_000);
let dataset: Dataset;
const runs: Record<string, { run: PeerRun; emu: GitHubEmulator; log: AccessLogEntry[] }> = {};

async function runPeer(name: string, start: (emu: GitHubEmulator) => Promise<PeerRun>): Promise<void> {
  const log: AccessLogEntry[] = [];
  const emu = await startGitHubEmulator({ dataset, accessLog: (e) => log.push(e) });
  runs[name] = { run: await start(emu), emu, log };
}

beforeAll(async () => {
  await ensurePeers(); // first run on a machine: installs both venvs (~1–2 min)
  // More than 100 items and comments (so every list has a second page at per_page=100) and one heavy PR: more than 100 reviews, review comments (one review alone > 100), issue comments and files.
  dataset = generateDataset({
    seed: 12, users: 30,
    repos: [{ owner: 'acme', name: 'widgets', pullRequests: 80, issues: 40, heavyPullRequests: 1, avgReviews: 2, avgReviewComments: 2, avgIssueComments: 2, avgFiles: 3 }],
  });
  const target = (emu: GitHubEmulator) => ({ apiUrl: emu.url, token: emu.token, repository: REPOSITORY });
  await Promise.all([
    runPeer('airbyte', (emu) => runAirbyte(target(emu), { pageSize: 100, timeoutMs: PEER_TIMEOUT_MS })),
    runPeer('singer', (emu) => runSinger(target(emu), { timeoutMs: PEER_TIMEOUT_MS })),
  ]);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(Object.values(runs).map((r) => r.emu.close()));
});

describe.each(['airbyte', 'singer'])('%s against the emulator', (name) => {
  it('exits cleanly, reports no errors and makes only requests the emulator serves', () => {
    const { run, log } = runs[name];
    expect(run.exitCode, run.stderrTail.slice(-3000)).toBe(0);
    expect(run.errors).toEqual([]);
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((e) => e.status >= 400).map((e) => `${e.status} ${e.method} ${e.path}`)).toEqual([]);
  });

  it('collects every record it has a stream for, once', () => {
    const checks = checkPeerRun(runs[name].run, dataset, REPOSITORY);
    for (const c of checks) {
      expect(c.want, c.stream).toBeGreaterThan(0);
      expect({ stream: c.stream, missing: c.missing, extra: c.extra, got: c.got }).toEqual({ stream: c.stream, missing: 0, extra: 0, got: c.want });
    }
    const heavy = dataset.repositories[0].pullRequests.find((p) => p.reviews.length > 100)!;
    expect(heavy.reviews.reduce((n, r) => n + r.comments.length, 0)).toBeGreaterThan(100);
  });
});
