import { describe, expect, it } from 'vitest';
import { BUILTIN_TYPES, convertValue, parseArrayLiteral, typeName } from '../../../src/main/queries/pg-values.ts';

const v = (oid: number, text: string | null) => convertValue(oid, text, BUILTIN_TYPES);

describe('Postgres text values → JSON-safe values', () => {
  it('keeps integers exact: numbers while safe, strings beyond', () => {
    expect(v(20, '42')).toBe(42);
    expect(v(20, '9007199254740993')).toBe('9007199254740993');
    expect(v(1700, '66.67')).toBe(66.67);
    expect(v(1700, '100.00')).toBe(100);
    expect(v(1700, '12345678901234567890.5')).toBe('12345678901234567890.5');
    expect(v(1700, 'NaN')).toBe('NaN');
    expect(v(701, 'Infinity')).toBe('Infinity');
    expect(v(700, '0.1')).toBe(0.1);
  });

  it('writes timestamps as ISO 8601 with their microseconds', () => {
    expect(v(1184, '2024-01-20 16:45:00.123456+00')).toBe('2024-01-20T16:45:00.123456Z');
    expect(v(1184, '2024-01-20 16:45:00+00')).toBe('2024-01-20T16:45:00Z');
    expect(v(1114, '2024-01-20 16:45:00')).toBe('2024-01-20T16:45:00');
    expect(v(1184, 'infinity')).toBe('infinity');
    expect(v(1082, '2024-01-20')).toBe('2024-01-20');
  });

  it('parses booleans, JSON and leaves bytea as hex', () => {
    expect(v(16, 't')).toBe(true);
    expect(v(16, 'f')).toBe(false);
    expect(v(3802, '{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    expect(v(17, '\\xdeadbeef')).toBe('\\xdeadbeef');
    expect(v(25, null)).toBeNull();
  });

  it('parses array literals, quoted, NULL, nested and with bounds', () => {
    expect(parseArrayLiteral('{}')).toEqual([]);
    expect(parseArrayLiteral('{1,NULL,3}')).toEqual(['1', null, '3']);
    expect(parseArrayLiteral('{"a b","c\\"d","NULL",e}')).toEqual(['a b', 'c"d', 'NULL', 'e']);
    expect(parseArrayLiteral('{{1,2},{3,4}}')).toEqual([['1', '2'], ['3', '4']]);
    expect(parseArrayLiteral('[0:1]={7,8}')).toEqual(['7', '8']);
    expect(v(1007, '{1,NULL,3}')).toEqual([1, null, 3]);
    expect(v(1021, '{0.5,-1.25}')).toEqual([0.5, -1.25]);
    expect(v(1185, '{"2024-01-01 00:00:00+00"}')).toEqual(['2024-01-01T00:00:00Z']);
  });

  it('names types as format_type does', () => {
    expect(typeName(1184, BUILTIN_TYPES)).toBe('timestamp with time zone');
    expect(typeName(1021, BUILTIN_TYPES)).toBe('real[]');
    expect(typeName(99999, BUILTIN_TYPES)).toBe('oid 99999');
  });
});
