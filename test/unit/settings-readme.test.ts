import { describe, expect, it } from 'vitest';
import { Settings } from '../../src/shared/contract/settings.ts';
import { SETTING_LABELS } from '../../src/shared/setting-labels.ts';
import { readmeSettings } from '../helpers/readme-settings.ts';

// The README's settings table and the application settings agree both ways: every setting is in
// the README under its page label with the default it really has, and the README lists nothing
// else. (test/e2e/settings.test.ts holds the page to the same list.)
const sorted = (xs: string[]) => [...xs].sort();

/** How the README writes a scalar default: 8000 ms as "8 s", 1000 as "1,000", true as "on". */
function defaultText(key: keyof Settings, value: unknown): string | null {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return key.endsWith('Ms') ? `${(value / 1000).toLocaleString('en-US')} s` : value.toLocaleString('en-US');
  return null; // maps (thresholds, prices, rotation): their defaults are tables of their own
}

describe("the README's settings table", () => {
  const readme = readmeSettings();

  it('names every setting and nothing that is not one', () => {
    expect(Object.keys(SETTING_LABELS).sort()).toEqual(Object.keys(Settings.shape).sort());
    expect(sorted(readme.map((r) => r.label))).toEqual(sorted(Object.values(SETTING_LABELS)));
  });

  it('states the default each setting really has', () => {
    const defaults = Settings.parse({});
    const wrong: string[] = [];
    for (const [key, label] of Object.entries(SETTING_LABELS) as [keyof Settings, string][]) {
      const expected = defaultText(key, defaults[key]);
      if (expected === null) continue;
      const note = readme.find((r) => r.label === label)?.note ?? '';
      const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (!new RegExp(`(^|[^\\d,])${escaped}($|[^\\d,])`).test(note)) wrong.push(`${label}: README says "(${note})", the default is ${expected}`);
    }
    expect(wrong).toEqual([]);
  });
});
