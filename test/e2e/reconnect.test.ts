import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT, startServe } from '../helpers/serve-process.ts';

// An open tab through a restart of `repo-ops serve`: a full-width banner, every action disabled,
// the same URL afterwards (stable port, persistent session), and a resync by itself.
let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

const restart = (args: string[] = []) => startServe({ home: c.home, entry: 'built', args: ['--logs-dir', c.tmp, ...args] });

describe('reconnecting after a restart', () => {
  it('shows a disconnected banner with actions disabled, then recovers on the same URL and resyncs', async () => {
    const { page } = c;
    // A run this core owns, as if a sync were running when the console goes away.
    const db = new Database(join(c.home, 'repo-ops.sqlite'));
    db.prepare("INSERT INTO job_runs (id, kind, title, status, params, progress, created_at, started_at, owner, heartbeat_at) VALUES ('probe', 'sync', 'Sync acme/probe', 'running', '{}', ?, ?, ?, ?, ?)").run(
      JSON.stringify({ done: 40, total: 100, unit: 'PRs', message: null, ratePerSec: null, etaSeconds: null, extra: {} }),
      new Date().toISOString(),
      new Date().toISOString(),
      `${hostname()}:${c.serve.child.pid}`,
      Date.now(),
    );
    db.close();
    await page.goto(`${c.serve.origin}/#/jobs`);
    await page.reload();
    await page.getByRole('status', { name: 'Core connected' }).waitFor();
    const row = page.getByRole('row', { name: /Sync acme\/probe/ });
    await row.getByText('running').waitFor();
    const filter = page.getByRole('textbox', { name: 'Filter jobs' });
    expect(await filter.isEnabled()).toBe(true);

    const before = new URL(c.serve.url);
    await c.serve.stop('SIGKILL');
    const banner = page.getByRole('alert', { name: 'Disconnected' });
    await banner.getByText('Lost the connection to the Repo Ops core').waitFor();
    await page.getByRole('status', { name: 'Core disconnected' }).waitFor();
    expect(await filter.isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: 'problems' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(ROOT, 'docs', 'disconnected.png') });

    // Same data directory: same port and token; the tab reconnects without a reload.
    c.serve = await restart();
    expect(new URL(c.serve.url).port).toBe(before.port);
    expect(c.serve.token).toBe(before.hash.slice('#token='.length));
    await page.getByRole('status', { name: 'Core connected' }).waitFor({ timeout: 20_000 });
    await banner.waitFor({ state: 'detached' });
    expect(await filter.isEnabled()).toBe(true);
    // Resynced: the run whose process is gone reads interrupted, not RUNNING forever.
    await row.getByText('interrupted').waitFor();
    expect(page.url()).toMatch(/#\/jobs$/);
    // …and, waiting for the operator, it is in the header and on the landing page (never "No jobs running").
    await expect.poll(() => page.getByTestId('topbar-jobs').innerText()).toMatch(/1 interrupted/i);
    await page.goto(`${c.serve.origin}/#/health`);
    await expect.poll(() => page.getByRole('region', { name: 'Stopped jobs' }).innerText()).toMatch(/interrupted[\s\S]*Sync acme\/probe/i);
    await page.screenshot({ path: join(ROOT, 'docs', 'interrupted-landing.png') });
    await page.goto(`${c.serve.origin}/#/jobs`);
  });

  it('a new session ends the old tab’s with a clear message; the new URL opens it', async () => {
    const { page } = c;
    const before = new URL(c.serve.url);
    await c.serve.stop('SIGTERM');
    c.serve = await restart(['--new-session']);
    expect(new URL(c.serve.url).port).toBe(before.port);
    expect(c.serve.token).not.toBe(before.hash.slice('#token='.length));
    const banner = page.getByRole('alert', { name: 'Disconnected' });
    await banner.getByText('Session ended').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(ROOT, 'docs', 'session-ended.png') });
    // Pasting the printed URL into the same tab is enough.
    await page.goto(c.serve.url);
    await page.getByRole('status', { name: 'Core connected' }).waitFor();
    await banner.waitFor({ state: 'detached' });
  });

  it('the session endpoint answers only with the token', async () => {
    expect((await fetch(`${c.serve.origin}/session`)).status).toBe(401);
    expect((await fetch(`${c.serve.origin}/session`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${c.serve.origin}/session`, { headers: { authorization: `Bearer ${c.serve.token}` } })).status).toBe(204);
    expect((await fetch(`${c.serve.origin}/session`, { headers: { authorization: `Bearer ${c.serve.token}`, origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('raised no errors in the page', () => {
    // The browser logs the refused WebSocket handshakes while the core is down: expected.
    expect(c.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});
