// Schedules in Chromium against `repo-ops serve` (embedded PostgreSQL): apply a runbook preset in the
// page, run it now and watch the run finish in the tick history, then edit its cron line (a bad line is
// refused as you type).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;

beforeAll(async () => {
  c = await openConsole();
  const ws = wsClient(c.serve.origin, c.serve.token);
  await ws.opened;
  await ws.ops.profiles.create({ name: 'ops' });
  await ws.ops.settings.update({ healthTimeoutMs: 2000, healthIntervalMinutes: 0 });
  ws.close();
}, 180_000);

afterAll(async () => {
  await c?.close();
});

describe('Schedules page', () => {
  it('a preset applied in one click, run now, its run in the history; the cron line edited with a live check', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/schedules`);
    const presets = page.getByRole('region', { name: 'Presets' });
    await presets.getByRole('button', { name: 'Apply Health checks every 5 minutes' }).click({ timeout: 60_000 });
    const table = page.getByRole('grid', { name: 'Schedules' });
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toMatch(/Health checks every 5 minutes[\s\S]*health-check[\s\S]*every 5 minutes \(UTC\)[\s\S]*Forbid/);
    expect(await presets.innerText()).toMatch(/applied/);

    await table.getByText('Health checks every 5 minutes').click();
    await page.getByRole('button', { name: 'Run now' }).click();
    const history = page.getByRole('grid', { name: 'Tick history' });
    await expect.poll(() => history.innerText(), { timeout: 30_000 }).toMatch(/manual[\s\S]*succeeded/i);
    expect(await page.getByLabel('Next ticks').innerText()).toMatch(/Next: .+ · .+/);

    await page.getByRole('button', { name: 'Edit…' }).click();
    const dialog = page.getByRole('dialog');
    const cron = dialog.getByLabel('Cron (minute hour day-of-month month day-of-week)');
    await cron.fill('61 * * * *');
    await expect.poll(() => dialog.innerText(), { timeout: 5000 }).toMatch(/value 61 is out of range 0-59/);
    expect(await dialog.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await cron.fill('*/10 * * * *');
    await expect.poll(() => dialog.innerText(), { timeout: 5000 }).toMatch(/every 10 minutes \(UTC\)/);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toMatch(/every 10 minutes \(UTC\)/);
    await page.screenshot({ path: join(ROOT, 'docs', 'schedules.png') });
    expect(c.errors).toEqual([]);
  });
});
