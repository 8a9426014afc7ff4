// Alerts and budgets in Chromium against `repo-ops serve` (embedded PostgreSQL): configure a
// Slack channel and a budget in Settings, send a test, watch a failing service page the
// channel, see the delivery on the Alerts page and the budget on the Costs page.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { startHttpReceiver, type HttpReceiver } from '../helpers/receivers.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;
let recv: HttpReceiver;

beforeAll(async () => {
  recv = await startHttpReceiver();
  c = await openConsole();
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  await ws.ops.profiles.create({ name: 'ops', httpServices: [{ name: 'Billing API', url: `${recv.url}/svc` }] });
  await ws.ops.settings.update({ healthTimeoutMs: 2000, healthIntervalMinutes: 0 });
  // Seconds, not the production minutes: notifications leave at once.
  await ws.ops.alerts.updatePolicy({ groupWaitSeconds: 0, pollIntervalMs: 100 });
  ws.close();
}, 180_000);

afterAll(async () => {
  await c?.close();
  await recv?.close();
});

describe('Alerts and Costs', () => {
  it('a channel and a budget configured in the pages; a failing service pages the channel; the delivery and the budget show', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/settings`);
    const channels = page.getByRole('region', { name: 'Alert channels' });
    await channels.getByRole('button', { name: 'New channel' }).click();
    const form = channels.getByRole('region', { name: 'Channel form' }).or(channels.locator('[aria-label="Channel form"]'));
    await form.getByLabel('Name', { exact: true }).fill('Ops Slack');
    await form.getByLabel('Incoming webhook URL').fill(`${recv.url}/slack`);
    await form.getByRole('button', { name: 'Save channel' }).click();
    const row = channels.locator('tr[data-channel="ops-slack"]');
    await row.waitFor();
    // The row can arrive (the alerts feed) before the save closes the form, which still holds what was typed.
    await form.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(`${recv.url}/slack`); // write-only: the URL never comes back
    await row.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => recv.received.filter((r) => r.path === '/slack').length, { timeout: 15_000 }).toBe(1);
    expect(recv.received[0]!.json.text).toMatch(/Repo Ops test notification \(Ops Slack\)/);

    const budgets = page.getByRole('region', { name: 'Budgets settings' });
    await budgets.getByRole('button', { name: 'New budget' }).click();
    const bform = budgets.locator('[aria-label="Budget form"]');
    await bform.getByLabel('Name', { exact: true }).fill('OpenAI per day');
    await bform.getByLabel('Cap (US$)').fill('10');
    await bform.getByRole('button', { name: 'Save budget' }).click();
    await budgets.locator('tr[data-budget="OpenAI per day"]').waitFor();

    // The watched service goes down: one click on the Health page, and Slack is paged.
    recv.setHealth(false);
    await page.goto(`${c.serve.origin}/#/health`);
    await page.getByRole('button', { name: 'Run checks' }).click();
    await expect.poll(() => recv.received.filter((r) => r.path === '/slack' && /FIRING/.test(String(r.json.text))).length, { timeout: 30_000 }).toBe(1);
    expect(String(recv.received.at(-1)!.json.text)).toMatch(/\[P1\] FIRING: Service down - console\/http:/);

    await page.goto(`${c.serve.origin}/#/alerts`);
    const alerts = page.getByRole('grid', { name: 'Alerts' });
    await expect.poll(() => alerts.innerText(), { timeout: 15_000 }).toMatch(/Service down/);
    expect(await alerts.innerText()).toMatch(/firing/i);
    const deliveries = page.getByRole('grid', { name: 'Deliveries' });
    await expect.poll(() => deliveries.innerText(), { timeout: 15_000 }).toMatch(/delivered[\s\S]*ops-slack[\s\S]*FIRING/i);
    expect(await page.getByRole('region', { name: 'Ops Slack channel' }).innerText()).toMatch(/healthy/i);
    // Acknowledge from the console.
    await alerts.getByText('Service down').first().click();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => alerts.innerText(), { timeout: 10_000 }).toMatch(/acked/i);
    await page.screenshot({ path: join(ROOT, 'docs', 'alerts.png') });

    await page.goto(`${c.serve.origin}/#/costs`);
    const b = page.getByRole('region', { name: 'Budgets' }).locator('tr[data-budget="OpenAI per day"]');
    await b.waitFor();
    expect(await b.innerText()).toMatch(/\$0\.00 of \$10\.00 \(0%\)/);
    await page.getByRole('img', { name: /Daily spend in/ }).waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'costs.png') });
    expect(c.errors).toEqual([]);
  });
});
