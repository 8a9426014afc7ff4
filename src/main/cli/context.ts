import { createCore, type Core } from '../core/compose.ts';
import { resolveHome } from '../core/config.ts';
import { inProcessClient } from '../rpc/in-process.ts';
import type { OpsApi } from '../../shared/rpc/api.ts';
import type { AppInfo } from '../../shared/contract/app.ts';

export interface CliContext {
  core: Core;
  ops: OpsApi;
  close(): Promise<void>;
}

/** Builds the core in this process through the same composition root as the app. */
export async function openCore(mode: AppInfo['mode'], opts: { verbose?: boolean; logDirs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<CliContext> {
  const env = { ...process.env, ...opts.env };
  const core = await createCore({ home: resolveHome(env), mode, env, stderrLogLevel: opts.verbose ? 'debug' : null, ...(opts.logDirs ? { logDirs: opts.logDirs } : {}) });
  const ops = inProcessClient(core.rpc);
  return { core, ops, close: () => core.close() };
}
