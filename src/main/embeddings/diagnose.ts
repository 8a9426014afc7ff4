// Turns a 400 for a whole batch into "which input and why": the API names neither, so we re-check
// the batch's inputs locally and match the token count the API quotes.
import { OpsError } from '../../shared/errors.ts';
import type { Batch, EmbedItem } from './batches.ts';
import { MAX_INPUT_TOKENS } from './models.ts';
import { countTokens } from './tokens.ts';

export interface BadRequest {
  status: number;
  param?: string;
  code?: string;
  /** The API's message, already free of secrets. */
  message: string;
}

export function describeBadRequest(batch: Batch, bad: BadRequest, model: string): OpsError {
  if (bad.status === 404) return new OpsError('invalid_input', `OpenAI model "${model}" does not exist or this key has no access to it (${bad.message})`);
  if (bad.code === 'max_tokens_per_request') {
    return new OpsError('invalid_input', `Batch ${batch.index} is over the API's tokens-per-request limit (${bad.message}); pack smaller batches`);
  }
  const inputRelated = bad.param === 'input' || /context length|\$\.input|input/i.test(bad.message);
  if (inputRelated) {
    const culprit = findCulprit(batch.items, bad.message);
    if (culprit) {
      const { item, position, reason } = culprit;
      return new OpsError('invalid_input', `OpenAI rejected input "${item.id}" (batch ${batch.index}, position ${position}): ${reason} — ${bad.message}`);
    }
    const first = batch.items[0]?.id;
    const last = batch.items[batch.items.length - 1]?.id;
    return new OpsError('invalid_input', `OpenAI rejected an input in batch ${batch.index} ("${first}" … "${last}", ${batch.items.length} inputs): ${bad.message}`);
  }
  const param = bad.param ? ` (parameter "${bad.param}")` : '';
  return new OpsError('invalid_input', `OpenAI rejected the embeddings request${param}: ${bad.message}`);
}

function findCulprit(items: readonly EmbedItem[], message: string): { item: EmbedItem; position: number; reason: string } | undefined {
  const quoted = /requested (\d+) tokens/.exec(message)?.[1];
  const counts = items.map((item) => (item.text.length === 0 ? 0 : countTokens(item.text)));
  const pick = (position: number, reason: string) => ({ item: items[position], position, reason });
  if (items.length === 1) return pick(0, reasonFor(counts[0]));
  if (quoted !== undefined) {
    const at = counts.indexOf(Number(quoted));
    if (at >= 0) return pick(at, reasonFor(counts[at]));
  }
  const tooLong = counts.findIndex((n) => n === 0 || n > MAX_INPUT_TOKENS);
  return tooLong >= 0 ? pick(tooLong, reasonFor(counts[tooLong])) : undefined;
}

function reasonFor(tokens: number): string {
  if (tokens === 0) return 'it is empty';
  if (tokens > MAX_INPUT_TOKENS) return `it has ${tokens} tokens, over the model's limit of ${MAX_INPUT_TOKENS}`;
  return `it has ${tokens} tokens`;
}
