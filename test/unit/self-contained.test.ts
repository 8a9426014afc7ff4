// The repository stands on its own: no source, test, benchmark or script refers to a file by an
// absolute path of some development machine (it would exist nowhere else).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve-process.ts';

// Home and workspace directories of Linux, macOS and Windows machines, and this team's /work tree.
const MACHINE_PATH = /(?<![\w.:-])(?:\/work\/|\/home\/[a-z_][\w-]*\/|\/Users\/[\w.-]+\/|[A-Za-z]:\\\\?Users\\\\?)/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.(ts|tsx|js|mjs|cjs|sh|json|sql)$/.test(e.name) ? [p] : [];
  });
}

describe('self-contained repository', () => {
  it('has no absolute machine paths in src/, test/, bench/ or scripts/', () => {
    const offenders = ['src', 'test', 'bench', 'scripts'].flatMap((d) => files(join(ROOT, d))).flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (MACHINE_PATH.test(line) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('the check catches what it is for', () => {
    // The examples are put together from their parts: written out, they would be what this file forbids.
    const path = (...parts: string[]) => parts.join('/');
    const bad = [`readdirSync('${path('', 'work', 'shared', 'seeds')}')`, `// see ${path('', 'home', 'alice', 'notes.md')}`, `'${path('', 'Users', 'bob', 'repo', 'x.ts')}'`, ['C:', 'Users', 'carol', 'x'].join('\\')];
    const ok = ['/var/lib/repo-ops/clusters', path('https:', '', 'github.com', 'work', 'x'), 'docs/runbooks/x.md', 'under /root', '/tmp/x'];
    for (const line of bad) expect(MACHINE_PATH.test(line), line).toBe(true);
    for (const line of ok) expect(MACHINE_PATH.test(line), line).toBe(false);
  });
});
