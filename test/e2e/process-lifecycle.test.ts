import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/main/lifecycle/data-dir-lock.ts';
import { pidAlive } from '../../src/main/lifecycle/process-identity.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';
import { tempDir, waitFor } from '../helpers/temp.ts';

// kill -9 of any Repo Ops process leaves no orphan: `repo-ops serve` as users run it (the
// launcher bin/repo-ops.js → the core child → the embedded PostgreSQL and its guardian).
const tmp = tempDir('repo-ops-kill-');
const home = join(tmp.dir, 'home');
const spawned: ChildProcess[] = [];
afterAll(() => {
  for (const c of spawned) c.kill('SIGKILL');
  for (const pid of [pgPid(), lockPid()]) if (pid && pidAlive(pid)) process.kill(pid, 'SIGKILL');
  tmp.cleanup();
});

const lockPid = () => (existsSync(join(home, LOCK_FILE)) ? (JSON.parse(readFileSync(join(home, LOCK_FILE), 'utf8')) as { pid: number }).pid : null);
const pgPidFile = join(home, 'postgres', 'data', 'postmaster.pid');
const pgPid = () => (existsSync(pgPidFile) ? Number(readFileSync(pgPidFile, 'utf8').split('\n')[0]) : null);

/** `node bin/repo-ops.js serve`, up with its embedded PostgreSQL; returns the three PIDs. */
async function launch(): Promise<{ launcher: ChildProcess; core: number; postgres: number }> {
  const launcher = spawn(process.execPath, [join(ROOT, 'bin', 'repo-ops.js'), 'serve'], { env: { ...process.env, REPO_OPS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(launcher);
  let out = '';
  launcher.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<URL>((resolve, reject) => {
    createInterface({ input: launcher.stdout! }).on('line', (l) => {
      const m = /Repo Ops console: (\S+)/.exec(l);
      if (m) resolve(new URL(m[1]!));
    });
    launcher.once('exit', (code) => reject(new Error(`repo-ops serve exited with ${code}: ${out}`)));
  });
  const client = wsClient(url.origin, url.hash.replace('#token=', ''));
  await client.opened;
  const status = await client.ops.warehouse.status();
  client.close();
  expect(status).toMatchObject({ mode: 'embedded' });
  const core = lockPid()!;
  expect(core).not.toBe(launcher.pid);
  expect(pidAlive(core)).toBe(true);
  const postgres = pgPid()!;
  expect(pidAlive(postgres)).toBe(true);
  return { launcher, core, postgres };
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

describe('kill -9 of a Repo Ops process leaves no orphan', () => {
  it('the launcher killed: its core child and the embedded PostgreSQL stop; the next start is not refused', async () => {
    const a = await launch();
    a.launcher.kill('SIGKILL');
    await exited(a.launcher);
    await waitFor('the core child to exit', () => !pidAlive(a.core), 30_000);
    await waitFor('the embedded PostgreSQL to stop', () => !pidAlive(a.postgres), 30_000);
    // It shut down cleanly: the lock is released, not merely stale.
    expect(lockPid()).toBeNull();

    const b = await launch();
    process.kill(b.core, 'SIGKILL');
    // The core killed: the launcher exits with it, the guardian stops PostgreSQL.
    await exited(b.launcher);
    expect(b.launcher.exitCode).not.toBe(0);
    await waitFor('the embedded PostgreSQL to stop after its core was killed', () => !pidAlive(b.postgres), 30_000);

    // A stale lock (PID gone) and a stopped cluster: the third start just works.
    const c = await launch();
    expect(c.core).not.toBe(b.core);
    c.launcher.kill('SIGTERM');
    await exited(c.launcher);
    expect(c.launcher.exitCode).toBe(0);
    await waitFor('PostgreSQL to stop on a clean exit', () => !pidAlive(c.postgres), 30_000);
  });
});
