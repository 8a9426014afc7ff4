import type { TestProject } from 'vitest/node';
import { PROFILE_ENV_VARS } from '../../src/main/profiles/profile-env.ts';
import { startTestPostgres } from './postgres.ts';
import { startSecretService, type SecretServiceSession } from './secret-service.ts';

let session: SecretServiceSession | undefined;
let postgres: { url: string; stop(): Promise<void> } | undefined;

// Every test run gets its own real Secret Service (gnome-keyring on a private bus)
// and one real PostgreSQL server (each test creates its own database on it).
export async function setup(_project: TestProject): Promise<void> {
  // The machine's own overrides of profile settings (a CI runner sets GITHUB_API_URL) would send
  // the tests' CLI and serve processes to real services instead of the emulators.
  for (const v of PROFILE_ENV_VARS) delete process.env[v];
  session = await startSecretService();
  process.env.DBUS_SESSION_BUS_ADDRESS = session.address;
  process.env.REPO_OPS_TEST_KEYRING = '1';
  postgres = await startTestPostgres();
  process.env.REPO_OPS_TEST_PG_URL = postgres.url;
}

export async function teardown(): Promise<void> {
  await postgres?.stop();
  session?.stop();
}
