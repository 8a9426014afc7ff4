// `repo-ops worker` processes for tests: each with its own data directory and a profile on the given
// GitHub (emulator) and warehouse; their secrets live in the shared test keychain.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Settings } from '../../src/shared/contract/settings.ts';
import { createCore } from '../../src/main/core/compose.ts';
import { inProcessClient } from '../../src/main/rpc/in-process.ts';
import { ROOT } from './serve-process.ts';
import { tempDir } from './temp.ts';

export interface WorkerFleet {
  /** A data directory with a profile on `githubUrl` and `warehouseUrl`. */
  home(opts?: { settings?: Partial<Settings> }): Promise<string>;
  start(home: string, args?: string[]): ChildProcess;
  readonly processes: ChildProcess[];
  /** Everything the workers printed (for failure messages). */
  output(): string;
  close(): void;
}

export function workerFleet(opts: { githubUrl: string; token: string; warehouseUrl: string }): WorkerFleet {
  const homes: ReturnType<typeof tempDir>[] = [];
  const processes: ChildProcess[] = [];
  const out: string[] = [];
  return {
    processes,
    async home(o = {}) {
      const home = tempDir();
      homes.push(home);
      const core = await createCore({ home: home.dir, mode: 'test', env: {} });
      const ops = inProcessClient(core.rpc);
      const p = await ops.profiles.create({ name: 'worker', githubApiUrl: opts.githubUrl });
      await ops.secrets.set({ profileId: p.id, key: 'github_token', value: opts.token });
      await ops.secrets.set({ profileId: p.id, key: 'postgres_url', value: opts.warehouseUrl });
      if (o.settings) await ops.settings.update(o.settings);
      await core.close();
      return home.dir;
    },
    start(home, args = ['--concurrency', '1', '--kinds', 'github-sync']) {
      const child = spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), 'worker', ...args], { env: { ...process.env, REPO_OPS_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => out.push(String(d)));
      child.stderr!.on('data', (d) => out.push(String(d)));
      processes.push(child);
      return child;
    },
    output: () => out.join(''),
    close() {
      for (const w of processes) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      for (const h of homes) h.cleanup();
    },
  };
}
