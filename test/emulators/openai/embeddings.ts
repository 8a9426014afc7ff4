// POST /v1/embeddings: validation with the real API's limits and messages, then the response body.
import { decode } from 'gpt-tokenizer/encoding/cl100k_base';
import * as errors from './errors.ts';
import type { ApiError } from './errors.ts';
import type { EmbeddingModel } from './models.ts';
import { parseRequestHead } from './request-head.ts';
import { encodeText, isValidTokenId } from './tokenizer.ts';
import { embedTokens, modelSeed, toBase64, toJsonArray } from './vectors.ts';

export const MAX_INPUTS = 2048;
export const MAX_TOKENS_PER_REQUEST = 300_000;

export interface EmbeddingRequest {
  model: EmbeddingModel;
  /** cl100k tokens of each input, in order. */
  inputs: number[][];
  /** The inputs as sent; token-id inputs are decoded lazily by `inputText`. */
  raw: (string | number[])[];
  dimensions: number;
  format: 'float' | 'base64';
  totalTokens: number;
}

const ALLOWED_KEYS = new Set(['input', 'model', 'encoding_format', 'dimensions', 'user']);

export function parseEmbeddingRequest(body: unknown, models: ReadonlyMap<string, EmbeddingModel>): EmbeddingRequest | ApiError {
  const head = parseRequestHead(body, ALLOWED_KEYS, models);
  if ('status' in head) return head;
  const { b, model } = head;

  if (b.user !== undefined && typeof b.user !== 'string') return errors.invalidType('user', 'a string', b.user);

  const format = b.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return errors.invalidEncodingFormat(String(format));

  let dimensions = model.dimensions;
  if (b.dimensions !== undefined && b.dimensions !== null) {
    if (!model.supportsDimensions) return errors.dimensionsUnsupported();
    if (typeof b.dimensions !== 'number' || !Number.isInteger(b.dimensions)) return errors.invalidType('dimensions', 'an integer', b.dimensions);
    if (b.dimensions < 1 || b.dimensions > model.dimensions) return errors.dimensionsOutOfRange(b.dimensions, model.dimensions);
    dimensions = b.dimensions;
  }

  const raw = splitInputs(b.input);
  if (!raw) return errors.invalidInput();
  if (raw.length > MAX_INPUTS) return errors.invalidInput();

  const inputs: number[][] = [];
  let totalTokens = 0;
  for (const item of raw) {
    const tokens = typeof item === 'string' ? encodeText(item) : item;
    if (tokens.length > model.maxInputTokens) return errors.contextLengthExceeded(model.maxInputTokens, tokens.length);
    inputs.push(tokens);
    totalTokens += tokens.length;
  }
  if (totalTokens > MAX_TOKENS_PER_REQUEST) return errors.tooManyTokensPerRequest(totalTokens, MAX_TOKENS_PER_REQUEST);
  return { model, inputs, raw, dimensions, format, totalTokens };
}

// string | string[] | number[] | number[][] → list of inputs; undefined if malformed or empty.
function splitInputs(input: unknown): (string | number[])[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (typeof input[0] === 'number') return input.every(isValidTokenId) ? [input as number[]] : undefined;
  // All strings or all token arrays; the API's schema has no mixed form.
  const strings = typeof input[0] === 'string';
  for (const item of input) {
    const ok = strings ? typeof item === 'string' && item !== '' : Array.isArray(item) && item.length > 0 && item.every(isValidTokenId);
    if (!ok) return undefined;
  }
  return input as (string | number[])[];
}

export function inputText(raw: string | number[]): string {
  return typeof raw === 'string' ? raw : decode(raw);
}

export function renderEmbeddingResponse(req: EmbeddingRequest): string {
  const seed = modelSeed(req.model.id);
  const parts: string[] = [];
  for (let i = 0; i < req.inputs.length; i++) {
    const v = embedTokens(req.inputs[i], seed, req.dimensions);
    const enc = req.format === 'base64' ? `"${toBase64(v)}"` : toJsonArray(v);
    parts.push(`{"object":"embedding","index":${i},"embedding":${enc}}`);
  }
  const usage = `{"prompt_tokens":${req.totalTokens},"total_tokens":${req.totalTokens}}`;
  return `{"object":"list","data":[${parts.join(',')}],"model":${JSON.stringify(req.model.id)},"usage":${usage}}`;
}
