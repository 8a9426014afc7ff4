import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

describe('architecture rules', () => {
  const files = sourceFiles(join(root, 'src')).map((f) => relative(root, f));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('src/main/electron/main.ts');
  });

  it('only src/main/electron/ and src/preload/ import electron', () => {
    const offenders = files.filter((f) => !f.startsWith('src/main/electron/') && !f.startsWith('src/preload/') && importsOf(join(root, f)).some((i) => i === 'electron' || i.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('the Electron shell really is where electron is used', () => {
    expect(importsOf(join(root, 'src/main/electron/main.ts'))).toContain('electron');
    expect(importsOf(join(root, 'src/preload/index.ts'))).toContain('electron');
  });

  it('the renderer never imports main-process code', () => {
    const offenders = files.filter((f) => f.startsWith('src/renderer/') && importsOf(join(root, f)).some((i) => /(^|\/)main\//.test(i) && i.startsWith('.')));
    expect(offenders).toEqual([]);
  });

  it('shared code imports neither main nor renderer', () => {
    const offenders = files.filter((f) => f.startsWith('src/shared/') && importsOf(join(root, f)).some((i) => i.includes('/main/') || i.includes('/renderer/')));
    expect(offenders).toEqual([]);
  });

  it('the checker itself catches a violation', () => {
    expect(importsOf(join(root, 'src/main/electron/window.ts')).some((i) => i === 'electron')).toBe(true);
  });
});
