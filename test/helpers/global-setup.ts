import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres.ts';
import { startSecretService, type SecretServiceSession } from './secret-service.ts';

let session: SecretServiceSession | undefined;
let postgres: { url: string; stop(): Promise<void> } | undefined;

// Every test run gets its own real Secret Service (gnome-keyring on a private bus)
// and one real PostgreSQL server (each test creates its own database on it).
export async function setup(_project: TestProject): Promise<void> {
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
