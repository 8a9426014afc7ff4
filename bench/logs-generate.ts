// Deterministic pino-like JSON-lines log for the log-viewer benchmark.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const EVENTS = [
  'pipeline_started', 'pipeline_finished', 'scrape_progress', 'rate_limit_hit', 'embedding_batch',
  'milvus_upsert', 'pg_query', 'github_request', 'cache_miss', 'job_retry', 'webhook_received', 'request_failed',
] as const;
export const REPOS = ['acme/widgets', 'acme/gadgets', 'octo/cli', 'octo/docs', 'torvalds/linux', 'nodejs/node',
  'vercel/next.js', 'facebook/react', 'rust-lang/rust', 'golang/go', 'microsoft/vscode', 'kubernetes/kubernetes'];
const HOSTS = ['ops-core-1', 'ops-core-2', 'ops-worker-1', 'ops-worker-2', 'ops-worker-3'];
const ERRORS = [
  ['Error', 'connect ETIMEDOUT 140.82.112.6:443'],
  ['Error', 'read ECONNRESET'],
  ['HttpError', 'API rate limit exceeded for installation'],
  ['PostgresError', 'deadlock detected'],
  ['TimeoutError', 'operation timeout after 30000 ms'],
  ['MilvusError', 'collection not loaded: repo_embeddings'],
] as const;
const START_MS = Date.UTC(2025, 0, 6, 8, 0, 0);
/** Lines per request id: each id shows up on a few consecutive-ish lines. */
export const LINES_PER_REQUEST = 4;

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export function requestId(r: number): string {
  return `req-${mix(r + 0x9e3779b9).toString(16).padStart(8, '0')}`;
}

import { rng } from '../test/helpers/random.ts';
export { rng };

function pickLevel(x: number): number {
  if (x < 0.015) return 10;
  if (x < 0.165) return 20;
  if (x < 0.865) return 30;
  if (x < 0.945) return 40;
  if (x < 0.995) return 50;
  return 60;
}

export function logLine(i: number, rand: () => number): string {
  const level = pickLevel(rand());
  const event = EVENTS[Math.floor(rand() * EVENTS.length)];
  const repo = REPOS[Math.floor(rand() * REPOS.length)];
  const reqId = requestId(Math.floor(i / LINES_PER_REQUEST));
  const time = START_MS + i * 7 + Math.floor(rand() * 5);
  const host = HOSTS[i % HOSTS.length];
  const head = `{"level":${level},"time":${time},"pid":${4100 + (i % 5)},"hostname":"${host}","reqId":"${reqId}","repo":"${repo}","event":"${event}"`;
  if (level >= 50) {
    const [type, message] = ERRORS[Math.floor(rand() * ERRORS.length)];
    const stack = `${type}: ${message}\\n    at TLSSocket.onConnectEnd (node:_tls_wrap:1727:19)\\n    at Object.request (/app/out/main/core.js:${1000 + (i % 900)}:17)`;
    return `${head},"err":{"type":"${type}","message":"${message}","stack":"${stack}"},"msg":"${event} failed for ${repo}"}`;
  }
  let msg: string;
  switch (event) {
    case 'scrape_progress': msg = `scraped ${Math.floor(rand() * 500)}/500 issues`; break;
    case 'rate_limit_hit': msg = `rate limit exceeded, retrying in ${1 + Math.floor(rand() * 60)}s`; break;
    case 'embedding_batch': msg = `embedded ${16 + Math.floor(rand() * 112)} chunks with text-embedding-3-small`; break;
    case 'pg_query': msg = `query took ${Math.floor(rand() * 800)} ms`; break;
    case 'github_request': msg = `GET /repos/${repo}/issues?page=${1 + Math.floor(rand() * 40)} 200`; break;
    default: msg = `${event.replace('_', ' ')} for ${repo}`;
  }
  return `${head},"durationMs":${Math.floor(rand() * 2000)},"msg":"${msg}"}`;
}

/** Writes ≈targetBytes of log lines to path (atomically), unless it already exists. Returns the line count. */
export async function ensureLog(path: string, targetBytes: number, log: (s: string) => void = () => {}): Promise<{ lines: number; bytes: number }> {
  const st = await stat(path).catch(() => null);
  const cachedLines = await readFile(`${path}.lines`, 'utf8').catch(() => null);
  if (st && cachedLines) return { lines: Number(cachedLines), bytes: st.size };
  await mkdir(dirname(path), { recursive: true });
  log(`generating a ${(targetBytes / 2 ** 30).toFixed(1)} GiB log at ${path} …`);
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  const rand = rng(42);
  let bytes = 0;
  let i = 0;
  while (bytes < targetBytes) {
    let batch = '';
    while (batch.length < 4 * 1024 * 1024) batch += logLine(i++, rand) + '\n';
    bytes += Buffer.byteLength(batch);
    if (!out.write(batch)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await rename(tmp, path);
  await writeFile(`${path}.lines`, String(i));
  return { lines: i, bytes };
}
