import type { HandlerGroup } from '../rpc/types.ts';
import type { CoreConfig } from './config.ts';
import { VERSION } from './version.ts';

export function appHandlers(config: CoreConfig, startedAt: Date): HandlerGroup<'app'> {
  return {
    'app.info': () => ({
      name: 'Repo Ops' as const,
      version: VERSION,
      mode: config.mode,
      home: config.home,
      startedAt: startedAt.toISOString(),
      pid: process.pid,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    }),
  };
}
