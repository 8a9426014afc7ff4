import { describe, expect, it } from 'vitest';
import { editText, makeText } from './fixtures.ts';
import { cosine } from './http.ts';
import { encodeText } from './tokenizer.ts';
import { embedTokens, modelSeed, toBase64, toJsonArray } from './vectors.ts';

const SMALL = modelSeed('text-embedding-3-small');
const vec = (text: string, dims = 1536, seed = SMALL): Float32Array => embedTokens(encodeText(text), seed, dims);
const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('deterministic vectors', () => {
  it('gives the same text the identical vector', () => {
    const t = makeText(1, 0, 200);
    expect(Array.from(vec(t))).toEqual(Array.from(vec(t)));
  });

  it('is unit length at every width', () => {
    for (const dims of [1, 2, 8, 64, 256, 1536, 3072]) {
      for (const t of ['x', 'hello world', makeText(dims, 1, 400)]) expect(norm(vec(t, dims))).toBeCloseTo(1, 5);
    }
  });

  it('differs between models', () => {
    const t = makeText(3, 2, 100);
    expect(cosine(vec(t), vec(t, 1536, modelSeed('text-embedding-ada-002')))).toBeLessThan(0.2);
  });

  it('puts an edited copy much nearer its original than any unrelated text', () => {
    const originals = Array.from({ length: 8 }, (_, i) => makeText(100 + i, i, 300));
    for (const [i, original] of originals.entries()) {
      const edited = editText(original, 500 + i, 8);
      expect(edited).not.toBe(original);
      const near = cosine(vec(original), vec(edited));
      expect(near).toBeGreaterThan(0.9);
      for (const [j, other] of originals.entries()) {
        if (j !== i) expect(cosine(vec(original), vec(other))).toBeLessThan(near - 0.3);
      }
    }
  });

  it('keeps the similarity ordering at reduced dimensions', () => {
    const a = makeText(11, 4, 300);
    const b = makeText(12, 6, 300);
    for (const dims of [64, 256, 512]) {
      expect(cosine(vec(a, dims), vec(editText(a, 1, 8), dims))).toBeGreaterThan(cosine(vec(a, dims), vec(b, dims)) + 0.3);
    }
  });

  it('ranks a text on the same topic above one on another topic', () => {
    const a = makeText(21, 3, 300);
    expect(cosine(vec(a), vec(makeText(22, 3, 300)))).toBeGreaterThan(cosine(vec(a), vec(makeText(23, 7, 300))) + 0.2);
  });

  it('encodes base64 as little-endian float32 and JSON as the same float32 values', () => {
    const v = vec('encode me', 16);
    const buf = Buffer.from(toBase64(v), 'base64');
    expect(buf.length).toBe(64);
    const floats = JSON.parse(toJsonArray(v)) as number[];
    for (let i = 0; i < 16; i++) {
      expect(buf.readFloatLE(i * 4)).toBe(v[i]);
      expect(floats[i]).toBe(v[i]);
    }
  });
});
