import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Settings } from '../../src/shared/contract/settings.ts';
import { SETTING_LABELS } from '../../src/shared/setting-labels.ts';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { readmeSettings } from '../helpers/readme-settings.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

describe('Settings holds what the README lists', () => {
  it('shows a control or section for every setting the README names, with the defaults it states', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/settings`);
    await page.getByRole('heading', { name: 'Alert thresholds' }).waitFor();
    const labels = readmeSettings().map((r) => r.label);
    expect(labels.length).toBeGreaterThanOrEqual(10);
    const missing: string[] = [];
    for (const label of labels) {
      const control = page.getByLabel(label, { exact: false });
      const heading = page.getByRole('heading', { name: label, exact: true });
      if ((await control.count()) + (await heading.count()) === 0) missing.push(label);
    }
    expect(missing).toEqual([]);

    // …and the other way: every application setting the page edits is one the README names,
    // and every setting of the contract has its control here.
    const onPage = await page.locator('[data-setting]').evaluateAll((els) => els.map((e) => e.getAttribute('data-setting')!));
    expect([...new Set(onPage)].sort()).toEqual(Object.keys(Settings.shape).sort());
    for (const key of onPage) expect(labels, `the page edits "${key}"`).toContain(SETTING_LABELS[key as keyof Settings]);
    // No control in the application-settings panels escapes the list: each one's label starts with a README label.
    const names = await page
      .locator('section[aria-label="General settings"], section[aria-label="Health check settings"], section[aria-label="Embedding settings"]')
      .locator('input, [role="group"], [role="radiogroup"], button[role="checkbox"]')
      .evaluateAll((els) =>
        els.map((e) => e.getAttribute('aria-label') ?? (e as unknown as { labels?: { textContent: string | null }[] }).labels?.[0]?.textContent ?? `<unlabelled ${e.outerHTML.slice(0, 80)}>`),
      );
    expect(names.length, names.join(" | ")).toBeGreaterThanOrEqual(12);
    expect(names.filter((n) => !labels.some((l) => n.startsWith(l)))).toEqual([]);

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
