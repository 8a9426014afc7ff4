import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../emulators/github/server.ts';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai/server.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { OPENAI_KEY } from '../helpers/embed-env.ts';
import { startMilvus, type MilvusServer } from '../helpers/milvus-lite.ts';
import { ROOT } from '../helpers/serve-process.ts';
import { smallDataset } from '../helpers/sync-env.ts';

// Issue 10, done-when: a new operator on a headless Linux box (no Secret Service, no environment
// variables) goes from first launch to a verified backfill without a restart, guided by the
// first-run checklist on the landing page; every step through the UI in Chromium.
let c: Console;
let gh: GitHubEmulator;
let openai: OpenAIEmulator;
let milvus: MilvusServer;
const NO_SECRETS_IN_ENV = Object.fromEntries(['GITHUB_TOKEN', 'GH_TOKEN', 'OPENAI_API_KEY', 'MILVUS_URL', 'MILVUS_TOKEN', 'DATABASE_URL', 'SUPABASE_DB_URL', 'REDIS_URL', 'REPO_OPS_SECRETS_PASSPHRASE', 'REPO_OPS_SECRET_STORE'].map((k) => [k, '']));

beforeAll(async () => {
  [gh, openai, milvus] = await Promise.all([startGitHubEmulator({ dataset: smallDataset(17, 40, 12, 0), latencyMs: 5 }), startOpenAIEmulator({ apiKeys: [OPENAI_KEY] }), startMilvus()]);
  // A headless box: no D-Bus session, so no Secret Service.
  c = await openConsole({ env: { ...NO_SECRETS_IN_ENV, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } });
}, 180_000);
afterAll(async () => {
  await c?.close();
  await Promise.all([gh?.close(), openai?.close(), milvus?.stop()]);
});

const checklist = () => c.page.getByRole('region', { name: 'First-run checklist' });
const step = (id: string) => checklist().locator(`li[data-step="${id}"]`);

