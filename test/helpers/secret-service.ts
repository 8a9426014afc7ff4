import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// Starts a private D-Bus session bus with gnome-keyring's Secret Service on it,
// so tests use the real OS keychain without touching the user's own keyring.
export interface SecretServiceSession {
  address: string;
  dataHome: string;
  stop(): void;
}

function requireBinary(name: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`]);
  if (r.status !== 0) throw new Error(`Missing prerequisite: ${name} (install the Debian package "${pkg}")`);
}

function ownsSecrets(address: string): boolean {
  const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } });
  return r.status === 0 && /boolean true/.test(r.stdout.toString());
}

export async function startSecretService(): Promise<SecretServiceSession> {
  requireBinary('dbus-daemon', 'dbus');
  requireBinary('dbus-send', 'dbus');
  requireBinary('gnome-keyring-daemon', 'gnome-keyring');
  const dataHome = mkdtempSync(join(tmpdir(), 'repo-ops-keyring-'));
  const children: ChildProcess[] = [];
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(bus);
  const address = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: bus.stdout! });
    rl.once('line', (line) => resolve(line.trim()));
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited with code ${code}`)));
  });
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: dataHome };
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(keyring);
  keyring.stdin!.end('test-keyring-password');
  const deadline = Date.now() + 10_000;
  while (!ownsSecrets(address)) {
    if (Date.now() > deadline) throw new Error('gnome-keyring-daemon did not register org.freedesktop.secrets within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    dataHome,
    stop() {
      for (const c of children.reverse()) c.kill('SIGTERM');
      rmSync(dataHome, { recursive: true, force: true });
    },
  };
}
