import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../src/main/queries/csv.ts';

/** A strict RFC 4180 reader (CRLF records, quoted fields), to check the writer round-trips. */
function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: (string | null)[] = [];
    for (;;) {
      if (text[i] === '"') {
        let s = '';
        i++;
        for (;;) {
          if (text[i] === '"' && text[i + 1] === '"') {
            s += '"';
            i += 2;
          } else if (text[i] === '"') break;
          else s += text[i++];
        }
        i++;
        record.push(s);
      } else {
        const end = text.slice(i).search(/,|\r\n/);
        const raw = text.slice(i, i + end);
        i += end;
        record.push(raw === '' ? null : raw);
      }
      if (text[i] === ',') i++;
      else if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      } else throw new Error(`bad CSV at ${i}`);
    }
    records.push(record);
  }
  return records;
}

describe('CSV export', () => {
  const columns = [{ name: 'name', type: 'text' }, { name: 'n', type: 'bigint' }, { name: 'note, with comma', type: 'text' }];

  it('writes a header and CRLF-terminated records', () => {
    expect(toCsv({ columns, rows: [['a', 1, 'x'], ['b', 2, 'y']] })).toBe('name,n,"note, with comma"\r\na,1,x\r\nb,2,y\r\n');
    expect(toCsv({ columns, rows: [] }, { header: false })).toBe('');
  });

  it('quotes commas, quotes and line breaks; doubles quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('plain é ✓')).toBe('plain é ✓');
  });

  it('tells NULL (empty) from the empty string ("")', () => {
    expect(toCsv({ columns: [{ name: 'a', type: 'text' }, { name: 'b', type: 'text' }], rows: [[null, '']] }, { header: false })).toBe(',""\r\n');
  });

  it('writes numbers, booleans, arrays and JSON values', () => {
    const row = [1.5, true, [1, null, 'a,b'], { k: 'v "q"' }, '2024-01-20T16:45:00.123456Z'];
    expect(toCsv({ columns: row.map((_, i) => ({ name: `c${i}`, type: 'x' })), rows: [row] }, { header: false })).toBe('1.5,true,"[1,null,""a,b""]","{""k"":""v \\""q\\""""}",2024-01-20T16:45:00.123456Z\r\n');
  });

  it('round-trips through an RFC 4180 reader', () => {
    const rows = [
      ['Fix "quoted" title', 3, 'line one\r\nline two'],
      ['=HYPERLINK("x")', null, ''],
      [',', 0, '"'],
    ];
    const parsed = parseCsv(toCsv({ columns, rows }));
    expect(parsed[0]).toEqual(['name', 'n', 'note, with comma']);
    expect(parsed.slice(1)).toEqual([
      ['Fix "quoted" title', '3', 'line one\r\nline two'],
      ['=HYPERLINK("x")', null, ''],
      [',', '0', '"'],
    ]);
  });

  it('optionally adds a BOM and defuses spreadsheet formulas', () => {
    const csv = toCsv({ columns: [{ name: 'title', type: 'text' }], rows: [['=1+1'], ['-2'], ['@x'], ['ok']] }, { bom: true, neutralizeFormulas: true });
    expect(csv).toBe("\uFEFFtitle\r\n'=1+1\r\n'-2\r\n'@x\r\nok\r\n");
    // Numbers are data, not formulas.
    expect(toCsv({ columns: [{ name: 'n', type: 'int' }], rows: [[-2]] }, { header: false, neutralizeFormulas: true })).toBe('-2\r\n');
  });
});
