// A real Milvus for tests and benchmarks. With MILVUS_URL set, that server is used (MILVUS_TOKEN
// too). Otherwise Milvus Lite — the pure-Python Milvus from PyPI — is installed into a cached venv
// (<repo>/.cache/milvus-venv, git-ignored) and started as a gRPC server on a free loopback port
// with its own temporary data directory. A fresh machine needs only python3 with venv support.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { freePort, terminate, track } from './child-servers.ts';

export interface MilvusServer {
  url: string;
  token?: string;
  /** Milvus Lite's data directory (removed by stop()); absent for a MILVUS_URL server. */
  dataDir?: string;
  /** Milvus Lite's process id (benchmarks read its CPU time); absent for a MILVUS_URL server. */
  pid?: number;
  stop(): Promise<void>;
}

// milvus-lite's gRPC server imports pymilvus's generated protobuf code but does not declare it,
// so both are pinned, together.
export const MILVUS_LITE_REQUIREMENTS = ['milvus-lite==3.2.2', 'pymilvus==3.0.2'];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MILVUS_VENV = join(ROOT, '.cache', 'milvus-venv');
const BIN = join(MILVUS_VENV, 'bin', 'milvus-lite');
const PYTHON = join(MILVUS_VENV, 'bin', 'python');
const STAMP = join(MILVUS_VENV, 'repo-ops-requirements.txt');
const LOCK = `${MILVUS_VENV}.lock`;
const INSTALL_LOCK_WAIT_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;


export async function startMilvus(): Promise<MilvusServer> {
  const url = process.env.MILVUS_URL?.trim();
  if (url) {
    const token = process.env.MILVUS_TOKEN?.trim() || undefined;
    return token ? { url, token, stop: async () => {} } : { url, stop: async () => {} };
  }
  return startMilvusLite();
}

/** Starts Milvus Lite whatever MILVUS_URL says. */
export async function startMilvusLite(): Promise<MilvusServer> {
  await ensureMilvusLite();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLite();
    } catch (e) {
      // Another process can take the free port between our probe and the server's bind.
      if (attempt < 3 && /address already in use|Failed to bind|EADDRINUSE/i.test((e as Error).message)) continue;
      throw e;
    }
  }
}

/** Installs Milvus Lite into the cached venv unless the pinned versions are already there; returns its CLI. */
export async function ensureMilvusLite(): Promise<string> {
  if (installed()) return BIN;
  mkdirSync(dirname(LOCK), { recursive: true });
  const release = await acquireLock(LOCK, INSTALL_LOCK_WAIT_MS);
  try {
    if (installed()) return BIN; // another test file installed it while we waited
    rmSync(MILVUS_VENV, { recursive: true, force: true });
    try {
      await run('python3', ['-m', 'venv', MILVUS_VENV]);
    } catch (e) {
      const message = (e as Error).message;
      if (/ENOENT/.test(message)) throw new Error('Missing prerequisite: python3 is not installed (on Debian/Ubuntu: apt-get install python3 python3-venv).', { cause: e });
      throw new Error(`Missing prerequisite: "python3 -m venv" failed (on Debian/Ubuntu install the package python3-venv).\n${message}`, { cause: e });
    }
    try {
      await run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', ...MILVUS_LITE_REQUIREMENTS]);
      // Fails if the server's imports (pymilvus protos, faiss, pyarrow) do not load.
      await run(BIN, ['server', '--help']);
    } catch (e) {
      rmSync(MILVUS_VENV, { recursive: true, force: true });
      throw new Error(`Installing ${MILVUS_LITE_REQUIREMENTS.join(' ')} from PyPI into ${MILVUS_VENV} failed.\n${(e as Error).message}`, { cause: e });
    }
    writeFileSync(STAMP, requirementsText());
    return BIN;
  } finally {
    release();
  }
}

function requirementsText(): string {
  return `${MILVUS_LITE_REQUIREMENTS.join('\n')}\n`;
}

function installed(): boolean {
  try {
    // existsSync follows the venv's python symlink: a venv whose interpreter was removed or
    // upgraded away counts as not installed and is rebuilt.
    return existsSync(BIN) && existsSync(PYTHON) && readFileSync(STAMP, 'utf8') === requirementsText();
  } catch {
    return false;
  }
}

/**
 * An exclusive lock file holding the owner's pid. A lock whose owner is gone (a killed test run)
 * is taken over; otherwise we wait for it to be released.
 */
export async function acquireLock(path: string, waitMs: number): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number.parseInt(readFileSafe(path), 10);
    // No pid a minute after creation: the creator died between creating and writing it.
    const ownerless = !Number.isInteger(owner) && ageMs(path) > 60_000;
    if ((Number.isInteger(owner) && !processAlive(owner)) || ownerless) {
      try {
        unlinkSync(path);
      } catch {
        // someone else removed it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${waitMs / 1000} s waiting for ${path} (held by pid ${owner}); if no install is running, delete the file.`);
    await sleep(250);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs a command quietly; on failure the error carries the command and the tail of its output. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new OutputTail();
    child.stdout.on('data', (d: Buffer) => out.add(d));
    child.stderr.on('data', (d: Buffer) => out.add(d));
    child.once('error', (e) => reject(new Error(`${cmd} could not be started: ${e.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? `code ${code}`}:\n${out.text()}`));
    });
  });
}

// `milvus-lite server …`, plus a thread that exits when stdin reaches EOF: our end of the pipe
// closes when this process dies in any way (even SIGKILL), so no server outlives its test run.
const SERVER_WITH_WATCHDOG = `
import os, sys, threading
def watch():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from milvus_lite.cmdline import main
sys.argv = ["milvus-lite"] + sys.argv[1:]
sys.exit(main())
`;

async function startLite(): Promise<MilvusServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'repo-ops-milvus-'));
  const child = spawn(PYTHON, ['-c', SERVER_WITH_WATCHDOG, 'server', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  track(child);
  const out = new OutputTail();
  child.stdout!.on('data', (d: Buffer) => out.add(d));
  child.stderr!.on('data', (d: Buffer) => out.add(d));
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ?? `code ${code}`;
  });
  child.once('error', (e) => {
    exited = e.message;
  });
  const address = `127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await terminate(child, STOP_GRACE_MS);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`milvus-lite server exited (${exited}) before accepting connections on ${address}. Its output:\n${out.text()}`);
    }
    if (await answers(address)) return { url: `http://${address}`, dataDir, pid: child.pid, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`milvus-lite server did not accept gRPC connections on ${address} within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${out.text()}`);
    }
    await sleep(100);
  }
}

/** One SDK round trip: connect and GetVersion. */
async function answers(address: string): Promise<boolean> {
  const client = new MilvusClient({ address, timeout: 1000, maxRetries: 0, telemetry: { enabled: false }, logLevel: 'error' });
  try {
    await client.connectPromise;
    return Boolean((await client.getVersion()).version);
  } catch {
    return false;
  } finally {
    await client.closeConnection().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The last 16 KiB of a process's output, for error messages. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  add(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    while (this.size > 16_384 && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8').trimEnd() || '(no output)';
  }
}
