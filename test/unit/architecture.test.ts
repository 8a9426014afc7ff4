import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** Imports that exist at run time: `import type …` and `import { type A, type B }` vanish. */
export function valueImportsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"]([^'"]+)['"]/gm)) {
    if (m[1]) continue;
    const names = m[2]!.trim();
    const braced = /^\{([^}]*)\}$/.exec(names);
    if (braced && braced[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
    out.push(m[3]!);
  }
  for (const m of src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

/**
 * The core's layer map (in the spirit of VS Code's layer checker): a folder may import, at run
 * time, only from its own folder, `src/shared`, and folders of a LOWER layer. Type-only imports
 * are free. A new folder must be placed here; a same-layer or upward import is a design change
 * to make here, on purpose, not by accident.
 */
export const LAYERS: string[][] = [
  /* 1 platform */ ['store', 'logging', 'rpc', 'settings', 'profiles', 'secrets', 'jobs', 'lifecycle'],
  /* 2 clients of outside systems and local files */ ['warehouse', 'github', 'embeddings', 'vectors', 'log-files', 'rate-budgets'],
  /* 3 features on one system */ ['sync', 'health', 'queries', 'audit', 'costs'],
  /* 4 features on the synced data */ ['embedding-job', 'workspaces', 'health-service', 'etl', 'leaderboard', 'packs'],
  /* 5 operations across features */ ['backfill', 'runbooks', 'alerts', 'schedules', 'workers', 'systems', 'setup'],
  /* 6 composition root */ ['core'],
  /* 7 servers */ ['serve'],
  /* 8 entry points */ ['cli', 'electron'],
];

/** Deliberate exceptions: `from → to/file`, each with its reason. */
const EXCEPTIONS: Record<string, string> = {
  'health → core/version.ts': 'a leaf module (the package version), reported by health checks',
  'health-service → core/version.ts': 'the same leaf module',
  'cli → core/version.ts': 'the same leaf module',
  'systems → core/version.ts': 'the same leaf module',
  'workers → core/version.ts': 'the same leaf module (workers report their version)',
};

const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

/**
 * Features call each other through their services (the Services registry), not their internals.
 * Between the feature folders (layers 3–5) a run-time import may reach only the target's public
 * modules: its service module (the class and its job kinds) and libraries of pure functions and
 * constants. A feature's work — sync runs, reconciliation, repository lookups, embedding runs,
 * aggregation — is called through its service (e.g. sync.runWithin, sync.repository,
 * sync.reconcile, embeddings.embedWithin, workspaces.aggregate). '*': a library folder.
 */
export const PUBLIC: Record<string, readonly string[] | '*'> = {
  sync: ['sync-service.ts', 'plan.ts', 'cost.ts', 'follow-up-model.ts'],
  'embedding-job': ['embedding-service.ts', 'job-kinds.ts'],
  workspaces: ['workspace-service.ts'],
  health: '*',
  queries: ['index.ts'],
  packs: ['index.ts'],
  audit: ['audit-log.ts'],
};
const FEATURE_LAYERS = new Set([2, 3, 4]);

/** Deliberate reaches into another feature's modules: `from-file → folder/*`, each with its reason. */
const INTERNAL_EXCEPTIONS: Record<string, string> = {
  'src/main/backfill/estimate.ts → embedding-job/*': 'the estimate counts due items with the embedding job’s own read-only query',
};

/** Run-time imports from one feature folder into another's non-public modules. */
export function internalReaches(files: { file: string; imports: string[] }[]): string[] {
  const out: string[] = [];
  for (const { file, imports } of files) {
    const from = file.split('/')[2]!;
    if (!FEATURE_LAYERS.has(layerOf.get(from) ?? -1)) continue;
    for (const spec of imports) {
      if (!spec.startsWith('.')) continue;
      const target = relative(join(root, 'src'), resolve(dirname(join(root, file)), spec)).split('/');
      if (target[0] !== 'main') continue;
      const [to, rest] = [target[1]!, target.slice(2).join('/')];
      if (to === from || !FEATURE_LAYERS.has(layerOf.get(to) ?? -1)) continue;
      const pub = PUBLIC[to];
      if (pub === '*' || pub?.includes(rest)) continue;
      if (INTERNAL_EXCEPTIONS[`${file} → ${to}/*`]) continue;
      out.push(`${file} imports ${spec}: call ${to} through its service (public: ${pub ? pub.join(', ') : 'its service only'})`);
    }
  }
  return out;
}

describe('architecture rules', () => {
  const files = sourceFiles(join(root, 'src')).map((f) => relative(root, f));
  const mainFiles = files.filter((f) => f.startsWith('src/main/'));

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
    expect(valueImportsOf(join(root, 'src/main/core/compose.ts'))).toContain('../sync/feature.ts');
    expect(valueImportsOf(join(root, 'src/main/core/compose.ts'))).not.toContain('./services.ts');
  });

  it('every folder of the core has its place in the layer map', () => {
    const folders = new Set(mainFiles.map((f) => f.split('/')[2]!).filter((f) => !f.endsWith('.ts')));
    expect([...folders].filter((f) => !layerOf.has(f)).sort()).toEqual([]);
  });

  it('run-time imports only go down the layer map', () => {
    const violations: string[] = [];
    for (const f of mainFiles) {
      const from = f.split('/')[2]!;
      for (const spec of valueImportsOf(join(root, f))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(join(root, 'src'), resolve(dirname(join(root, f)), spec)).split('/');
        if (target[0] !== 'main') continue; // shared, or package.json of the version module
        const to = target[1]!;
        if (to === from) continue;
        if (EXCEPTIONS[`${from} → ${to}/${target.slice(2).join('/')}`]) continue;
        if (!(layerOf.get(to)! < layerOf.get(from)!)) violations.push(`${f} imports ${spec} (${from} may not depend on ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('features reach each other only through their services and public modules', () => {
    expect(internalReaches(mainFiles.map((f) => ({ file: f, imports: valueImportsOf(join(root, f)) })))).toEqual([]);
  });

  it('the feature rule catches the backfill job reaching into sync and embedding internals', () => {
    const job = 'src/main/backfill/backfill-job.ts';
    const reaches = internalReaches([{ file: job, imports: ['../sync/runner.ts', '../sync/reconcile.ts', '../sync/repositories.ts', '../embedding-job/embed-job.ts', '../workspaces/aggregate.ts', '../sync/sync-service.ts', '../health/index.ts', '../warehouse/pool.ts'] }]);
    expect(reaches.map((r) => r.split(':')[0])).toEqual(['../sync/runner.ts', '../sync/reconcile.ts', '../sync/repositories.ts', '../embedding-job/embed-job.ts', '../workspaces/aggregate.ts'].map((spec) => `${job} imports ${spec}`));
    // The job itself imports none of them (type imports of the services are free).
    expect(valueImportsOf(join(root, job)).filter((i) => /\/(sync|embedding-job|workspaces)\//.test(i))).toEqual([]);
  });

  it('the core has no run-time import cycles between files', () => {
    const graph = new Map<string, string[]>();
    for (const f of mainFiles) {
      graph.set(f, valueImportsOf(join(root, f)).filter((s) => s.startsWith('.')).map((s) => relative(root, resolve(dirname(join(root, f)), s))).filter((t) => t.startsWith('src/main/')));
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
