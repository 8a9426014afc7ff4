// Two real GitHub clients operators would otherwise use, run against the GitHub emulator:
// Airbyte's source-github and MeltanoLabs' tap-github (Singer), both from PyPI, each in its own
// venv under <repo>/.cache/peers-venv (their dependency pins differ). Installed on first use
// like Milvus Lite; CI installs them up front (scripts/peers-venv.ts). The conformance test and
// bench:peers run them through this module.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../emulators/github/dataset.ts';
import { commitCount, commitSha } from '../emulators/github/store.ts';
import { acquireLock } from './milvus-lite.ts';

export type PeerName = 'airbyte' | 'singer';

export const PEER_REQUIREMENTS: Record<PeerName, string[]> = {
  airbyte: ['airbyte-source-github==2.7.1'],
  singer: ['meltanolabs-tap-github==1.30.1'],
};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PEERS_VENV = join(ROOT, '.cache', 'peers-venv');
const venvOf = (peer: PeerName): string => join(PEERS_VENV, peer);
const pythonOf = (peer: PeerName): string => join(venvOf(peer), 'bin', 'python');
const stampOf = (peer: PeerName): string => join(venvOf(peer), 'repo-ops-requirements.txt');
const LOCK = `${PEERS_VENV}.lock`;

function installed(peer: PeerName): boolean {
  try {
    return existsSync(pythonOf(peer)) && readFileSync(stampOf(peer), 'utf8') === `${PEER_REQUIREMENTS[peer].join('\n')}\n`;
  } catch {
    return false;
  }
}

/** Installs both peers unless the pinned versions are there already; returns the seconds spent per peer (0 = cached). */
export async function ensurePeers(): Promise<Record<PeerName, number>> {
  const spent: Record<PeerName, number> = { airbyte: 0, singer: 0 };
  if (installed('airbyte') && installed('singer')) return spent;
  mkdirSync(dirname(LOCK), { recursive: true });
  const release = await acquireLock(LOCK, 10 * 60_000);
  try {
    for (const peer of ['airbyte', 'singer'] as const) {
      if (installed(peer)) continue;
      const t0 = performance.now();
      rmSync(venvOf(peer), { recursive: true, force: true });
      try {
        await run('python3', ['-m', 'venv', venvOf(peer)]);
      } catch (e) {
        const message = (e as Error).message;
        if (/ENOENT|could not be started/.test(message)) throw new Error('Missing prerequisite: python3 is not installed (on Debian/Ubuntu: apt-get install python3 python3-venv).', { cause: e });
        throw new Error(`Missing prerequisite: "python3 -m venv" failed (on Debian/Ubuntu install python3-venv).\n${message}`, { cause: e });
      }
      try {
        await run(pythonOf(peer), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', ...PEER_REQUIREMENTS[peer]]);
        await run(pythonOf(peer), ['-c', peer === 'airbyte' ? 'import source_github.run' : 'import tap_github.tap']);
      } catch (e) {
        rmSync(venvOf(peer), { recursive: true, force: true });
        throw new Error(`Installing ${PEER_REQUIREMENTS[peer].join(' ')} from PyPI into ${venvOf(peer)} failed.\n${(e as Error).message}`, { cause: e });
      }
      writeFileSync(stampOf(peer), `${PEER_REQUIREMENTS[peer].join('\n')}\n`);
      spent[peer] = (performance.now() - t0) / 1000;
    }
    return spent;
  } finally {
    release();
  }
}

/** Runs a command quietly; on failure the error names it and carries the tail of its output. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const add = (d: Buffer): void => {
      out = (out + d.toString()).slice(-8000);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.once('error', (e) => reject(new Error(`${cmd} could not be started: ${e.message}`)));
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? `code ${code}`}:\n${out}`))));
  });
}

// Runs a peer inside this interpreter and writes its CPU time and peak RSS at exit. For
// tap-github it also works around the tap's own bug: it validates each token against the
// hard-coded https://api.github.com/rate_limit even when api_url_base points elsewhere (no
// network here, and the token means nothing to github.com), so that one call is sent to the
// configured API instead; every other request is the tap's own.
const WRAPPER = `
import atexit, json, os, resource, sys
def _usage():
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.environ["REPO_OPS_PEER_USAGE"], "w") as f:
        json.dump({"cpu_s": s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime, "max_rss_kb": max(s.ru_maxrss, c.ru_maxrss)}, f)
atexit.register(_usage)
peer = sys.argv[1]
sys.argv = [peer] + sys.argv[2:]
if peer == "tap-github":
    import requests
    import tap_github.authenticator as _auth
    _api = os.environ["REPO_OPS_GITHUB_API"].rstrip("/")
    class _Requests:
        def __getattr__(self, name):
            return getattr(requests, name)
        def get(self, url, *args, **kwargs):
            return requests.get(url.replace("https://api.github.com", _api, 1), *args, **kwargs)
    _auth.requests = _Requests()
    from tap_github.tap import cli
    sys.exit(cli())
else:
    from source_github.run import run
    sys.exit(run())
`;

export interface PeerRun {
  peer: PeerName;
  label: string;
  /** Records by stream. */
  records: Map<string, Array<Record<string, unknown>>>;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number | null;
  /** Errors the peer reported (Airbyte TRACE errors, Singer/SDK error log lines). */
  errors: string[];
  stderrTail: string;
}

