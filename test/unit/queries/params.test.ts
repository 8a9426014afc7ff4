import { describe, expect, it } from 'vitest';
import { bindParams, validateDeclaredParams } from '../../../src/main/queries/params.ts';
import type { QueryParam } from '../../../src/main/queries/types.ts';

const REPO = '3f1c2a4e-8b7d-4c1e-9f00-0123456789ab';
const declared: QueryParam[] = [
  { name: 'repository', type: 'repository', label: 'Repository' },
  { name: 'period', type: 'interval', label: 'Period', default: '30 days' },
  { name: 'limit', type: 'int', label: 'Rows', default: 25 },
  { name: 'since', type: 'date', label: 'From' },
  { name: 'owner', type: 'text', label: 'Owner', default: 'acme' },
];

describe('parameter binding', () => {
  it('binds in declared order, applies defaults and normalizes', () => {
    expect(bindParams(declared, { repository: REPO.toUpperCase(), since: '2024-02-29' })).toEqual([REPO, '30 days', '25', '2024-02-29', 'acme']);
    expect(bindParams(declared, { repository: REPO, period: ' 1 day   2 hours ', limit: '10', since: '2024-01-01', owner: '' })).toEqual([REPO, '1 day 2 hours', '10', '2024-01-01', 'acme']);
  });

  it('accepts the interval forms operators type', () => {
    for (const v of ['90 days', '5 minutes', '1 hour', '1.5 hours', '2 weeks', '3 mons', '1 year 2 months', '30s', '250 ms', 'P1D', 'PT15M', 'P1DT2H']) {
      expect(bindParams([declared[1]!], { period: v }), v).toEqual([v]);
    }
  });

  it('names the parameter and the expected form in every refusal', () => {
    const bad = (values: Record<string, unknown>) => () => bindParams(declared, { repository: REPO, since: '2024-01-01', ...values }, 'Activity');
    expect(bad({ repository: "' OR 1=1 --" })).toThrow('Parameter "repository" (Repository) for "Activity" must be a repository id (a uuid such as 3f1c…-…); got "\' OR 1=1 --".');
    expect(bad({ period: "1 day'; DROP TABLE comments; --" })).toThrow(/Parameter "period" \(Period\) for "Activity" must be an interval such as "30 days"/);
    expect(bad({ limit: '10; DELETE FROM issues' })).toThrow(/Parameter "limit" \(Rows\) for "Activity" must be a whole number/);
    expect(bad({ limit: 1.5 })).toThrow(/must be a whole number/);
    expect(bad({ since: '2023-02-29' })).toThrow('Parameter "since" (From) for "Activity" is not a calendar date; got "2023-02-29".');
    expect(bad({ since: '01/02/2024' })).toThrow(/must be a date as YYYY-MM-DD/);
    expect(bad({ owner: 'a\u0000b' })).toThrow(/must not contain NUL/);
    expect(bad({ owner: 'x'.repeat(10_001) })).toThrow(/at most 10000 characters/);
    expect(bad({ owner: { sql: 'x' } })).toThrow(/must be text/);
  });

  it('requires values without defaults and refuses unknown names', () => {
    expect(() => bindParams(declared, { since: '2024-01-01' })).toThrow('Parameter "repository" (Repository) is required: give a repository id (a uuid such as 3f1c…-…).');
    expect(() => bindParams(declared, { repository: REPO, since: '2024-01-01', repo: REPO })).toThrow('Unknown parameter "repo": it takes repository, period, limit, since, owner.');
    expect(() => bindParams([], { x: 1 }, 'Totals')).toThrow('Unknown parameter "x" for "Totals": it takes none.');
  });
});

describe('declared parameters (saved queries)', () => {
  const p = (name: string, type = 'text', extra: Partial<QueryParam> = {}) => ({ name, type, label: name, ...extra }) as QueryParam;

  it('accepts declarations that match $1…$n', () => {
    expect(() => validateDeclaredParams([p('a'), p('b', 'int', { default: 3 })], new Set([1, 2]))).not.toThrow();
    expect(() => validateDeclaredParams([], new Set())).not.toThrow();
  });

  it('refuses mismatches with the SQL', () => {
    expect(() => validateDeclaredParams([p('a')], new Set([1, 2]))).toThrow('The SQL uses $2 but only 1 parameter is declared.');
    expect(() => validateDeclaredParams([], new Set([1]))).toThrow('The SQL uses $1 but no parameters are declared.');
    expect(() => validateDeclaredParams([p('a'), p('b')], new Set([1]))).toThrow('Parameter "b" is declared as $2, but the SQL does not use $2.');
  });

  it('refuses bad names, types, labels and defaults', () => {
    expect(() => validateDeclaredParams([p('1x')], new Set([1]))).toThrow(/Parameter 1 needs a name/);
    expect(() => validateDeclaredParams([p('a'), p('A')], new Set([1, 2]))).toThrow('Parameter name "A" is declared twice.');
    expect(() => validateDeclaredParams([p('a', 'uuid')], new Set([1]))).toThrow('Parameter 1 ("a") has type "uuid": use one of repository, text, int, interval, date.');
    expect(() => validateDeclaredParams([{ name: 'a', type: 'text', label: ' ' }], new Set([1]))).toThrow(/needs a label/);
    expect(() => validateDeclaredParams([p('n', 'int', { default: 'ten' })], new Set([1]))).toThrow('The default of parameter "n" must be a whole number; got "ten".');
  });
});
