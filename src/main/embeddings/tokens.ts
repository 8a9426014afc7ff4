// cl100k_base token counting and truncation (the tokenizer of OpenAI's embedding models), via
// gpt-tokenizer: ~0.11–0.17 µs/token measured here (bench/embed-client.ts prints it), i.e. ~1–2%
// of one core at 5 M tokens/min, so a hand-written tokenizer would not pay for itself.
import { countTokens as countCl100k, decode, encodeGenerator } from 'gpt-tokenizer/encoding/cl100k_base';

// The embeddings API embeds "<|endoftext|>" and friends as plain text; gpt-tokenizer would throw.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return countCl100k(text, PLAIN_TEXT);
}

export interface Truncated {
  text: string;
  tokens: number;
  truncated: boolean;
  /** Tokens of the whole text (counted only when it was cut; equal to `tokens` otherwise). */
  originalTokens: number;
}

// Texts up to this many characters per allowed token are counted whole first (the common case).
const COUNT_FIRST_CHARS_PER_TOKEN = 8;

/** `text` cut to at most `maxTokens` tokens (at a character boundary), with its token count. */
export function truncateToTokens(text: string, maxTokens: number): Truncated {
  if (text.length <= maxTokens * COUNT_FIRST_CHARS_PER_TOKEN) {
    const n = countTokens(text);
    if (n <= maxTokens) return { text, tokens: n, truncated: false, originalTokens: n };
  }
  // Walk pre-token pieces (words, symbol runs) until the budget runs out; the walk is lazy, so a
  // huge text costs only its first ~maxTokens tokens. Whole pieces are decoded, never partial
  // ones: gpt-tokenizer's decode keeps a shared streaming TextDecoder, and a piece cut mid
  // character would leave bytes in it that corrupt the next decode anywhere in the process.
  let used = 0;
  let offset = 0;
  for (const piece of encodeGenerator(text, PLAIN_TEXT)) {
    const pieceText = decode(piece);
    if (used + piece.length > maxTokens) {
      const head = text.slice(0, offset);
      return { ...fit(head + longestPrefixWithin(pieceText, maxTokens - used), head, maxTokens), originalTokens: countTokens(text) };
    }
    used += piece.length;
    offset += pieceText.length;
  }
  return { text, tokens: used, truncated: false, originalTokens: used };
}

// Longest prefix of one piece (cut between code points) that tokenizes to ≤ budget tokens.
function longestPrefixWithin(piece: string, budget: number): string {
  let lo = 0;
  let hi = piece.length;
  while (lo < hi) {
    let mid = Math.ceil((lo + hi) / 2);
    if (mid < piece.length && isLowSurrogate(piece.charCodeAt(mid))) mid--;
    if (mid <= lo) break;
    if (countTokens(piece.slice(0, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return piece.slice(0, lo);
}

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

// Re-count the result (a cut piece can tokenize differently next to its neighbour); fall back to
// the whole pieces before it.
function fit(candidate: string, fallback: string, maxTokens: number): Omit<Truncated, 'originalTokens'> {
  for (const text of [candidate.trimEnd(), fallback.trimEnd()]) {
    const tokens = countTokens(text);
    if (tokens <= maxTokens) return { text, tokens, truncated: true };
  }
  // Unreachable for whole pieces (their tokens were counted), kept as a hard guarantee.
  return { text: '', tokens: 0, truncated: true };
}
