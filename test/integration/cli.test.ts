import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const tmp = tempDir();
const home = tmp.dir;
afterAll(() => tmp.cleanup());

describe('repo-ops CLI', () => {
  it('prints help and refuses unknown commands with exit code 2', async () => {
    const help = await runCli(['--help'], { home });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Commands:\n\s+serve/);
    expect((await runCli([], { home })).code).toBe(2);
    const unknown = await runCli(['frobnicate'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it('stores a secret read from stdin in the keychain and never prints it', async () => {
    const token = 'ghp_' + 'C1i'.repeat(12);
    const set = await runCli(['secrets', 'set', 'github_token'], { home, stdin: token + '\n' });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('GitHub token stored in the OS keychain for profile "Default"');
    const status = await runCli(['secrets', 'status', '--json'], { home });
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain(token);
    const parsed = JSON.parse(status.stdout) as { keychain: { available: boolean }; items: { key: string; source: string }[] };
    expect(parsed.keychain.available).toBe(true);
    expect(parsed.items.find((i) => i.key === 'github_token')?.source).toBe('keychain');
    const table = await runCli(['secrets', 'status'], { home });
    expect(table.stdout).toMatch(/github_token\s+yes\s+keychain/);
    const del = await runCli(['secrets', 'delete', 'github_token'], { home });
    expect(del.code).toBe(0);
    expect((await runCli(['secrets', 'status'], { home })).stdout).toMatch(/github_token\s+no\s+none/);
  });

  it('explains bad secret input', async () => {
    const unknownKey = await runCli(['secrets', 'set', 'aws_key'], { home, stdin: 'x' });
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('Unknown secret key "aws_key"');
    const badUrl = await runCli(['secrets', 'set', 'postgres_url'], { home, stdin: 'http://not-postgres' });
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toBe('Error: The Postgres URL must start with postgres:// or postgresql://\n');
    const empty = await runCli(['secrets', 'set', 'openai_key'], { home, stdin: '' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('No value on standard input');
  });

  it('without an OS keychain, keeps secrets in the encrypted file unlocked by REPO_OPS_SECRETS_PASSPHRASE, and says so', async () => {
    const headless = tempDir();
    try {
      const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
      const set = await runCli(['secrets', 'set', 'openai_key'], { home: headless.dir, stdin: 'sk-' + 'n'.repeat(30), env });
      expect(set.code).toBe(1);
      expect(set.stderr).toMatch(/^Error: No OS keychain here: create the encrypted secrets file .* or set REPO_OPS_SECRETS_PASSPHRASE/);
      const status = await runCli(['secrets', 'status'], { home: headless.dir, env: { ...env, OPENAI_API_KEY: 'sk-' + 'e'.repeat(30) } });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/Secret store: encrypted file \(no usable OS keychain \(The OS keychain is not available.*\)\) — locked: set REPO_OPS_SECRETS_PASSPHRASE/);
      expect(status.stdout).toMatch(/openai_key\s+yes\s+env \(OPENAI_API_KEY\)/);

      const unattended = { ...env, REPO_OPS_SECRETS_PASSPHRASE: 'a long enough passphrase' };
      const stored = await runCli(['secrets', 'set', 'openai_key'], { home: headless.dir, stdin: 'sk-' + 'f'.repeat(30), env: unattended });
      expect(stored.stdout).toMatch(/OpenAI API key stored in the encrypted secrets file/);
      const after = await runCli(['secrets', 'status'], { home: headless.dir, env: unattended });
      expect(after.stdout).toMatch(/openai_key\s+yes\s+file/);
    } finally {
      headless.cleanup();
    }
  });

  it('searches and tails the structured logs', async () => {
    const found = await runCli(['logs', 'search', 'keychain'], { home });
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/INFO\s+secret_set .*GitHub token stored in the OS keychain/);
    const json = await runCli(['logs', 'tail', '--lines', '3', '--json'], { home });
    expect(json.code).toBe(0);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).event).length).toBe(3);
    const nothing = await runCli(['logs', 'search', 'no-such-words-anywhere'], { home });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('No log lines match "no-such-words-anywhere".');
    const badLevel = await runCli(['logs', 'tail', '--level', 'loud'], { home });
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toContain('Unknown level "loud"');
    const badLines = await runCli(['logs', 'tail', '--lines', '-4'], { home });
    expect(badLines.code).toBe(2);
  });

  it('validates serve options', async () => {
    expect((await runCli(['serve', '--port', 'abc'], { home })).stderr).toContain('--port must be a number from 0 to 65535');
    const exposed = await runCli(['serve', '--host', '0.0.0.0'], { home });
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toContain('--host must be a loopback address');
  });
});
