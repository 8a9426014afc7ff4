// cl100k_base token counting and truncation (the tokenizer of OpenAI's embedding models), via
// gpt-tokenizer. Measured ~0.1–0.17 µs/token here (bench/embed-client.ts prints it), i.e. ~1–2% of
// one core at 5 M tokens/min, so a hand-written tokenizer would not pay for itself.
import { countTokens as countCl100k, decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';

// The embeddings API embeds "<|endoftext|>" and friends as plain text; gpt-tokenizer would throw.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return countCl100k(text, PLAIN_TEXT);
}

export function encodeTokens(text: string): number[] {
  return encode(text, PLAIN_TEXT);
}

export interface Truncated {
  text: string;
  tokens: number;
  truncated: boolean;
}

// Long texts are tokenized from a prefix first: a 100k-token body then costs ~16k tokens of work.
const PREFIX_CHARS_PER_TOKEN = 8;

/** `text`, cut at a token boundary to at most `maxTokens` tokens, with its token count. */
export function truncateToTokens(text: string, maxTokens: number): Truncated {
  if (text.length > maxTokens * PREFIX_CHARS_PER_TOKEN) {
    const prefix = encodeTokens(text.slice(0, maxTokens * PREFIX_CHARS_PER_TOKEN));
    // Only trust the prefix if it alone overflows; otherwise the text is unusually dense.
    if (prefix.length > maxTokens) return cut(prefix, maxTokens);
  }
  const all = encodeTokens(text);
  if (all.length <= maxTokens) return { text, tokens: all.length, truncated: false };
  return cut(all, maxTokens);
}

function cut(tokens: number[], maxTokens: number): Truncated {
  // Decoding a prefix can end inside a UTF-8 sequence (→ U+FFFD) and re-encoding a cut piece can
  // merge differently, so re-count and shrink until it fits.
  for (let keep = maxTokens; keep > 0; ) {
    const text = decode(tokens.slice(0, keep)).replace(/\uFFFD+$/, '');
    const n = countTokens(text);
    if (n <= maxTokens) return { text, tokens: n, truncated: true };
    keep -= n - maxTokens;
  }
  return { text: '', tokens: 0, truncated: true };
}
