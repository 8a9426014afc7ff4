import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../src/main/lifecycle/data-dir-lock.ts';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { ROOT, spawnServe, startServe } from '../helpers/serve-process.ts';
import { tempDir, waitFor } from '../helpers/temp.ts';

const killed = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('process lifecycle: data directory lock and ghost jobs', () => {
  const tmp = tempDir('repo-ops-lifecycle-');
  afterAll(() => tmp.cleanup());

  it('a second serve on the same data directory is refused with the holder named; a killed holder’s lock is taken over', async () => {
    const home = join(tmp.dir, 'serve-home');
    const first = await startServe({ home, entry: 'source' });
    try {
      const holder = JSON.parse(readFileSync(join(home, LOCK_FILE), 'utf8')) as { pid: number; mode: string };
      expect(holder).toMatchObject({ pid: first.child.pid, mode: 'serve' });
      const second = await startServe({ home, entry: 'source' }).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(second).toMatch(new RegExp(`exited with 1[\\s\\S]*Another Repo Ops \\(serve, PID ${first.child.pid}, started .*\\) is already using the data directory`));
    } finally {
      await first.stop('SIGKILL');
    }
    // The holder is gone (kill -9): its lock is stale, the next start takes it over.
    const third = await startServe({ home, entry: 'source' });
    try {
      expect(JSON.parse(readFileSync(join(home, LOCK_FILE), 'utf8'))).toMatchObject({ pid: third.child.pid });
    } finally {
      const code = await third.stop('SIGTERM');
      expect(code, `exit signal ${third.child.signalCode}; output:\n${third.output()}`).toBe(0);
    }
    // A clean stop removes the lock.
    expect(() => readFileSync(join(home, LOCK_FILE))).toThrow();
  });

  it('a SIGTERM while serve is still starting (lock taken, no URL yet) stops it cleanly: exit 0, lock released', async () => {
    const home = join(tmp.dir, 'early-term');
    const { child, output } = spawnServe({ home, entry: 'source' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The lock is taken while the core opens, well before the URL: the handler must already be there.
    await waitFor('serve to take the data directory lock', () => existsSync(join(home, LOCK_FILE)) || null, 20_000, 5);
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, `exit signal ${child.signalCode}; output:\n${output()}`).toBe(0);
    expect(existsSync(join(home, LOCK_FILE))).toBe(false);
  });

  it('a lock whose PID was reused by an unrelated process is stale', () => {
    const home = join(tmp.dir, 'reused');
    const lock = acquireDataDirLock(home, 'serve');
    // Same PID (ours, alive) but another process start time: not the holder any more.
    const file = join(home, LOCK_FILE);
    writeFileSync(file, JSON.stringify({ ...lock.holder, pid: process.ppid, procStart: '1' }));
    const again = acquireDataDirLock(home, 'serve');
    expect(again.tookOverFrom).toMatchObject({ pid: process.ppid });
    again.release();
  });

  describe('a job whose owner process is killed', () => {
    let t: TestCore;
    beforeAll(async () => {
      t = await startTestCore();
    });
    afterAll(() => t.close());

    it('is marked interrupted at once by the process that survives, and says why', async () => {
      const child = spawn(process.execPath, [join(ROOT, 'test', 'fixtures', 'processes', 'job-holder.ts'), t.home], { stdio: ['ignore', 'pipe', 'inherit'] });
      const runId = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('running ') && resolve(l.slice(8)));
        child.once('exit', (code) => reject(new Error(`job holder exited with ${code}`)));
      });
      expect(t.core.jobs.get(runId)).toMatchObject({ status: 'running' });
      const seen: JobRun[] = [];
      const off = t.core.jobs.onChange((r) => r.id === runId && seen.push(r));
      child.kill('SIGKILL');
      await killed(child);
      const killedAt = Date.now();
      const run = await waitFor('the ghost run to be interrupted', () => (t.core.jobs.get(runId).status === 'interrupted' ? t.core.jobs.get(runId) : null), 10_000);
      off();
      // Within the owner check's period (1 s), not after a heartbeat goes stale (30 s).
      expect(Date.now() - killedAt).toBeLessThan(5_000);
      expect(run).toMatchObject({ status: 'interrupted', resumable: true, error: expect.stringMatching(/stopped unexpectedly/) });
      expect(seen.at(-1)?.status).toBe('interrupted');
    });

    it('a run of a living process on this host is left alone', async () => {
      const id = 'alive-owner';
      t.core.db
        .prepare("INSERT INTO job_runs (id, kind, title, status, params, progress, created_at, owner, heartbeat_at) VALUES (?, 'x', 'X', 'running', 'null', '{}', ?, ?, ?)")
        .run(id, new Date().toISOString(), `${hostname()}:${process.ppid}`, Date.now());
      expect(t.core.jobs.interruptOrphans()).not.toContain(id);
      expect(t.core.jobs.get(id).status).toBe('running');
    });
  });
});
