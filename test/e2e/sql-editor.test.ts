import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from '../helpers/e2e.ts';
import { ROOT } from '../helpers/serve-process.ts';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(() => c?.close());

describe('the SQL editor on the Queries page', () => {
  it('browses the schema, runs SQL read-only, explains it and refuses a write', async () => {
    const { page } = c;
    await page.goto(`${c.serve.origin}/#/queries?id=sql-editor`);
    const browser = page.getByRole('navigation', { name: 'Schema browser' });
    await browser.getByRole('button', { name: /repo_ops\.repositories/ }).click({ timeout: 60_000 });
    await page.getByRole('list', { name: 'Columns of repo_ops.repositories' }).getByText('full_name').waitFor();
    const editor = page.getByRole('textbox', { name: 'SQL' });
    await editor.fill("SELECT 'widgets' AS name, 2 + 2 AS four");
    await editor.press('Control+Enter');
    await expect.poll(() => page.getByRole('grid', { name: 'SQL result' }).innerText()).toMatch(/widgets\s+4/);
    await page.getByRole('button', { name: /^Explain/ }).first().click();
    await expect.poll(() => page.getByLabel('Query plan').innerText()).toMatch(/Result/);
    await page.screenshot({ path: join(ROOT, 'docs', 'sql-editor.png') });
    await editor.fill('DELETE FROM repositories');
    await page.getByRole('button', { name: /^Run/ }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText()).toMatch(/writes/);
    expect(c.errors).toEqual([]);
  });
});
