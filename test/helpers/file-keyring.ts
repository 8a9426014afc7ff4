// Each test file gets a Secret Service of its own (its own D-Bus bus and gnome-keyring), used by
// the file and every process it starts. Test files run side by side, and gnome-keyring-daemon
// drops off the bus when several processes write to one daemon at once.
import { afterAll } from 'vitest';
import { startSecretService } from './secret-service.ts';

const session = await startSecretService();
process.env.DBUS_SESSION_BUS_ADDRESS = session.address;
afterAll(() => session.stop());
