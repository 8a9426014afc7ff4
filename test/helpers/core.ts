import { createCore, type Core } from '../../src/main/core/compose.ts';
import type { CoreConfig } from '../../src/main/core/config.ts';
import { inProcessClient } from '../../src/main/rpc/in-process.ts';
import type { OpsApi } from '../../src/shared/rpc/api.ts';
import { tempDir } from './temp.ts';

export interface TestCore {
  core: Core;
  ops: OpsApi;
  home: string;
  close(): Promise<void>;
}

/** A real core (SQLite, the test session's real keychain) in a throw-away home. */
export async function startTestCore(overrides: Partial<CoreConfig> = {}): Promise<TestCore> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('No D-Bus session: the test global setup must start the Secret Service first');
  const tmp = tempDir();
  const core = await createCore({ home: tmp.dir, mode: 'test', env: {}, ...overrides });
  return {
    core,
    ops: inProcessClient(core.rpc),
    home: tmp.dir,
    async close() {
      await core.close();
      tmp.cleanup();
    },
  };
}
