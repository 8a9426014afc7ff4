// Tokens and per-block Bloom filters. A token is a run of ASCII letters/digits,
// lowercased; the same hash is computed from raw bytes (indexer) and from query strings.

/** byte → lowercased token character, 0 for separators (everything non-ASCII-alnum). */
export const TOKEN_CHAR = new Uint8Array(256);
for (let c = 48; c <= 57; c++) TOKEN_CHAR[c] = c;
for (let c = 97; c <= 122; c++) TOKEN_CHAR[c] = c;
for (let c = 65; c <= 90; c++) TOKEN_CHAR[c] = c + 32;

export const HASH_SEED = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;

/** Bits per distinct token and probes per token: ≈0.3 % false positives per token. */
export const BLOOM_BITS_PER_TOKEN = 12;
export const BLOOM_HASHES = 8;

/** Final avalanche of the FNV-1a state; never 0 (0 marks empty hash-set slots). */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

export function isTokenChar(code: number): boolean {
  return code < 256 && TOKEN_CHAR[code] !== 0;
}

/** Hashes of the tokens of `s` (deduplicated). */
export function stringTokenHashes(s: string): number[] {
  const out = new Set<number>();
  let h = HASH_SEED;
  let inTok = false;
  for (let i = 0; i <= s.length; i++) {
    const code = i < s.length ? s.charCodeAt(i) : 0;
    const t = code < 256 ? TOKEN_CHAR[code] : 0;
    if (t !== 0) {
      if (!inTok) { inTok = true; h = HASH_SEED; }
      h = Math.imul(h ^ t, HASH_PRIME);
    } else if (inTok) {
      inTok = false;
      out.add(finishHash(h));
    }
  }
  return [...out];
}

export function bloomBytesFor(distinctTokens: number): number {
  return Math.max(8, Math.ceil((distinctTokens * BLOOM_BITS_PER_TOKEN) / 32) * 4);
}

function secondHash(h: number): number {
  return finishHash(h ^ 0x5bd1e995) | 1;
}

export function bloomAdd(bits: Uint8Array, off: number, len: number, k: number, h: number): void {
  const m = len * 8;
  const h2 = secondHash(h);
  for (let i = 0; i < k; i++) {
    const pos = ((h + Math.imul(i, h2)) >>> 0) % m;
    bits[off + (pos >>> 3)] |= 1 << (pos & 7);
  }
}

export function bloomHas(bits: Uint8Array, off: number, len: number, k: number, h: number): boolean {
  const m = len * 8;
  const h2 = secondHash(h);
  for (let i = 0; i < k; i++) {
    const pos = ((h + Math.imul(i, h2)) >>> 0) % m;
    if ((bits[off + (pos >>> 3)] & (1 << (pos & 7))) === 0) return false;
  }
  return true;
}
