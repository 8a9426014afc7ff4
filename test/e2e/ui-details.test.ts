import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { closedPort } from '../helpers/http-fixtures.ts';
import { ROOT, wsClient } from '../helpers/serve-process.ts';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

const WIDE_SQL = "SELECT g AS n, md5(g::text) AS hash, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 5 END AS bucket, repeat('wide ', 60) || g AS wide_text, repeat('x', 120) AS more FROM generate_series(1, 50) g";

describe('keyboard, command palette and the query grid', () => {
  it('goes to the page of a bare digit, as the sidebar badges show', async () => {
    const { page } = c;
    await page.locator('body').click({ position: { x: 700, y: 500 } });
    await page.keyboard.press('7');
    await page.getByRole('heading', { name: 'Queries', level: 1 }).waitFor();
    await page.keyboard.press('6');
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    // Typing a digit in a text field stays typing.
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByLabel('Log file path').fill('');
    await page.getByLabel('Log file path').press('3');
    expect(await page.getByLabel('Log file path').inputValue()).toBe('3');
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
  });

  it('runs actions from the command palette: health checks, a catalogue query, secrets', async () => {
    const { page } = c;
    const api = wsClient(c.serve.origin, c.serve.token);
    try {
      await api.opened;
      const before = (await api.ops.health.latest()).run?.results[0]?.checkedAt ?? '';
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox').fill('run health');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Health', level: 1 }).waitFor();
      await expect.poll(async () => (await api.ops.health.latest()).run?.results[0]?.checkedAt ?? '', { timeout: 30_000 }).not.toBe(before);
    } finally {
      api.close();
    }

    await page.keyboard.press('Control+k');
    await page.getByRole('combobox').fill('run warehouse totals');
    await expect.poll(() => page.getByRole('option').allInnerTexts()).toEqual([expect.stringMatching(/^Run query: Warehouse totals/)]);
    await page.screenshot({ path: join(ROOT, 'docs', 'command-palette.png') });
    await page.keyboard.press('Enter');
    // The query runs by itself with its defaults.
    await page.getByRole('status', { name: 'Query result summary' }).waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/#\/queries\?id=/);

    await page.keyboard.press('Control+k');
    await page.getByRole('combobox').fill('secrets');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(page.url()).toContain('focus=secrets');
  });

  it('sorts and resizes result columns, keeps wide results inside their card, and says "1 row"', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/queries?id=sql-editor`);
    const editor = page.getByRole('textbox', { name: 'SQL' });
    await editor.fill('SELECT 1 AS one');
    await editor.press('Control+Enter');
    await expect.poll(() => page.getByRole('status', { name: 'SQL result summary' }).innerText()).toMatch(/^1 row · \d+ ms$/);

    await editor.fill(WIDE_SQL);
    await editor.press('Control+Enter');
    const grid = page.getByRole('grid', { name: 'SQL result' });
    await expect.poll(() => page.getByRole('status', { name: 'SQL result summary' }).innerText()).toMatch(/^50 rows/);
    const firstCell = (col: number) => grid.locator('[role="row"][aria-rowindex="1"] [role="gridcell"]').nth(col).innerText();
    expect(await firstCell(0)).toBe('1');

    // Sorting: ascending, descending, then back to the query's order; NULLs stay last.
    const header = (name: string) => grid.getByRole('columnheader').filter({ hasText: name });
    await header('n').getByRole('button').click();
    expect(await header('n').getAttribute('aria-sort')).toBe('ascending');
    await header('n').getByRole('button').click();
    expect(await header('n').getAttribute('aria-sort')).toBe('descending');
    expect(await firstCell(0)).toBe('50');
    await header('bucket').getByRole('button').click();
    expect(await firstCell(2)).toBe('0');
    await header('bucket').getByRole('button').click();
    expect(await firstCell(2)).toBe('4');
    await grid.focus();
    await page.keyboard.press('End');
    const last = grid.locator('[role="row"][aria-rowindex="50"] [role="gridcell"]').nth(2);
    expect(await last.innerText()).toBe('∅');

    // Resizing: drag a header's edge, or focus it and press the arrows.
    const hashHeader = header('hash');
    const w0 = (await hashHeader.boundingBox())!.width;
    const handle = page.getByRole('separator', { name: 'Resize column hash' });
    const hb = (await handle.boundingBox())!;
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(hb.x + 120, hb.y + hb.height / 2, { steps: 4 });
    await page.mouse.up();
    const w1 = (await hashHeader.boundingBox())!.width;
    expect(w1).toBeGreaterThan(w0 + 100);
    await handle.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect((await hashHeader.boundingBox())!.width).toBeCloseTo(w1 - 32, 0);
    // The cells follow the header.
    expect((await grid.locator('[role="row"][aria-rowindex="50"] [role="gridcell"]').nth(1).boundingBox())!.width).toBeCloseTo(w1 - 32, 0);

    // A result wider than the page scrolls inside its card instead of overflowing the page.
    const card = (await grid.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(card.x + card.width).toBeLessThanOrEqual(viewport.width);
    expect(await grid.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    // The filter boxes keep their height however long the list beside them is.
    expect((await page.getByLabel('Filter tables').boundingBox())!.height).toBeGreaterThanOrEqual(26);
    expect((await page.getByLabel('Filter queries').boundingBox())!.height).toBeGreaterThanOrEqual(26);
    await page.screenshot({ path: join(ROOT, 'docs', 'query-grid.png') });
  });

});

describe('health cards and runbooks', () => {
  it('a DOWN card links to its runbook', async () => {
    const { page } = c;
    const api = wsClient(c.serve.origin, c.serve.token);
    try {
      await api.opened;
      const profile = await api.ops.profiles.create({ name: 'ui', httpServices: [{ name: 'Closed', url: `http://127.0.0.1:${await closedPort()}/health` }] });
      await api.ops.profiles.activate({ id: profile.id });
    } finally {
      api.close();
    }
    await page.goto(`${c.serve.origin}/#/health`);
    await page.getByRole('button', { name: 'Run checks' }).click();
    const card = page.getByRole('region', { name: 'Closed health' });
    await expect.poll(() => card.innerText(), { timeout: 30_000 }).toMatch(/\bdown\b/i);
    const link = card.getByRole('link', { name: 'Open the runbook for Closed' });
    expect(await link.innerText()).toMatch(/^Open the runbook: .+ →$/);
    // A healthy card offers none; its details read as "key value" rows, not JSON.
    const postgres = page.getByRole('region', { name: 'Postgres (embedded) health' });
    expect(await postgres.getByRole('link', { name: /Open the runbook/ }).count()).toBe(0);
    await postgres.getByRole('button', { name: 'Details' }).click();
    const details = postgres.locator('dl.kv');
    await details.waitFor();
    expect(await details.locator('dt').count()).toBeGreaterThan(1);
    expect(await details.innerText()).not.toMatch(/[{[]\s*"|":/);
    expect(await details.innerText()).toMatch(/version num\s+\d{6}\n/);
    expect(await details.innerText()).toMatch(/size bytes\s+[\d.]+ [KMG]i?B\n/);
    await page.screenshot({ path: join(ROOT, 'docs', 'health-down-runbook.png') });
    await link.click();
    await page.waitForURL(/#\/runbooks\/[a-z-]+$/);
    await page.getByRole('region', { name: /^Runbook / }).getByRole('button', { name: 'Start a run' }).waitFor();
  });

  it('a wide runbook result scrolls inside its step instead of widening the page', async () => {
    const { page } = c;
    await page.setViewportSize({ width: 1024, height: 800 });
    try {
      await page.goto(`${c.serve.origin}/#/runbooks/maintenance-vacuum`);
      const book = page.getByRole('region', { name: 'Runbook Maintenance: VACUUM ANALYZE' });
      await book.getByRole('button', { name: 'Start a run' }).click();
      const step = book.locator('li[data-step="stats"]');
      await step.getByRole('button', { name: 'Run' }).click();
      await expect.poll(() => step.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('done');
      expect(await step.innerText()).toMatch(/\d+ rows? in \d+ ms/);
      expect(await step.innerText()).not.toMatch(/row\(s\)/);
      const grid = step.getByRole('grid');
      // The result is wider than the step (so it scrolls inside), and the page is not wider than the window.
      expect(await grid.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      const box = (await grid.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1024);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await page.screenshot({ path: join(ROOT, 'docs', 'runbook-wide-result.png') });
    } finally {
      await page.setViewportSize({ width: 1400, height: 860 });
    }
  });
});

describe('column headers', () => {
  it('are never cut off ("PRs 4(") on the pages with tables', async () => {
    const { page } = c;
    const cut: string[] = [];
    for (const path of ['/repositories', '/jobs', '/alerts', '/costs', '/schedules', '/leaderboard', '/engineers', '/shipped', '/queries?id=sql-editor']) {
      await page.goto(`${c.serve.origin}/#${path}`);
      await page.locator('main h1').first().waitFor();
      if (path.startsWith('/queries')) {
        await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT 1 AS prs, 2 AS merged_prs, 3 AS contributors_in_repo, 4 AS n');
        await page.getByRole('textbox', { name: 'SQL' }).press('Control+Enter');
        await page.getByRole('grid', { name: 'SQL result' }).waitFor();
        await page.getByRole('grid', { name: 'SQL result' }).getByRole('columnheader').first().getByRole('button').click();
      } else {
        await page.waitForTimeout(500);
      }
      const headers = page.locator('[role="columnheader"], table th');
      expect(await headers.count(), path).toBeGreaterThan(0);
      if (path === '/leaderboard') await page.screenshot({ path: join(ROOT, 'docs', 'leaderboard-headers.png') });
      cut.push(...(await headers.evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent ?? ''))).map((h) => `${path}: ${h}`));
    }
    expect(cut).toEqual([]);
  });
});

describe('the page', () => {
  it('raised no errors in the page', () => {
    expect(c.errors).toEqual([]);
  });
});
