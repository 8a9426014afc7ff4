import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../src/shared/errors.ts';
import { EMBEDDING_PRICES_PER_MTOK, costUsd, priceTable } from '../../../src/main/embeddings/pricing.ts';

describe('pricing', () => {
  it('has the list prices per 1M input tokens', () => {
    expect(EMBEDDING_PRICES_PER_MTOK).toEqual({ 'text-embedding-3-small': 0.02, 'text-embedding-3-large': 0.13, 'text-embedding-ada-002': 0.1 });
  });

  it('computes dollars from tokens', () => {
    expect(costUsd('text-embedding-3-small', 1_000_000)).toBeCloseTo(0.02, 12);
    expect(costUsd('text-embedding-3-large', 2_500_000)).toBeCloseTo(0.325, 12);
    expect(costUsd('text-embedding-ada-002', 500)).toBeCloseTo(0.00005, 12);
    expect(costUsd('text-embedding-3-small', 0)).toBe(0);
  });

  it('takes overrides, for new prices and for other models', () => {
    expect(costUsd('text-embedding-3-small', 1_000_000, { 'text-embedding-3-small': 0.01 })).toBeCloseTo(0.01, 12);
    expect(costUsd('nomic-embed-text', 2_000_000, { 'nomic-embed-text': 0 })).toBe(0);
    expect(priceTable({ x: 1 })).toMatchObject({ x: 1, 'text-embedding-3-large': 0.13 });
  });

  it('refuses an unknown model without an override, naming it', () => {
    const err = (() => {
      try {
        costUsd('text-embedding-4-huge', 10);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).code).toBe('invalid_input');
    expect((err as OpsError).message).toContain('"text-embedding-4-huge"');
  });

  it('rejects nonsense prices and token counts', () => {
    expect(() => priceTable({ m: -1 })).toThrow(OpsError);
    expect(() => priceTable({ m: Number.NaN })).toThrow(OpsError);
    expect(() => costUsd('text-embedding-3-small', -5)).toThrow(OpsError);
  });
});
