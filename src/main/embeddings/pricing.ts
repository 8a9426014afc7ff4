// Embedding prices in US$ per 1M input tokens (OpenAI list prices); callers pass overrides for
// other models, other providers or price changes.
import { OpsError } from '../../shared/errors.ts';

export type PriceTable = Readonly<Record<string, number>>;

export const EMBEDDING_PRICES_PER_MTOK: PriceTable = Object.freeze({
  'text-embedding-3-small': 0.02,
  'text-embedding-3-large': 0.13,
  'text-embedding-ada-002': 0.1,
});

/** The built-in table with `overrides` on top; rejects negative or non-finite prices. */
export function priceTable(overrides: PriceTable = {}): PriceTable {
  for (const [model, price] of Object.entries(overrides)) {
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      throw new OpsError('invalid_input', `Price for embedding model "${model}" must be a non-negative number of US$ per 1M tokens`);
    }
  }
  return { ...EMBEDDING_PRICES_PER_MTOK, ...overrides };
}

export function pricePerMillionTokens(model: string, overrides?: PriceTable): number {
  const table = priceTable(overrides);
  if (!Object.hasOwn(table, model)) {
    throw new OpsError('invalid_input', `No price known for embedding model "${model}"; configure its price in US$ per 1M input tokens`);
  }
  return table[model];
}

/** US$ for `tokens` input tokens of `model`. */
export function costUsd(model: string, tokens: number, overrides?: PriceTable): number {
  if (!Number.isFinite(tokens) || tokens < 0) throw new OpsError('invalid_input', 'Token count must be a non-negative number');
  return (tokens * pricePerMillionTokens(model, overrides)) / 1_000_000;
}
