import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/contract/app.ts';
import type { LogLevel } from '../../shared/contract/logs.ts';
import type { JobDefinition } from '../jobs/types.ts';
import type { SecretBackend } from '../secrets/keychain.ts';

export interface CoreConfig {
  /** Data directory: the local store, caches, the embedded Postgres. */
  home: string;
  mode: AppInfo['mode'];
  env: NodeJS.ProcessEnv;
  /** Replaces the OS keychain (only for tools that must not touch it). */
  secretBackend?: SecretBackend;
  /** Echo log records as JSON lines on stderr at or above this level. */
  stderrLogLevel?: LogLevel | null;
  /** Where the browser console (repo-ops serve) may open log files; default the data directory and the system log directory. */
  logDirs?: string[];
  /** More job kinds, registered before interrupted runs are recovered (extensions, tests). */
  extraJobs?: JobDefinition[];
}

/** REPO_OPS_HOME wins; else the platform's config directory (Electron passes its userData). */
export function resolveHome(env: NodeJS.ProcessEnv, fallback?: string): string {
  if (env.REPO_OPS_HOME) return env.REPO_OPS_HOME;
  if (fallback) return fallback;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Repo Ops');
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Repo Ops');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'repo-ops');
}
