// Chat model list prices, US$ per 1M tokens (input, output). What the Repo scores with gpt-4o-mini.
import { OpsError } from '../../../shared/errors.ts';

export const CHAT_PRICES: Readonly<Record<string, { input: number; output: number }>> = Object.freeze({
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
});

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

export function chatPrice(model: string): { input: number; output: number } {
  const p = CHAT_PRICES[model];
  if (!p) throw new OpsError('invalid_input', `llmModel: no price known for "${model}"; use one of ${Object.keys(CHAT_PRICES).join(', ')}`);
  return p;
}

export function chatCostUsd(model: string, inputTokens: number, outputTokens: number): number {
  const p = chatPrice(model);
  return (inputTokens * p.input + outputTokens * p.output) / 1_000_000;
}
