import { readFileSync } from 'node:fs';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { makeText, seededRandom } from './fixtures.ts';
import { encodeText } from './tokenizer.ts';

const reference = (s: string): number[] => encode(s, { disallowedSpecial: new Set() });

const EDGE_CASES = [
  "I'm sure they'll say it's what we've done; you'd think they're RIGHT'S owners. 'sup 'S 'LL 'Ve 'rE",
  'spaces   between  words \t tabs\t\tand\n\nnewlines\r\n\r\nCRLF  \n  \n trailing   ',
  'digits 1 12 123 1234 12345678901 3.14159 -42 1e10 0x1F',
  'punct!!! ?? ... --- (parens) [brackets] {braces} <|endoftext|> <|fim_prefix|> @user #123 $HOME ~/x',
  'unicode: café naïve façade Straße Ωμέγα Привет мир 中文字符 日本語テキスト 한국어 العربية हिन्दी',
  'emoji 😀👍🏽🚀 flags 🇺🇸 zwj 👩‍💻 math 𝐀𝐁𝐂 𝟏𝟐𝟑 fractions ½ ² ③ Ⅻ',
  'combining e\u0301 a\u0308 nbsp\u00a0here ideographic\u3000space line\u2028sep zero\u200bwidth',
  'lone surrogates \ud800 and \udc00 mid\ud83dword',
  '='.repeat(300) + '\n' + ' '.repeat(50) + 'x' + '\n'.repeat(7),
  'camelCaseIdentifier snake_case_name SCREAMING_CASE kebab-case-name path/to/file.ts:123:45',
  '',
  ' ',
  '\n',
  "'",
  "x'",
];

describe('cl100k tokenizer', () => {
  it('matches gpt-tokenizer on edge cases', () => {
    for (const s of EDGE_CASES) expect(encodeText(s), JSON.stringify(s)).toEqual(reference(s));
  });

  it('matches gpt-tokenizer on source code and generated prose', () => {
    const code = ['tokenizer.ts', 'server.ts', 'errors.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8'));
    const prose = Array.from({ length: 200 }, (_, i) => makeText(i + 1, i, 120));
    for (const s of [...code, ...prose]) expect(encodeText(s)).toEqual(reference(s));
  });

  it('matches gpt-tokenizer on seeded random strings', () => {
    const alphabet = ['a', 'Z', 's', 'S', 't', 'l', 'L', 'e', 'v', 'r', 'd', 'm', "'", ' ', '  ', '\t', '\n', '\r', '\r\n', '0', '7', '.', ',', '!', '_', '-', '/', '"', '\v', '\f', '<|endoftext|>', 'é', 'ß', '中', '٣', '²', '\u00a0', '\u2028', '\u3000', '😀', '👍🏽', '𝐀', '\ud800', '\u0301', 'ñ'];
    const random = seededRandom(42);
    for (let k = 0; k < 3000; k++) {
      let s = '';
      for (let i = 1 + Math.floor(random() * 24); i > 0; i--) s += alphabet[Math.floor(random() * alphabet.length)];
      expect(encodeText(s), JSON.stringify(s)).toEqual(reference(s));
    }
  });

  it('merges byte-order marks like tiktoken (gpt-tokenizer cannot: its TextDecoder drops the BOM)', () => {
    expect(encodeText('\ufeff')).toEqual([3305]);
    expect(encodeText('\ufeffusing System;')).toEqual([4117, ...reference(' System;')]);
    expect(reference('\ufeff')).toEqual([171, 3299]);
  });

  it('tokenizes very long pieces quickly and exactly', () => {
    const random = seededRandom(5);
    let letters = '';
    for (let i = 0; i < 3000; i++) letters += String.fromCharCode(97 + Math.floor(random() * 26));
    const cjk = '在调度器中修复了一个竞争条件当两个工作者同时声明同一个作业租约时'.repeat(30);
    for (const s of [letters, cjk, '='.repeat(2000), '😀'.repeat(500)]) expect(encodeText(s)).toEqual(reference(s));
    const started = performance.now();
    expect(encodeText(letters.repeat(20)).length).toBeGreaterThan(10_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('gives the same tokens when a text is encoded again (cache hits)', () => {
    const s = makeText(7, 3, 300) + ' zqxjvk wvpthrm';
    expect(encodeText(s)).toEqual(encodeText(s));
    expect(encodeText(s)).toEqual(reference(s));
  });
});