describe('First run on a headless box', () => {
  it('the landing page shows the checklist, nothing ticked, each step a link', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/`);
    await page.waitForURL(/#\/health$/);
    await expect.poll(() => checklist().innerText(), { timeout: 20_000 }).toMatch(/0 of 4 done/);
    expect(await checklist().locator('li[data-step]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-done')]))).toEqual([
      ['profile', 'false'],
      ['secrets', 'false'],
      ['connections', 'false'],
      ['backfill', 'false'],
    ]);
    await page.screenshot({ path: join(ROOT, 'docs', 'first-run-checklist.png') });
    await step('profile').getByRole('link', { name: 'Create a connection profile' }).click();
    await page.waitForURL(/#\/settings\?focus=profiles/);
  });

  it('profile → the encrypted secrets file (chosen by itself) → Save & test per connection, verdicts inline', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'New profile' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('first-run');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: 'first-run' }).waitFor();
    await page.getByLabel('GitHub API URL').fill(gh.url);
    await page.getByLabel('OpenAI base URL').fill(openai.baseUrl);
    await page.getByLabel('Embedding dimensions').fill('256');
    await page.getByLabel('Milvus collection').fill('first_run');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('.toast', { hasText: 'Profile saved' }).waitFor();

    // No OS keychain here: the console offers the encrypted file by itself, no variable, no restart.
    const file = page.getByRole('form', { name: 'Encrypted secrets file' });
    await expect.poll(() => file.innerText(), { timeout: 20_000 }).toMatch(/No OS keychain on this machine/);
    await file.getByLabel('Passphrase', { exact: true }).fill('correct horse battery staple');
    await file.getByLabel('Repeat passphrase').fill('correct horse battery staple');
    await file.getByRole('button', { name: 'Create secrets file' }).click();
    await page.getByRole('status').filter({ hasText: 'Secrets are stored in an encrypted file' }).waitFor();

    const saveAndTest = async (key: string, label: string, value: string, verdict: string, expected: RegExp) => {
      const row = page.locator(`tr[data-secret="${key}"]`);
      await row.getByLabel(`New ${label}`).fill(value);
      await row.getByRole('button', { name: 'Save & test' }).click();
      await expect.poll(() => row.getByRole('status', { name: `${verdict} verdict` }).innerText(), { timeout: 30_000 }).toMatch(expected);
      await row.getByText('in secrets file').waitFor();
    };
    await saveAndTest('github_token', 'GitHub token', gh.token, 'GitHub', /^healthy/i);
    await saveAndTest('openai_key', 'OpenAI API key', OPENAI_KEY, 'OpenAI', /^healthy/i);
    // The collection does not exist before the first backfill: Milvus answers, degraded.
    await saveAndTest('milvus_url', 'Milvus URL', milvus.url, 'Milvus', /^(healthy|degraded)/i);
    // A bad value shows its verdict where it was entered.
    await saveAndTest('redis_url', 'Redis URL', 'redis://127.0.0.1:1', 'Redis', /^down/i);
    const conns = page.getByRole('region', { name: 'Connections' });
    await conns.getByRole('button', { name: 'Test Warehouse (Postgres)' }).click();
    await expect.poll(() => conns.locator('tr[data-connection="postgres"]').innerText(), { timeout: 60_000 }).toMatch(/healthy/i);
    await conns.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ROOT, 'docs', 'settings-save-and-test.png') });
  });

  it('the checklist has ticked itself; the backfill step leads through the wizard to a verified backfill, then the checklist goes away', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/health`);
    await expect.poll(() => checklist().innerText(), { timeout: 20_000 }).toMatch(/3 of 4 done/);
    expect(await step('connections').getAttribute('data-done')).toBe('true');
    await step('backfill').getByRole('link', { name: 'Run a first backfill' }).click();
    await page.waitForURL(/#\/backfill$/);
    await page.getByLabel('Repository', { exact: true }).fill('octo/widgets');
    await page.getByRole('button', { name: /^Next/ }).click();
    await page.getByRole('button', { name: /^Next/ }).click();
    const checks = page.getByRole('table', { name: 'Preflight checks' });
    await checks.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('button', { name: /^Next/ }).isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await checks.innerText()).not.toMatch(/\bfail\b/i);
    await page.getByRole('button', { name: /^Next/ }).click();
    await page.getByRole('button', { name: 'Start backfill' }).click();
    const outcome = page.getByRole('status', { name: 'Backfill outcome' });
    await expect.poll(() => outcome.innerText(), { timeout: 120_000 }).toMatch(/Complete: every check is green/);
    await page.goto(`${c.serve.origin}/#/health`);
    await page.getByRole('button', { name: 'Run checks' }).waitFor();
    await expect.poll(() => checklist().count(), { timeout: 20_000 }).toBe(0);
  });

  it('retry from a chosen step in the job drawer: a new run, earlier steps reused', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/jobs`);
    await page.getByRole('button', { name: /Backfill octo\/widgets/ }).first().click();
    const drawer = page.getByRole('dialog');
    const retry = drawer.getByRole('region', { name: 'Retry from a step' });
    await retry.getByLabel('Retry from step').selectOption('verify');
    await retry.getByRole('button', { name: 'Retry from step' }).click();
    await expect.poll(() => drawer.getByTestId('rerun-of').innerText(), { timeout: 20_000 }).toMatch(/Retry of run [0-9a-f]{8} from step verify/);
    await expect.poll(() => drawer.locator('tr[data-step="verify"]').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    for (const s of ['sync', 'embeddings', 'aggregate']) expect(await drawer.locator(`tr[data-step="${s}"]`).getAttribute('data-state')).toBe('reused');
    await page.screenshot({ path: join(ROOT, 'docs', 'jobs-retry-from-step.png') });
    expect(c.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('Duplicate: the copy has the secrets but not one of the original’s verdicts; the original keeps its own', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/settings?focus=profiles`);
    const profiles = page.getByRole('listbox', { name: 'Profiles' });
    await profiles.getByRole('option', { name: /^first-run/ }).click();
    await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('staging');
    expect(await dialog.getByRole('checkbox', { name: 'Copy its stored secrets too' }).getAttribute('aria-checked')).toBe('true');
    await dialog.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { name: 'staging', exact: true }).waitFor();
    const github = page.locator('tr[data-secret="github_token"]');
    await github.getByText('in secrets file').waitFor();
    await expect.poll(() => github.getByRole('status', { name: 'GitHub verdict' }).innerText()).toBe('not tested');
    const conns = page.getByRole('region', { name: 'Connections' });
    for (const row of await conns.locator('tr[data-connection]').all()) expect(await row.innerText()).toMatch(/not tested/);
    await page.screenshot({ path: join(ROOT, 'docs', 'profile-duplicate.png') });
    await profiles.getByRole('option', { name: /^first-run/ }).click();
    await expect.poll(() => page.locator('tr[data-secret="github_token"]').getByRole('status', { name: 'GitHub verdict' }).innerText()).toMatch(/^healthy/i);
    expect(c.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
