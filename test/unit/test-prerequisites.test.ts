// scripts/test-prerequisites.sh (run first by `npm test`): installs the Debian packages the tests
// need where it can, otherwise stops with the one command to run. Exercised with stand-ins for
// dpkg-query, id, sudo and apt-get on PATH, so nothing on this machine is installed or changed.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve-process.ts';
import { tempDir } from '../helpers/temp.ts';

const SCRIPT = join(ROOT, 'scripts', 'test-prerequisites.sh');
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

/** Runs the script with fake tools: `installed` packages exist, uid and sudo as given. */
function run(opts: { installed: string[]; uid: number; sudo: 'none' | 'password' | 'passwordless' }) {
  tmp = tempDir();
  const bin = tmp.dir;
  const calls = join(bin, 'calls.log');
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('dpkg-query', `pkg="\${@: -1}"; case " ${opts.installed.join(' ')} " in *" $pkg "*) printf 'install ok installed';; *) exit 1;; esac`);
  tool('id', `echo ${opts.uid}`);
  if (opts.sudo !== 'none') tool('sudo', opts.sudo === 'passwordless' ? `[ "$1" = "-n" ] && exit 0; echo "sudo $*" >> ${calls}` : 'exit 1');
  tool('apt-get', `echo "apt-get $*" >> ${calls}`);
  // Only our stand-ins and the basic shell tools: the machine's own sudo/apt-get are out of reach.
  const PATH = `${bin}:/usr/bin:/bin`;
  const r = spawnSync('bash', [SCRIPT], { env: { PATH, HOME: bin }, encoding: 'utf8' });
  const log = (() => {
    try {
      return readFileSync(calls, 'utf8');
    } catch {
      return '';
    }
  })();
  return { code: r.status, stderr: r.stderr, calls: log };
}

const ALL = ['chromium', 'gnome-keyring', 'dbus', 'libsecret-tools', 'redis-server', 'python3-venv', 'ca-certificates', 'postgresql-15'];

describe('test prerequisites', () => {
  it('does nothing, silently, when everything is installed', () => {
    const r = run({ installed: ALL, uid: 1000, sudo: 'none' });
    expect(r).toMatchObject({ code: 0, stderr: '', calls: '' });
  });

  it('without root or passwordless sudo: stops and prints the one command to run', () => {
    const r = run({ installed: ALL.filter((p) => p !== 'redis-server' && p !== 'chromium'), uid: 1000, sudo: 'password' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('repo-ops tests need these Debian packages: chromium redis-server');
    expect(r.stderr).toMatch(/sudo sh -c '.*apt-get install -y --no-install-recommends chromium redis-server'/);
    expect(r.calls).toBe('');
  });

  it('with passwordless sudo: says what it installs and installs exactly what is missing', () => {
    const r = run({ installed: ALL.filter((p) => p !== 'gnome-keyring'), uid: 1000, sudo: 'passwordless' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('installing the Debian packages they need: gnome-keyring');
    expect(r.calls).toContain('sudo apt-get update -qq');
    expect(r.calls).toMatch(/sudo apt-get install -y -qq --no-install-recommends gnome-keyring\n/);
  });
});
