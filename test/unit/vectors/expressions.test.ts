// Filter expressions and title truncation: pure functions, checked exactly.
import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../src/shared/errors.ts';
import { idsExpression } from '../../../src/main/vectors/filter.ts';
import { searchExpression, stringLiteral, truncateUtf8 } from '../../../src/main/vectors/index.ts';

describe('stringLiteral', () => {
  it('quotes and escapes quotes, backslashes and line breaks', () => {
    expect(stringLiteral('acme/widgets')).toBe('"acme/widgets"');
    expect(stringLiteral(`o'brien/"x"`)).toBe(`"o'brien/\\"x\\""`);
    expect(stringLiteral('a\\b')).toBe('"a\\\\b"');
    expect(stringLiteral('a\\"b')).toBe('"a\\\\\\"b"');
    expect(stringLiteral('line\nbreak\r\ttab')).toBe('"line\\nbreak\\r\\ttab"');
    expect(stringLiteral('ünï 🚀')).toBe('"ünï 🚀"');
    expect(stringLiteral('')).toBe('""');
  });

  it('refuses other control characters', () => {
    expect(() => stringLiteral('a\u0000b')).toThrow(OpsError);
    expect(() => stringLiteral('a\u001bb')).toThrow(/control character/);
  });
});

describe('searchExpression', () => {
  it('builds nothing, one or both conditions', () => {
    expect(searchExpression({})).toBe('');
    expect(searchExpression({ itemTypes: [] })).toBe('');
    expect(searchExpression({ repository: 'acme/widgets' })).toBe('repository == "acme/widgets"');
    expect(searchExpression({ itemTypes: ['pr', 'issue', 'pr'] })).toBe('item_type in ["pr", "issue"]');
    expect(searchExpression({ repositoryId: 1296269, itemTypes: ['issue'] })).toBe('repository_id == 1296269 and item_type in ["issue"]');
    expect(() => searchExpression({ repositoryId: 1.5 })).toThrow(/not a GitHub repository id/);
    expect(() => searchExpression({ repositoryId: Number.NaN })).toThrow(OpsError);
    expect(searchExpression({ repository: 'x" or id != "', itemTypes: ['discussion'] })).toBe('repository == "x\\" or id != \\"" and item_type in ["discussion"]');
  });

  it('refuses unknown item types and empty repositories', () => {
    expect(() => searchExpression({ itemTypes: ['pr', 'commit' as never] })).toThrow('Unknown item type "commit": use pr, issue, discussion.');
    expect(() => searchExpression({ itemTypes: ['pr" or "1" == "1' as never] })).toThrow(OpsError);
    expect(() => searchExpression({ repository: '' })).toThrow(/repository filter is empty/);
  });

  it('quotes every id of a delete', () => {
    expect(idsExpression(['pr:1', 'issue:"2"'])).toBe('id in ["pr:1", "issue:\\"2\\""]');
  });
});

describe('truncateUtf8', () => {
  it('leaves text within the budget alone', () => {
    expect(truncateUtf8('short', 10)).toBe('short');
    expect(truncateUtf8('é'.repeat(5), 10)).toBe('é'.repeat(5));
  });

  it('cuts at a character boundary and marks the cut', () => {
    const out = truncateUtf8('é'.repeat(10), 10);
    expect(out).toBe(`${'é'.repeat(3)}…`);
    expect(Buffer.byteLength(out)).toBe(9);
    const mixed = truncateUtf8('ab🚀cd', 7);
    expect(mixed).toBe('ab…');
    expect(Buffer.byteLength(truncateUtf8('a🚀🚀🚀', 9))).toBeLessThanOrEqual(9);
  });

  it('never splits a grapheme cluster (emoji with joiners and modifiers)', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 18 bytes
    const thumbs = '\u{1F44D}\u{1F3FD}'; // 8 bytes
    expect(truncateUtf8(`x${family}y`, 15)).toBe('x…');
    expect(truncateUtf8(`${thumbs}${thumbs}`, 14)).toBe(`${thumbs}…`);
  });

  it('replaces lone surrogates rather than emitting invalid UTF-8', () => {
    expect(truncateUtf8('a\uD800b', 100)).toBe('a\uFFFDb');
  });

  it('works at and below the size of the mark', () => {
    expect(truncateUtf8('abcdef', 3)).toBe('…');
    expect(truncateUtf8('abcdef', 2)).toBe('');
  });
});
