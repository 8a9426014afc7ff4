import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PgTools {
  pgDump: string;
  pgRestore: string;
  major: number;
}

/**
 * Where client tools usually live: an explicit directory (REPO_OPS_PG_BIN), the
 * Debian/Ubuntu versioned directories, the RHEL ones, Homebrew, then PATH.
 */
function candidateDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.REPO_OPS_PG_BIN) dirs.push(process.env.REPO_OPS_PG_BIN);
  const versioned = (root: string, pattern: RegExp, sub: string) => {
    try {
      return readdirSync(root)
        .filter((d) => pattern.test(d))
        .sort((a, b) => Number(/\d+/.exec(b)?.[0]) - Number(/\d+/.exec(a)?.[0]))
        .map((d) => join(root, d, sub));
    } catch {
      return [];
    }
  };
  dirs.push(...versioned('/usr/lib/postgresql', /^\d+$/, 'bin'), ...versioned('/usr', /^pgsql-\d+$/, 'bin'), ...versioned('/opt/homebrew/opt', /^postgresql@\d+$/, 'bin'));
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  return [...new Set(dirs)];
}

async function majorOf(binary: string): Promise<number | null> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const m = /(\d+)(?:\.\d+)?/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * A pg_dump/pg_restore pair able to dump this server: pg_dump refuses servers newer
 * than itself, so the pair's major version must be at least the server's.
 */
export async function findPgTools(serverMajor: number): Promise<PgTools | null> {
  for (const dir of candidateDirs()) {
    const pgDump = join(dir, 'pg_dump');
    const pgRestore = join(dir, 'pg_restore');
    if (!existsSync(pgDump) || !existsSync(pgRestore)) continue;
    const major = await majorOf(pgDump);
    if (major !== null && major >= serverMajor) return { pgDump, pgRestore, major };
  }
  return null;
}
