import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OpsError } from '../../shared/errors.ts';
import { processStartTime, sameProcessAlive } from './process-identity.ts';

export const LOCK_FILE = 'repo-ops.lock';

export interface LockHolder {
  pid: number;
  host: string;
  mode: string;
  startedAt: string;
  /** /proc start time of the holder: a reused PID does not keep a stale lock alive. */
  procStart: string | null;
}

export interface DataDirLock {
  holder: LockHolder;
  /** The holder whose stale lock (dead process) we took over, if any. */
  tookOverFrom: LockHolder | null;
  release(): void;
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/**
 * One long-running Repo Ops (console, `serve`) per data directory: two would both run the same
 * jobs against the same store. The lock file names its holder; a holder that is gone (kill -9,
 * crash) leaves a stale lock that the next start takes over.
 */
export function acquireDataDirLock(home: string, mode: string): DataDirLock {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = join(home, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), mode, startedAt: new Date().toISOString(), procStart: processStartTime(process.pid) };
  let tookOverFrom: LockHolder | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then linked into place: link fails when a lock exists, atomically.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(holder) + '\n', { mode: 0o600 });
    try {
      linkSync(tmp, file);
      rmSync(tmp, { force: true });
      return {
        holder,
        tookOverFrom,
        release: () => {
          if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OpsError('unavailable', `Cannot lock the data directory ${home}: ${(e as Error).message}`);
    }
    const other = readHolder(file);
    if (other && other.host !== holder.host) {
      throw new OpsError('conflict', `The data directory ${home} is in use by Repo Ops ${other.mode} on ${other.host} (PID ${other.pid}, since ${other.startedAt}). Stop it there, or delete ${file} if that machine no longer runs it.`);
    }
    if (other && other.pid !== process.pid && sameProcessAlive(other.pid, other.procStart)) {
      throw new OpsError('conflict', `Another Repo Ops (${other.mode}, PID ${other.pid}, started ${other.startedAt}) is already using the data directory ${home}. Stop it first (kill ${other.pid}), or give this one its own data directory (REPO_OPS_HOME).`, { holder: other });
    }
    // Stale: the holder is gone. Remove it (only if it is still the same stale file) and retry.
    tookOverFrom = other;
    const again = readHolder(file);
    if (JSON.stringify(again) === JSON.stringify(other)) rmSync(file, { force: true });
  }
  throw new OpsError('conflict', `Could not lock the data directory ${home}: another Repo Ops is starting at the same time`);
}
