import type { TestProject } from 'vitest/node';
import { startSecretService, type SecretServiceSession } from './secret-service.ts';

let session: SecretServiceSession | undefined;

// Every test run gets its own real Secret Service (gnome-keyring on a private bus).
export async function setup(_project: TestProject): Promise<void> {
  session = await startSecretService();
  process.env.DBUS_SESSION_BUS_ADDRESS = session.address;
  process.env.REPO_OPS_TEST_KEYRING = '1';
}

export async function teardown(): Promise<void> {
  session?.stop();
}
