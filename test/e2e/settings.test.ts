import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

/** The settings the README promises: every **bold** label of its "Settings page" row. */
function readmeSettings(): string[] {
  const row = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith('| Settings page (defaults) |'));
  if (!row) throw new Error('README.md has no "Settings page (defaults)" row in its configuration table');
  return [...row.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
}

describe('Settings holds what the README lists', () => {
  it('shows a control or section for every setting the README names, with the defaults it states', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/settings`);
    await page.getByRole('heading', { name: 'Alert thresholds' }).waitFor();
    const labels = readmeSettings();
    expect(labels.length).toBeGreaterThanOrEqual(10);
    const missing: string[] = [];
    for (const label of labels) {
      const control = page.getByLabel(label, { exact: false });
      const heading = page.getByRole('heading', { name: label, exact: true });
      if ((await control.count()) + (await heading.count()) === 0) missing.push(label);
    }
    expect(missing).toEqual([]);
    expect(await page.getByLabel('Keep logs for (days)').inputValue()).toBe('7');
    expect(await page.getByLabel('Health schedule (minutes)').inputValue()).toBe('5');
    expect(await page.getByLabel('Per-check timeout (seconds)').inputValue()).toBe('8');
    expect(await page.getByLabel('Milvus upsert batch (vectors)').inputValue()).toBe('1000');
    expect(await page.locator('tr[data-override="openai_key"] td').nth(1).innerText()).toBe('30');
  });

  it('edits reach the core: a threshold, a price, a rotation interval, the timeout; reset restores the default', async () => {
    const { page } = c;
    const ops = wsClient(c.serve.origin, c.serve.token);
    await ops.opened;
    try {
      const latency = page.getByLabel('postgres latency degraded ms');
      await latency.fill('1500');
      await latency.blur();
      await page.locator('tr[data-override="postgres.latencyDegradedMs"]').getByRole('button', { name: /Reset/ }).waitFor();
      expect((await ops.ops.health.thresholds()).postgres!.latencyDegradedMs).toBe(1500);

      await page.getByLabel('Model to add').fill('nomic-embed-text');
      await page.getByRole('button', { name: 'Add' }).click();
      const price = page.getByLabel('nomic-embed-text', { exact: true });
      await price.fill('0.05');
      await price.blur();
      await expect.poll(async () => (await ops.ops.settings.get()).embeddingPrices).toEqual({ 'nomic-embed-text': 0.05 });

      const rotation = page.getByLabel('github_token', { exact: true });
      await rotation.fill('45');
      await rotation.blur();
      await expect.poll(async () => (await ops.ops.secrets.status({})).items.find((i) => i.key === 'github_token')!.rotateEveryDays).toBe(45);

      const timeout = page.getByLabel('Per-check timeout (seconds)');
      await timeout.fill('3');
      await timeout.blur();
      await expect.poll(async () => (await ops.ops.settings.get()).healthTimeoutMs).toBe(3000);

      await page.getByRole('heading', { name: 'Health checks' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ROOT, 'docs', 'settings.png') });
      await page.locator('tr[data-override="postgres.latencyDegradedMs"]').getByRole('button', { name: /Reset/ }).click();
      await expect.poll(async () => (await ops.ops.health.thresholds()).postgres!.latencyDegradedMs).toBe(2000);
      expect((await ops.ops.settings.get()).healthThresholds).toEqual({});
    } finally {
      ops.close();
    }
  });
});
