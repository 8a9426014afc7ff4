// Packs prepared inputs into embedding requests, in input order, within the API's per-request
// limits. A batch is also the checkpoint unit: it is reported to the caller whole or not at all.
import { OpsError } from '../../shared/errors.ts';
import { MAX_INPUTS_PER_REQUEST, MAX_INPUT_TOKENS, MAX_TOKENS_PER_REQUEST } from './models.ts';

export interface EmbedItem {
  /** Names the input in errors (e.g. "owner/repo#123"). */
  id: string;
  text: string;
  /** cl100k tokens of `text` (from prepareEmbeddingText or countTokens). */
  tokens: number;
}

export interface Batch<T extends EmbedItem = EmbedItem> {
  /** Position in the packing order, from 0. */
  index: number;
  items: T[];
  /** Sum of the items' local token counts. */
  tokens: number;
}

export interface PackLimits {
  /** Inputs per request; default 256, at most 2,048. */
  maxInputs?: number;
  /** Summed tokens per request; default 300,000 (the API's limit). Keep it under the account's TPM. */
  maxTokens?: number;
  /** Tokens per input; default and maximum 8,191. */
  maxTokensPerInput?: number;
}

// 256 × ~500 tokens ≈ 128k tokens: few requests for RPM, yet small enough that a failure or a
// cancel loses little and responses (~2 MB) stream while others are still in flight.
export const DEFAULT_MAX_INPUTS = 256;

export function resolveLimits(limits: PackLimits = {}): Required<PackLimits> {
  const out = {
    maxInputs: limits.maxInputs ?? DEFAULT_MAX_INPUTS,
    maxTokens: limits.maxTokens ?? MAX_TOKENS_PER_REQUEST,
    maxTokensPerInput: limits.maxTokensPerInput ?? MAX_INPUT_TOKENS,
  };
  check('maxInputs', out.maxInputs, MAX_INPUTS_PER_REQUEST);
  check('maxTokens', out.maxTokens, MAX_TOKENS_PER_REQUEST);
  check('maxTokensPerInput', out.maxTokensPerInput, MAX_INPUT_TOKENS);
  return out;
}

function check(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new OpsError('invalid_input', `${name} must be an integer in 1..${max}, got ${value}`);
}

/** Greedy in order: a batch closes when the next item would break a limit. Same input → same batches. */
export function packBatches<T extends EmbedItem>(items: readonly T[], limits?: PackLimits): Batch<T>[] {
  const { maxInputs, maxTokens, maxTokensPerInput } = resolveLimits(limits);
  const perInput = Math.min(maxTokensPerInput, maxTokens); // an input is never split across requests
  const batches: Batch<T>[] = [];
  let current: Batch<T> | undefined;
  for (const item of items) {
    if (item.text.length === 0 || !Number.isInteger(item.tokens) || item.tokens < 1) {
      throw new OpsError('invalid_input', `Input "${item.id}" is empty; the embeddings API rejects empty inputs`);
    }
    if (item.tokens > perInput) {
      throw new OpsError('invalid_input', `Input "${item.id}" has ${item.tokens} tokens, over the limit of ${perInput}; truncate it first`);
    }
    if (!current || current.items.length >= maxInputs || current.tokens + item.tokens > maxTokens) {
      current = { index: batches.length, items: [], tokens: 0 };
      batches.push(current);
    }
    current.items.push(item);
    current.tokens += item.tokens;
  }
  return batches;
}
