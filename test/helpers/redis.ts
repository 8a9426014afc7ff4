// A private, real redis-server for tests and benchmarks: a free loopback port, no persistence,
// its own temporary directory, optional requirepass/maxmemory. Needs Debian's redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** redis://[:password@]127.0.0.1:PORT */
  url: string;
  port: number;
  password?: string;
  pid?: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  password?: string;
  /** e.g. '10mb' */
  maxmemory?: string;
  maxmemoryPolicy?: string;
}

const READY_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();
let exitHook = false;

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      // Another process can take the port between our probe and redis-server's bind.
      if (attempt < 3 && /Address already in use|EADDRINUSE/i.test((e as Error).message)) continue;
      throw e;
    }
  }
}

async function startOnce(options: RedisServerOptions): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'repo-ops-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '', '--protected-mode', 'yes'];
  if (options.password) args.push('--requirepass', options.password);
  if (options.maxmemory) args.push('--maxmemory', options.maxmemory);
  if (options.maxmemoryPolicy) args.push('--maxmemory-policy', options.maxmemoryPolicy);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  let exited: string | undefined;
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      exited = e.message;
      reject(e.code === 'ENOENT' ? new Error('Missing prerequisite: redis-server is not installed (on Debian/Ubuntu: apt-get install redis-server).') : e);
    });
  });
  spawnError.catch(() => undefined);
  child.once('exit', (code, signal) => (exited ??= signal ?? `code ${code}`));
  track(child);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await terminate(child);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      await Promise.race([spawnError, Promise.resolve()]);
      throw new Error(`redis-server exited (${exited}) before accepting connections on port ${port}. Its output:\n${output.trim() || '(none)'}`);
    }
    if (await answersPing(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${output.trim() || '(none)'}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, port, password: options.password, pid: child.pid, stop };
}

/** A raw RESP PING: +PONG, or -NOAUTH from a server with a password, both mean "up". */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d: Buffer) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  // No pid: it never started (ENOENT), so there is nothing to stop and no 'exit' will come.
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000)))]);
    clearTimeout(timer);
    if (!graceful) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  running.delete(child);
}

function track(child: ChildProcess): void {
  running.add(child);
  if (exitHook) return;
  exitHook = true;
  // A test run that dies without stop() must not leave servers behind.
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