export interface PeerTarget {
  apiUrl: string; // the emulator's REST base
  token: string;
  repository: string; // owner/name
}

/** Streams of each peer whose records the dataset can check. */
export const AIRBYTE_STREAMS = ['issues', 'pull_requests', 'reviews', 'review_comments', 'comments', 'pull_request_commits', 'pull_request_stats'] as const;
export const SINGER_STREAMS = ['issues', 'issue_comments', 'pull_requests', 'reviews', 'review_comments', 'pull_request_commits'] as const;

/** A peer still running after this long is killed and the run reported as timed out (a client retrying an emulator gap forever). */
const DEFAULT_PEER_TIMEOUT_MS = 30 * 60_000;

async function spawnPeer(peer: PeerName, label: string, args: string[], env: Record<string, string>, parse: (msg: Record<string, unknown>, out: PeerRun) => void, timeoutMs = DEFAULT_PEER_TIMEOUT_MS): Promise<PeerRun> {
  const work = mkdtempSync(join(tmpdir(), `repo-ops-${peer}-`));
  const usageFile = join(work, 'usage.json');
  const result: PeerRun = { peer, label, records: new Map(), wallS: 0, cpuS: 0, peakRssMb: 0, exitCode: null, errors: [], stderrTail: '' };
  const t0 = performance.now();
  const child = spawn(pythonOf(peer), ['-c', WRAPPER, peer === 'airbyte' ? 'source-github' : 'tap-github', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, REPO_OPS_PEER_USAGE: usageFile, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  child.stderr.on('data', (d: Buffer) => {
    result.stderrTail = (result.stderrTail + d.toString()).slice(-20_000);
  });
  const timer = setTimeout(() => {
    result.errors.push(`timed out after ${Math.round(timeoutMs / 1000)} s (killed)`);
    child.kill('SIGKILL');
  }, timeoutMs);
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  const done = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  for await (const line of lines) {
    if (!line.startsWith('{')) continue;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    parse(msg, result);
  }
  result.exitCode = await done;
  clearTimeout(timer);
  result.wallS = (performance.now() - t0) / 1000;
  try {
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpu_s: number; max_rss_kb: number };
    result.cpuS = usage.cpu_s;
    result.peakRssMb = usage.max_rss_kb / 1024;
  } catch {
    // killed before atexit: no usage figures
  }
  rmSync(work, { recursive: true, force: true });
  return result;
}

const push = (out: PeerRun, stream: string, data: Record<string, unknown>): void => {
  let list = out.records.get(stream);
  if (!list) out.records.set(stream, (list = []));
  list.push(data);
};

/**
 * Airbyte source-github 2.7.1: `read` of the selected streams, full refresh. `pageSize` sets the
 * (deprecated but honoured) `page_size_for_large_streams`; unset = the connector's default of 10.
 */
export async function runAirbyte(target: PeerTarget, opts: { pageSize?: number; streams?: readonly string[]; label?: string; timeoutMs?: number } = {}): Promise<PeerRun> {
  await ensurePeers();
  const work = mkdtempSync(join(tmpdir(), 'repo-ops-airbyte-cfg-'));
  try {
    const config = {
      credentials: { option_title: 'PAT Credentials', personal_access_token: target.token },
      repositories: [target.repository],
      api_url: target.apiUrl,
      start_date: '2000-01-01T00:00:00Z',
      ...(opts.pageSize ? { page_size_for_large_streams: opts.pageSize } : {}),
    };
    const streams = opts.streams ?? AIRBYTE_STREAMS;
    const catalog = {
      streams: streams.map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: 'full_refresh', destination_sync_mode: 'overwrite',
      })),
    };
    writeFileSync(join(work, 'config.json'), JSON.stringify(config));
    writeFileSync(join(work, 'catalog.json'), JSON.stringify(catalog));
    return await spawnPeer('airbyte', opts.label ?? `Airbyte source-github (page size ${opts.pageSize ?? 'default'})`,
      ['read', '--config', join(work, 'config.json'), '--catalog', join(work, 'catalog.json')], {}, (msg, out) => {
        if (msg.type === 'RECORD') {
          const r = msg.record as { stream: string; data: Record<string, unknown> };
          push(out, r.stream, r.data);
        } else if (msg.type === 'TRACE') {
          const t = msg.trace as { type?: string; error?: { message?: string; internal_message?: string } };
          if (t.type === 'ERROR') out.errors.push(`${t.error?.message ?? ''} ${t.error?.internal_message ?? ''}`.trim());
        } else if (msg.type === 'LOG') {
          const l = msg.log as { level?: string; message?: string };
          if (l.level === 'ERROR' || l.level === 'FATAL') out.errors.push(String(l.message ?? '').slice(0, 500));
        }
      }, opts.timeoutMs);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** MeltanoLabs tap-github 1.30.1 (Singer SDK): the selected streams from a discovered catalog. */
