// A private, real redis-server for tests and benchmarks: a free loopback port, no persistence,
// its own temporary directory, optional requirepass/maxmemory. Needs Debian's redis-server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, terminate, track } from './child-servers.ts';

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

