// `repo-ops profile …` and the environment overrides: the CLI alone sets up a profile for cron
// and CI, and GITHUB_API_URL / OPENAI_BASE_URL / … reach the code that connects (the GitHub
// health check against the emulator, with the stored URL pointing nowhere).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../emulators/github/dataset.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { runCli } from '../helpers/cli.ts';
import { closedPort } from '../helpers/http-fixtures.ts';
import { tempDir } from '../helpers/temp.ts';

const TOKEN = 'ghp_profileCliToken0000000000000000000000';
const tmp = tempDir();
const home = tmp.dir;
let github: GitHubEmulator;
beforeAll(async () => {
  github = await startGitHubEmulator({ dataset: generateDataset({ seed: 3, users: 3, repos: [{ owner: 'acme', name: 'tools', pullRequests: 1, issues: 1 }] }), tokens: [{ token: TOKEN, login: 'ops', scopes: ['repo', 'read:org'] }] });
});
afterAll(async () => {
  await github?.close();
  tmp.cleanup();
});

interface Shown {
  stored: Record<string, unknown>;
  effective: Record<string, unknown>;
  overrides: { key: string; envVar: string }[];
}

describe('repo-ops profile', () => {
  it('sets every kind of setting with key=value and shows where each comes from', async () => {
    const list = await runCli(['profile', 'list'], { home });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^\*\s+Default\s+https:\/\/api\.github\.com\s+https:\/\/api\.openai\.com\/v1\s+repo_ops/m);

    const set = await runCli(['profile', 'set', 'githubApiUrl=http://127.0.0.1:9/api/v3', 'embeddingDimensions=256', 'redisQueueKeys=bull:*:wait, bee:*:waiting', 'httpServices=api=http://127.0.0.1:9/health,web=http://127.0.0.1:9/', 'warehouseSchema=ops_console', 'description=set from cron'], { home });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Default: embeddingDimensions = 256');
    const shown = JSON.parse((await runCli(['profile', 'show', '--json'], { home })).stdout) as Shown;
    expect(shown.stored).toMatchObject({
      name: 'Default',
      githubApiUrl: 'http://127.0.0.1:9/api/v3',
      embeddingDimensions: 256,
      redisQueueKeys: ['bull:*:wait', 'bee:*:waiting'],
      httpServices: [{ name: 'api', url: 'http://127.0.0.1:9/health' }, { name: 'web', url: 'http://127.0.0.1:9/' }],
      warehouseSchema: 'ops_console',
      description: 'set from cron',
    });
    expect(shown.overrides).toEqual([]);
    const text = await runCli(['profile', 'show'], { home });
    expect(text.stdout).toMatch(/^httpServices\s+api=http:\/\/127\.0\.0\.1:9\/health,web=http:\/\/127\.0\.0\.1:9\/\s+profile$/m);
  });

  it('refuses bad input with a message naming the setting, and saves nothing of that command', async () => {
    const unknown = await runCli(['profile', 'set', 'githubUrl=http://x'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown setting "githubUrl". Settings: name, description, githubApiUrl');
    // One bad pair refuses the whole command: the good one before it is not saved either.
    const bad = await runCli(['profile', 'set', 'embeddingModel=text-embedding-3-large', 'openaiBaseUrl=ftp://example.com'], { home });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: openaiBaseUrl: .*got "ftp:\/\/example\.com"/);
    const after = JSON.parse((await runCli(['profile', 'show', '--json'], { home })).stdout) as Shown;
    expect(after.stored).toMatchObject({ embeddingModel: 'text-embedding-3-small', openaiBaseUrl: 'https://api.openai.com/v1', embeddingDimensions: 256 });
  });

  it('creates, uses and deletes profiles; REPO_OPS_PROFILE picks one for a single process', async () => {
    const created = await runCli(['profile', 'create', 'Staging', 'githubApiUrl=http://127.0.0.1:9/staging', '--use'], { home });
    expect(created.stdout).toContain('Created profile "Staging" (active)');
    expect((await runCli(['profile', 'list'], { home })).stdout).toMatch(/^\*\s+Staging\s+http:\/\/127\.0\.0\.1:9\/staging/m);
    const picked = await runCli(['profile', 'show'], { home, env: { REPO_OPS_PROFILE: 'default' } });
    expect(picked.stdout).toMatch(/^Profile "Default" — picked by REPO_OPS_PROFILE/);
    expect((await runCli(['profile', 'use', 'Default'], { home })).stdout).toContain('Active profile: "Default"');
    expect((await runCli(['profile', 'delete', 'Staging', '--yes'], { home })).stdout).toContain('Deleted profile "Staging"');
  });

  it('environment variables override the stored settings in the code that connects, not in the store', async () => {
    const stored = `http://127.0.0.1:${await closedPort()}`;
    expect((await runCli(['profile', 'set', `githubApiUrl=${stored}`], { home })).code).toBe(0);
    const down = await runCli(['health', '--only', 'github', '--json'], { home, env: { GITHUB_TOKEN: TOKEN } });
    expect((JSON.parse(down.stdout) as { checks: { id: string; status: string }[] }).checks.find((c) => c.id === 'github')?.status).toBe('down');

    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', REPO_OPS_EMBEDDING_DIMENSIONS: '512' };
    const up = await runCli(['health', '--only', 'github', '--json'], { home, env });
    expect((JSON.parse(up.stdout) as { checks: { id: string; status: string }[] }).checks.find((c) => c.id === 'github')?.status).toBe('healthy');
    const shown = JSON.parse((await runCli(['profile', 'show', '--json'], { home, env })).stdout) as Shown;
    expect(shown.overrides).toEqual([
      { key: 'githubApiUrl', envVar: 'GITHUB_API_URL' },
      { key: 'openaiBaseUrl', envVar: 'OPENAI_BASE_URL' },
      { key: 'embeddingDimensions', envVar: 'REPO_OPS_EMBEDDING_DIMENSIONS' },
    ]);
    expect(shown.effective).toMatchObject({ githubApiUrl: github.url, openaiBaseUrl: 'http://127.0.0.1:9/v1', embeddingDimensions: 512 });
    expect(shown.stored).toMatchObject({ githubApiUrl: stored, openaiBaseUrl: 'https://api.openai.com/v1', embeddingDimensions: 256 });
    // A bad override is named, not silently ignored.
    const bad = await runCli(['health', '--only', 'github'], { home, env: { ...env, GITHUB_API_URL: 'not a url' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/GITHUB_API_URL \(overrides githubApiUrl\): .*got "not a url"/);
  });

  it('repo-ops settings: the application settings with key=value (numbers, booleans, text, JSON maps)', async () => {
    const set = await runCli(['settings', 'set', 'healthIntervalMinutes=10', 'notifications=false', 'theme=dark', 'teamTimeZone=Europe/Berlin', 'embeddingPrices={"text-embedding-3-small":0.03}'], { home });
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain('embeddingPrices = {"text-embedding-3-small":0.03}');
    const bad = await runCli(['settings', 'set', 'logRetentionDays=14', 'jobConcurrency=99'], { home });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: jobConcurrency: Too big: .*8.*got "99"/);
    const badMap = await runCli(['settings', 'set', 'embeddingPrices={"m":-1}'], { home });
    expect(badMap.code).toBe(1);
    expect(badMap.stderr).toMatch(/^Error: embeddingPrices: .*\(at m\)/);
    const noValue = await runCli(['settings', 'set', 'theme'], { home });
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('expected key=value, got "theme"');
    const unknown = await runCli(['settings', 'set', 'githubApiUrl=http://x'], { home });
    expect(unknown.stderr).toContain('Unknown setting "githubApiUrl"');
    expect(unknown.stderr).toContain('(connection settings: repo-ops profile set)');
    const shown = JSON.parse((await runCli(['settings', 'show', '--json'], { home })).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ healthIntervalMinutes: 10, notifications: false, theme: 'dark', teamTimeZone: 'Europe/Berlin', embeddingPrices: { 'text-embedding-3-small': 0.03 }, logRetentionDays: 7, jobConcurrency: 2 });
  });
});
