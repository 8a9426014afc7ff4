import { afterEach } from 'vitest';
import type { Dataset } from './dataset.ts';
import type { EmulatorOptions } from './options.ts';
import { startGitHubEmulator, type GitHubEmulator } from './server.ts';

/** For tests that each start emulators with their own options: returns the starter and closes what it started after each test. */
export function emulatorsPerTest(dataset: Dataset): (options?: Partial<EmulatorOptions>) => Promise<GitHubEmulator> {
  const running: GitHubEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
  return async (options = {}) => {
    const emu = await startGitHubEmulator({ dataset, ...options });
    running.push(emu);
    return emu;
  };
}