export async function runSinger(target: PeerTarget, opts: { streams?: readonly string[]; label?: string; timeoutMs?: number } = {}): Promise<PeerRun> {
  await ensurePeers();
  const work = mkdtempSync(join(tmpdir(), 'repo-ops-singer-cfg-'));
  try {
    const config = { auth_token: target.token, repositories: [target.repository], api_url_base: target.apiUrl.replace(/\/$/, ''), start_date: '2000-01-01T00:00:00Z' };
    writeFileSync(join(work, 'config.json'), JSON.stringify(config));
    const env = { REPO_OPS_GITHUB_API: target.apiUrl };
    const catalog = await discoverSinger(join(work, 'config.json'), env);
    const wanted = new Set<string>(opts.streams ?? SINGER_STREAMS);
    for (const s of catalog.streams) {
      const selected = wanted.has(s.tap_stream_id) || s.tap_stream_id === 'repositories';
      for (const m of s.metadata) if (m.breadcrumb.length === 0) m.metadata.selected = selected;
    }
    writeFileSync(join(work, 'catalog.json'), JSON.stringify(catalog));
    return await spawnPeer('singer', opts.label ?? 'Singer tap-github', ['--config', join(work, 'config.json'), '--catalog', join(work, 'catalog.json')], env, (msg, out) => {
      if (msg.type === 'RECORD') push(out, String(msg.stream), msg.record as Record<string, unknown>);
    }, opts.timeoutMs);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface SingerCatalog {
  streams: Array<{ tap_stream_id: string; metadata: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }> }>;
}

async function discoverSinger(configPath: string, env: Record<string, string>): Promise<SingerCatalog> {
  const child = spawn(pythonOf('singer'), ['-c', WRAPPER, 'tap-github', '--config', configPath, '--discover'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, REPO_OPS_PEER_USAGE: join(dirname(configPath), 'discover-usage.json') },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`tap-github --discover exited with code ${code}:\n${err}`);
  return JSON.parse(out) as SingerCatalog;
}

/** What a tool collected of one entity, against the dataset. */
export interface EntityCheck {
  entity: string;
  stream: string;
  want: number;
  got: number;
  missing: number;
  extra: number; // duplicates or records the dataset does not have
}

export type Entity = 'items' | 'pull requests' | 'issue comments' | 'reviews' | 'review comments' | 'PR commits' | 'PR stats';

/** Truth keys per entity of one repository of a dataset. */
export function truthKeys(dataset: Dataset, repository: string): Record<Entity, string[]> {
  const repo = dataset.repositories.find((r) => `${r.owner}/${r.name}` === repository);
  if (!repo) throw new Error(`${repository} is not in the dataset`);
  const items = [...repo.pullRequests, ...repo.issues];
  return {
    items: items.map((i) => String(i.databaseId)),
    'pull requests': repo.pullRequests.map((p) => String(p.databaseId)),
    'issue comments': items.flatMap((i) => i.comments.map((c) => String(c.databaseId))),
    reviews: repo.pullRequests.flatMap((p) => p.reviews.map((r) => String(r.databaseId))),
    'review comments': repo.pullRequests.flatMap((p) => p.reviews.flatMap((r) => r.comments.map((c) => String(c.databaseId)))),
    'PR commits': repo.pullRequests.flatMap((p) => Array.from({ length: commitCount(p) }, (_, i) => `${p.number}:${commitSha(p, i)}`)),
    'PR stats': repo.pullRequests.map((p) => String(p.number)),
  };
}

type Row = Record<string, unknown>;
const byId = (r: Row): string => String(r.id);

/** Stream → entity and record key, per peer. */
export const STREAM_ENTITIES: Record<PeerName, Record<string, [Entity, (r: Row) => string]>> = {
  airbyte: {
    issues: ['items', byId], pull_requests: ['pull requests', byId], comments: ['issue comments', byId], reviews: ['reviews', byId],
    review_comments: ['review comments', byId], pull_request_commits: ['PR commits', (r) => `${String(r.pull_number)}:${String(r.sha)}`],
    pull_request_stats: ['PR stats', (r) => String(r.number)],
  },
  singer: {
    issues: ['items', byId], pull_requests: ['pull requests', byId], issue_comments: ['issue comments', byId], reviews: ['reviews', byId],
    review_comments: ['review comments', byId], pull_request_commits: ['PR commits', (r) => `${String(r.pull_number)}:${String(r.sha)}`],
  },
};

/** Compares collected keys with the truth: missing ones, and extras (duplicates or unknown keys). */
export function compareKeys(entity: string, stream: string, want: readonly string[], got: readonly string[]): EntityCheck {
  const wantSet = new Set(want);
  const gotSet = new Set(got);
  let missing = 0;
  for (const k of wantSet) if (!gotSet.has(k)) missing++;
  let unknown = 0;
  for (const k of gotSet) if (!wantSet.has(k)) unknown++;
  return { entity, stream, want: wantSet.size, got: got.length, missing, extra: unknown + (got.length - gotSet.size) };
}

/** Every stream of a peer run that the dataset can check, against the truth. */
export function checkPeerRun(run: PeerRun, dataset: Dataset, repository: string): EntityCheck[] {
  const truth = truthKeys(dataset, repository);
  return Object.entries(STREAM_ENTITIES[run.peer]).map(([stream, [entity, key]]) =>
    compareKeys(entity, stream, truth[entity], (run.records.get(stream) ?? []).map(key)));
}

export const complete = (checks: readonly EntityCheck[]): boolean => checks.every((c) => c.missing === 0 && c.extra === 0);
