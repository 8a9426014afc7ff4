import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

describe('health history: uptime and status bars', () => {
  it('shows uptime % and a status bar per service over the chosen range', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/health`);
    await page.getByRole('button', { name: 'Run checks' }).click();
    const panel = page.getByRole('region', { name: 'Uptime' });
    const postgres = panel.getByLabel('Uptime of postgres');
    await expect.poll(() => postgres.innerText(), { timeout: 60_000 }).toMatch(/postgres\s+100%[\s\S]*1 check · 0 down/);
    await page.getByRole('radio', { name: '7d' }).click();
    await expect.poll(() => postgres.innerText()).toMatch(/100%/);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ROOT, 'docs', 'uptime.png') });
    expect(c.errors).toEqual([]);
  });
});
