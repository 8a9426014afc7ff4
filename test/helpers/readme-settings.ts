import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ReadmeSetting {
  label: string;
  /** The parenthesised text after the label: the default the README states. */
  note: string;
}

/** The settings the README promises: every **bold** label of its "Settings page (defaults)" row, with its note. */
export function readmeSettings(): ReadmeSetting[] {
  const row = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('| Settings page (defaults'));
  if (!row) throw new Error('README.md has no "Settings page (defaults)" row in its configuration table');
  return [...row.matchAll(/\*\*([^*]+)\*\*(?:\s*\(([^)]*)\))?/g)].map((m) => ({ label: m[1]!, note: m[2] ?? '' }));
}
