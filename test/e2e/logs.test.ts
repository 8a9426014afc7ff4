import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';

let c: Console;
let orders: string;
let billing: string;
const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  c = await openConsole();
  const dir = join(c.tmp, 'logs');
  mkdirSync(dir);
  // orders.log: pino JSON, one line every 2 s; "needle" at line 1235 (and a few more later).
  orders = join(dir, 'orders.log');
  const json: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const level = i % 50 === 0 ? 50 : 30;
    const msg = i === 1234 || i % 400 === 399 ? `found the needle in order ${i}` : `order ${i} placed`;
    json.push(JSON.stringify({ level, time: T0 + i * 2000, msg, event: 'order_placed', region: 'eu-west' }));
  }
  writeFileSync(orders, json.join('\n') + '\n');
  // billing.log: plain text with ISO times, one line every 3 s starting 1 s in.
  billing = join(dir, 'billing.log');
  const plain: string[] = [];
  for (let i = 0; i < 300; i++) plain.push(`${iso(T0 + 1000 + i * 3000)} INFO invoice ${i} charged`);
  writeFileSync(billing, plain.join('\n') + '\n');
});
afterAll(() => c?.close());

async function openFile(path: string): Promise<void> {
  const { page } = c;
  await page.goto(`${c.serve.origin}/#/logs?tab=files`);
  await page.getByLabel('Log file path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('heading', { name: 'Logs' }).waitFor();
}

describe('the log viewer, lnav-style', () => {
  it('shows JSON lines as columns: time, level, message and the other fields', async () => {
    const { page } = c;
    await openFile(orders);
    const count = page.getByTestId('file-count');
    await expect.poll(() => count.innerText()).toBe('2,000 lines');
    const first = page.getByRole('log', { name: 'File lines' }).locator('.log-line').first();
    await first.getByText('order 0 placed').waitFor();
    expect(await first.locator('[data-col="time"]').innerText()).toBe('2025-03-03 09:00:00.000');
    expect(await first.locator('[data-col="message"]').innerText()).toBe('order 0 placed');
    expect(await first.locator('[data-col="fields"]').innerText()).toMatch(/^event=order_placed\s*region=eu-west$/);
    expect(await first.locator('.lvl').innerText()).toMatch(/error/i);
    // Raw mode shows the line as written.
    await page.getByLabel('Columns').uncheck();
    await first.getByText('{"level":50,"time":').waitFor();
    await page.getByLabel('Columns').check();
  });

  it('draws a time histogram of the matches, and jumps from a hit to its surrounding lines', async () => {
    const { page } = c;
    await page.getByLabel('Search in file').fill('needle');
    await page.keyboard.press('Enter');
    const count = page.getByTestId('file-count');
    await expect.poll(() => count.innerText()).toBe('6 matches');
    const summary = page.getByTestId('histogram-summary');
    await expect.poll(() => summary.innerText()).toMatch(/^6 matches over time · 30 s per bar \(UTC\)$/);
    await page.getByRole('img', { name: 'matches per 30 s' }).locator('canvas').waitFor();

    const hits = page.getByRole('log', { name: 'File lines' });
    await hits.locator('.log-line', { hasText: 'found the needle in order 1234' }).click();
    await page.keyboard.press('Enter');
    const context = page.getByRole('region', { name: 'Context of line 1,235' });
    await context.getByText('lines 1,215–1,255').waitFor();
    await context.locator('.log-line', { hasText: 'order 1233 placed' }).waitFor();
    await context.locator('.log-line', { hasText: 'order 1236 placed' }).waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'logs-context.png') });

    await context.getByRole('button', { name: 'Show in whole file' }).click();
    await expect.poll(() => count.innerText()).toBe('2,000 lines');
    expect(await page.getByLabel('Search in file').inputValue()).toBe('');
    const selected = page.getByRole('log', { name: 'File lines' }).locator('.log-line[aria-selected="true"]');
    await selected.getByText('found the needle in order 1234').waitFor();
    await expect.poll(() => selected.isVisible()).toBe(true);
    await expect.poll(() => summary.innerText()).toMatch(/^2,000 lines over time · 1 min per bar \(UTC\)$/);
    await page.screenshot({ path: join(ROOT, 'docs', 'logs-histogram.png') });
  });

  it('merges two files (JSON and plain text) into one stream ordered by time', async () => {
    const { page } = c;
    await openFile(billing);
    await expect.poll(() => page.getByTestId('file-count').innerText()).toBe('300 lines');
    await page.getByRole('tab', { name: 'Merged by time' }).click();
    const files = page.getByRole('group', { name: 'Files to merge' });
    await files.getByLabel('orders.log').check();
    await files.getByLabel('billing.log').check();
    await files.getByRole('button', { name: 'Merge 2 files by time' }).click();
    const list = page.getByRole('log', { name: 'Merged lines' });
    await list.locator('.log-line').nth(5).waitFor();
    const rows = await list.locator('.log-line').evaluateAll((els) => els.slice(0, 6).map((e) => [e.querySelector('[data-col="file"]')?.textContent, e.querySelector('[data-col="message"]')?.textContent]));
    // orders at 0, 2, 4, 6 s; billing at 1, 4, 7 s (equal times keep the order the files were chosen in).
    expect(rows).toEqual([
      ['orders.log', 'order 0 placed'],
      ['billing.log', 'INFO invoice 0 charged'],
      ['orders.log', 'order 1 placed'],
      ['orders.log', 'order 2 placed'],
      ['billing.log', 'INFO invoice 1 charged'],
      ['orders.log', 'order 3 placed'],
    ]);
    await page.screenshot({ path: join(ROOT, 'docs', 'logs-merged.png') });
    // Scrolling to the end pages through both files: 2,300 lines in all.
    await list.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('End');
    await expect.poll(async () => { await page.keyboard.press('End'); return page.getByTestId('merged-count').innerText(); }, { timeout: 15_000 }).toBe('2,300 lines');
  });

  it('searches the app’s logs as you type, and a slow earlier answer never replaces a newer one', async () => {
    // A second tab whose WebSocket answers to one search are held back for a while.
    const page = await c.page.context().newPage();
    let slowId: number | null = null;
    let slowDelivered = false;
    await page.routeWebSocket(/\/rpc/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const f = JSON.parse(String(m)) as { kind: string; id: number; method?: string; input?: { text?: string } };
        if (f.kind === 'call' && f.method === 'logs.query' && f.input?.text === 'orders') slowId = f.id;
        server.send(m);
      });
      server.onMessage((m) => {
        const f = JSON.parse(String(m)) as { kind: string; id: number };
        if (f.kind === 'result' && f.id === slowId) {
          setTimeout(() => {
            ws.send(m);
            slowDelivered = true;
          }, 1500);
        } else ws.send(m);
      });
    });
    await page.goto(c.serve.url);
    await page.getByRole('status', { name: 'Core connected' }).waitFor();
    await page.goto(`${c.serve.origin}/#/logs`);
    const list = page.getByRole('log', { name: 'App log lines' });
    const search = page.getByLabel('Search app logs');
    // No Enter: the search runs once typing pauses.
    await search.pressSequentially('orders');
    await expect.poll(() => slowId).not.toBeNull();
    await search.fill('billing');
    await list.locator('.log-line', { hasText: 'billing.log' }).first().waitFor();
    await expect.poll(() => slowDelivered, { timeout: 10_000 }).toBe(true);
    // Give the late answer a moment to (wrongly) land, then check it did not.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    expect(await list.locator('.log-line', { hasText: 'orders.log' }).count()).toBe(0);
    expect(await list.locator('.log-line', { hasText: 'billing.log' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ROOT, 'docs', 'logs-app-search.png') });
    await page.close();
  });

  it('raised no errors in the page', () => {
    expect(c.errors).toEqual([]);
  });
});
