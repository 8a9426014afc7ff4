// Where a remote console (the browser talking to `repo-ops serve`) may open log files. A path
// typed in a browser is not the local user's file dialog: without this, anyone holding the
// console's token could read any file the core can.
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { OpsError } from '../../shared/errors.ts';

/** The data directory and the system's log directory. */
export function defaultLogDirs(home: string): string[] {
  if (process.platform === 'win32') return [home];
  if (process.platform === 'darwin') return [home, '/var/log', join(homedir(), 'Library', 'Logs')];
  return [home, '/var/log'];
}

const inside = (dir: string, file: string) => {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** Throws unless `file` (symlinks resolved) lies inside one of `dirs` (symlinks resolved). */
export async function assertInAllowedDir(file: string, dirs: string[]): Promise<void> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    real = file; // missing: the readable-file check that follows says so
  }
  for (const d of dirs) {
    const dir = await realpath(d).catch(() => null);
    if (dir && inside(dir, real)) return;
  }
  throw new OpsError(
    'unauthorized',
    `The browser console opens log files only from the directories it was started with (${dirs.join(', ')}); ${file} is elsewhere. Start repo-ops serve with --logs-dir <directory> to allow another one.`,
    { reason: 'outside_log_dirs' },
  );
}
