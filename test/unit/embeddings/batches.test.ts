import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../emulators/openai/fixtures.ts';
import { OpsError } from '../../../src/shared/errors.ts';
import { DEFAULT_MAX_INPUTS, packBatches } from '../../../src/main/embeddings/batches.ts';
import type { EmbedItem, PackLimits } from '../../../src/main/embeddings/batches.ts';

function randomItems(r: () => number, n: number, maxTokens: number): EmbedItem[] {
  // Mostly small, some near the per-input limit, like issue bodies.
  return Array.from({ length: n }, (_, i) => {
    const tokens = r() < 0.1 ? 1 + Math.floor(r() * maxTokens) : 1 + Math.floor(r() * 600);
    return { id: `i${i}`, text: 'x', tokens };
  });
}

describe('packBatches', () => {
  it('keeps every limit, the order, and closes a batch only when the next item does not fit (300 random cases)', () => {
    const r = seededRandom(42);
    for (let c = 0; c < 300; c++) {
      const limits: PackLimits = {
        maxInputs: 1 + Math.floor(r() * (c % 3 === 0 ? 2048 : 40)),
        maxTokens: c % 4 === 0 ? 300_000 : 8191 + Math.floor(r() * 50_000),
        maxTokensPerInput: 8191,
      };
      const items = randomItems(r, Math.floor(r() * 3000), 8191);
      const batches = packBatches(items, limits);
      // Plain checks, one expect per case: thousands of expect() calls would dominate the run time.
      const maxInputs = limits.maxInputs as number;
      const maxTokens = limits.maxTokens as number;
      const broken: string[] = [];
      const flat = batches.flatMap((b) => b.items);
      if (flat.length !== items.length || !flat.every((it, k) => it === items[k])) broken.push('order or membership');
      batches.forEach((b, i) => {
        const sum = b.items.reduce((t, it) => t + it.tokens, 0);
        if (b.index !== i) broken.push(`index ${i}`);
        if (b.items.length === 0 || b.items.length > maxInputs) broken.push(`inputs in ${i}`);
        if (b.tokens !== sum || b.tokens > maxTokens) broken.push(`tokens in ${i}`);
        const next = batches[i + 1]?.items[0];
        if (next && b.items.length < maxInputs && b.tokens + next.tokens <= maxTokens) broken.push(`closed early ${i}`);
      });
      expect(broken, `case ${c}`).toEqual([]);
      const again = packBatches(items, limits);
      expect(again.map((b) => b.items.length)).toEqual(batches.map((b) => b.items.length));
    }
  });

  it('defaults to the API limits with 256 inputs per request', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: String(i), text: 'x', tokens: 500 }));
    const batches = packBatches(items);
    expect(DEFAULT_MAX_INPUTS).toBe(256);
    expect(batches.map((b) => b.items.length)).toEqual([...Array(19).fill(256), 136]);
    const big = packBatches(Array.from({ length: 100 }, (_, i) => ({ id: String(i), text: 'x', tokens: 8191 })), { maxInputs: 2048 });
    expect(big.map((b) => b.items.length)).toEqual([36, 36, 28]); // 36 × 8,191 = 294,876 ≤ 300,000
  });

  it('names an input that is empty or over the per-input limit', () => {
    expect(() => packBatches([{ id: 'octo/repo#7', text: 'x', tokens: 8192 }])).toThrow(/"octo\/repo#7" has 8192 tokens/);
    expect(() => packBatches([{ id: 'e', text: '', tokens: 0 }])).toThrow(/"e" is empty/);
    expect(() => packBatches([{ id: 'big', text: 'x', tokens: 5000 }], { maxTokens: 4000 })).toThrow(OpsError);
  });

  it('rejects limits beyond what the API allows', () => {
    expect(() => packBatches([], { maxInputs: 2049 })).toThrow(/maxInputs/);
    expect(() => packBatches([], { maxTokens: 300_001 })).toThrow(/maxTokens/);
    expect(() => packBatches([], { maxTokensPerInput: 0 })).toThrow(/maxTokensPerInput/);
    expect(packBatches([])).toEqual([]);
  });
});
