// The test harness itself: the install lock that lets several test files install Milvus Lite at
// once, and a server's lifecycle (its process and data directory go away on stop()).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMilvus } from '../../../src/main/vectors/index.ts';
import { acquireLock, ensureMilvusLite, MILVUS_LITE_REQUIREMENTS, MILVUS_VENV, startMilvusLite } from '../../helpers/milvus-lite.ts';
import { SERVER_START_TIMEOUT_MS } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'repo-ops-lock-'));
  dirs.push(dir);
  return join(dir, 'install.lock');
}

describe('install lock', () => {
  it('lets one holder in at a time, in turn', async () => {
    const path = lockPath();
    const order: string[] = [];
    const worker = async (name: string) => {
      const release = await acquireLock(path, 5000);
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 300));
      order.push(`${name}-`);
      release();
    };
    await Promise.all([worker('a'), worker('b'), worker('c')]);
    expect(order).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(order[i + 1]).toBe(order[i]!.replace('+', '-'));
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const path = lockPath();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(path, `${dead.pid}\n`);
    const release = await acquireLock(path, 2000);
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    release();
  });

  it('waits for a live holder, then times out with the path in the message', async () => {
    const path = lockPath();
    writeFileSync(path, `${process.pid}\n`);
    await expect(acquireLock(path, 600)).rejects.toThrow(`waiting for ${path} (held by pid ${process.pid})`);
  });
});

describe('Milvus Lite server', () => {
  it('installs once for concurrent callers and records the pinned versions', async () => {
    const [a, b] = await Promise.all([ensureMilvusLite(), ensureMilvusLite()]);
    expect(a).toBe(b);
    expect(existsSync(a)).toBe(true);
    expect(readFileSync(join(MILVUS_VENV, 'repo-ops-requirements.txt'), 'utf8')).toBe(`${MILVUS_LITE_REQUIREMENTS.join('\n')}\n`);
  }, SERVER_START_TIMEOUT_MS);

  it('serves on loopback until stop(), which ends the process and removes its data', async () => {
    const server = await startMilvusLite();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(server.dataDir!)).toBe(true);
    const store = await connectMilvus({ url: server.url });
    expect(await store.serverVersion()).toBe('milvus_lite-3.2.2');
    await store.close();
    await server.stop();
    await server.stop(); // idempotent
    expect(existsSync(server.dataDir!)).toBe(false);
    const e = await connectMilvus({ url: server.url, connectTimeoutMs: 3000 }).then(() => undefined, (err: Error) => err);
    expect(e?.message).toContain('connection refused');
  }, SERVER_START_TIMEOUT_MS);
});
