import { describe, expect, it } from 'vitest';
import { makeText } from '../../emulators/openai/fixtures.ts';
import { encodeText } from '../../emulators/openai/tokenizer.ts';
import { cleanMarkdown } from '../../../src/main/embeddings/clean.ts';
import { MAX_INPUT_TOKENS } from '../../../src/main/embeddings/models.ts';
import { contentHash, countTokens, embeddingText, needsEmbedding, prepareEmbeddingText } from '../../../src/main/embeddings/text.ts';
import { collect, embedderFor, emulator } from './helpers.ts';

const PR_BODY = `<!-- Please describe your change -->
## Summary\r\n\r\nFixes the   retry\tloop in [the scheduler](https://github.com/o/r/blob/main/s.ts "title") when\u0000 leases expire.\u0007

![screenshot](https://user-images.githubusercontent.com/1/2.png)
[![CI](https://img.shields.io/badge.svg)](https://ci.example.com)

<details>
<summary>Stack trace</summary>

\`\`\`
Error: boom
    at x (y.ts:1:2)
\`\`\`
</details>

Returns \`Option<Vec<u8>>\` &amp; keeps <b>bold</b> text.<br/>See <https://example.com/docs> and [docs][1].



[1]: https://example.com/ref
`;

describe('cleanMarkdown', () => {
  it('keeps what a reader sees and drops markup, URLs, images and collapsed noise', () => {
    expect(cleanMarkdown(PR_BODY)).toBe(
      '## Summary\n\nFixes the retry loop in the scheduler when leases expire.\n\nStack trace\n\nReturns `Option<Vec<u8>>` & keeps bold text. See https://example.com/docs and docs.',
    );
  });

  it('peels nested <details> from the inside and keeps only summaries', () => {
    const s = '<details><summary>Outer</summary>a <details><summary>Inner</summary>log log</details> b</details>after';
    expect(cleanMarkdown(s)).toBe('Outer\nafter');
  });

  it('drops control characters, BOMs and lone surrogates but keeps emoji and non-Latin text', () => {
    expect(cleanMarkdown('\uFEFFa\u0000b\u001Fc\u0085d \uD800x \u{1F600} 日本語')).toBe('abcd x 😀 日本語');
  });

  it('breaks runs no tokenizer should see whole (base64 blobs) so tokenizing stays fast', () => {
    const blob = 'Q'.repeat(1200);
    const cleaned = cleanMarkdown(`data ${blob} end`);
    expect(cleaned.replace(/ /g, '')).toBe(`data${blob}end`);
    expect(Math.max(...cleaned.split(' ').map((w) => w.length))).toBeLessThanOrEqual(500);
  });
});

describe('embeddingText', () => {
  it('labels the type and joins cleaned title and body', () => {
    expect(embeddingText({ type: 'pr', title: ' Fix\n<b>retry</b> loop ', body: 'Body <!-- hidden --> text' })).toBe('Pull request: Fix retry loop\n\nBody text');
    expect(embeddingText({ type: 'issue', title: 'Crash', body: '' })).toBe('Issue: Crash');
    expect(embeddingText({ type: 'discussion', title: '', body: null })).toBe('Discussion: (untitled)');
  });

  it('truncates a 100k-token body to the budget with a real tokenizer, fast, and the API accepts it', async () => {
    const body = Array.from({ length: 80 }, (_, i) => makeText(i + 1, i, 1300)).join('\n\n');
    expect(countTokens(body)).toBeGreaterThan(100_000);
    const started = performance.now();
    const prepared = prepareEmbeddingText({ type: 'issue', title: 'Huge log', body });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(prepared.truncated).toBe(true);
    expect(prepared.tokens).toBe(countTokens(prepared.text));
    expect(prepared.tokens).toBeLessThanOrEqual(8000);
    expect(prepared.tokens).toBeGreaterThan(7950);
    expect(`Issue: Huge log\n\n${cleanMarkdown(body)}`.startsWith(prepared.text)).toBe(true);
    // What was cut is measured, not guessed: the whole text's tokens.
    expect(prepared.originalTokens).toBe(countTokens(`Issue: Huge log\n\n${cleanMarkdown(body)}`));

    const emu = await emulator();
    const run = await collect(embedderFor(emu), [{ index: 0, items: [{ id: 'huge', ...prepared }], tokens: prepared.tokens }]);
    expect(run.error).toBeUndefined();
    expect(run.results[0].tokens).toBe(prepared.tokens);
    expect(emu.stats.billedTokens).toBe(prepared.tokens);
  });

  it('truncates dense text (CJK, emoji, symbols) to at most the limit without splitting characters', () => {
    for (const body of ['日本語のテキスト'.repeat(20_000), '😀'.repeat(30_000), '=#'.repeat(60_000)]) {
      const p = prepareEmbeddingText({ type: 'issue', title: 't', body }, MAX_INPUT_TOKENS);
      expect(p.tokens).toBeLessThanOrEqual(MAX_INPUT_TOKENS);
      expect(p.tokens).toBe(countTokens(p.text));
      expect(p.text).not.toMatch(/\uFFFD|[\uD800-\uDBFF]$/);
    }
  });

  it('rejects a budget over the API limit', () => {
    expect(() => prepareEmbeddingText({ type: 'pr', title: 'x' }, 9000)).toThrow(RangeError);
  });
});

describe('countTokens', () => {
  it('matches the emulator tokenizer (and so the billed usage), special tokens as plain text', () => {
    const texts = [makeText(3, 3, 400), 'hi <|endoftext|> there <|fim_prefix|>', 'naïve café — “quotes” 😀 日本語 ', "don't  stop\n\n\n  x", ''];
    for (const t of texts) expect(countTokens(t)).toBe(encodeText(t).length);
  });
});

describe('contentHash', () => {
  const text = 'Pull request: Fix retry loop';

  it('is a stable sha256 over text, model and dimensions', () => {
    const h = contentHash(text, 'text-embedding-3-small', 512);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(text, 'text-embedding-3-small', 512)).toBe(h);
    expect(contentHash(`${text}!`, 'text-embedding-3-small', 512)).not.toBe(h);
    expect(contentHash(text, 'text-embedding-3-large', 512)).not.toBe(h);
    expect(contentHash(text, 'text-embedding-3-small', 256)).not.toBe(h);
  });

  it('treats unset dimensions as the model native size', () => {
    expect(contentHash(text, 'text-embedding-3-small')).toBe(contentHash(text, 'text-embedding-3-small', 1536));
    expect(contentHash(text, 'text-embedding-3-large')).not.toBe(contentHash(text, 'text-embedding-3-small'));
    expect(contentHash(text, 'custom-model')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says when to embed again: nothing stored, or another hash', () => {
    const h = contentHash(text, 'text-embedding-3-small');
    expect(needsEmbedding(undefined, h)).toBe(true);
    expect(needsEmbedding(null, h)).toBe(true);
    expect(needsEmbedding(h, h)).toBe(false);
    expect(needsEmbedding(contentHash(text, 'text-embedding-3-small', 256), h)).toBe(true);
  });
});
