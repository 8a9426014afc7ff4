// cl100k_base tokenizer with special tokens treated as plain text (as the embeddings API does).
// Output equals gpt-tokenizer's `encode`, except around U+FEFF where this follows tiktoken
// (gpt-tokenizer's TextDecoder drops byte-order marks and misses those merges). gpt-tokenizer
// costs ~0.6 µs per token on real text; this hand-written pre-splitter, allocation-free
// vocabulary lookups and a cache of multi-token pieces are several times faster.
import { hashChars, mergeBytes, rankOfChars } from './bpe.ts';

// Code-point classes of the cl100k split pattern.
const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;

const asciiClass = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  asciiClass[c] = /\p{L}/u.test(ch) ? LETTER : /\p{N}/u.test(ch) ? NUMBER : /\s/u.test(ch) ? SPACE : OTHER;
}
const wideClass = new Map<number, number>();

function classOf(cp: number): number {
  if (cp < 128) return asciiClass[cp];
  let k = wideClass.get(cp);
  if (k === undefined) {
    const ch = String.fromCodePoint(cp);
    k = /\p{L}/u.test(ch) ? LETTER : /\p{N}/u.test(ch) ? NUMBER : /\s/u.test(ch) ? SPACE : OTHER;
    wideClass.set(cp, k);
  }
  return k;
}

// Code point at i (a lone surrogate is its own code point, as in a /u regex).
function cpAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}
const width = (cp: number): number => (cp > 0xffff ? 2 : 1);

// Pieces that are not one vocabulary entry, keyed by text range without slicing.
const CACHE_LIMIT = 150_000;
const CACHE_MASK = (1 << 18) - 1;
const cacheSlots = new Int32Array(CACHE_MASK + 1).fill(-1);
const cacheKeys: string[] = [];
const cacheHashes: number[] = [];
const cacheTokens: number[][] = [];

function cached(s: string, a: number, b: number, h: number): number[] | undefined {
  for (let idx = h & CACHE_MASK; ; idx = (idx + 1) & CACHE_MASK) {
    const e = cacheSlots[idx];
    if (e === -1) return undefined;
    if (cacheHashes[e] === h && sameText(cacheKeys[e], s, a, b - a)) return cacheTokens[e];
  }
}

function sameText(t: string, s: string, a: number, len: number): boolean {
  if (t.length !== len) return false;
  for (let k = 0; k < len; k++) if (t.charCodeAt(k) !== s.charCodeAt(a + k)) return false;
  return true;
}

function remember(key: string, h: number, tokens: number[]): void {
  if (cacheKeys.length >= CACHE_LIMIT) {
    cacheSlots.fill(-1);
    cacheKeys.length = cacheHashes.length = cacheTokens.length = 0;
  }
  let idx = h & CACHE_MASK;
  while (cacheSlots[idx] !== -1) idx = (idx + 1) & CACHE_MASK;
  cacheSlots[idx] = cacheKeys.length;
  cacheKeys.push(key);
  cacheHashes.push(h);
  cacheTokens.push(tokens);
}

const utf8 = new TextEncoder();

function encodePiece(s: string, a: number, b: number, ascii: boolean, out: number[]): void {
  const h = hashChars(s, a, b);
  if (ascii) {
    const r = rankOfChars(s, a, b, h);
    if (r !== -1) {
      out.push(r);
      return;
    }
  }
  let tokens = cached(s, a, b, h);
  if (tokens === undefined) {
    const key = s.slice(a, b);
    tokens = mergeBytes(ascii ? asciiBytes(s, a, b) : utf8.encode(key));
    remember(key, h, tokens);
  }
  for (let k = 0; k < tokens.length; k++) out.push(tokens[k]);
}

function asciiBytes(s: string, a: number, b: number): Uint8Array {
  const out = new Uint8Array(b - a);
  for (let i = a; i < b; i++) out[i - a] = s.charCodeAt(i);
  return out;
}

const isLineBreak = (c: number): boolean => c === 10 || c === 13;

// End of the run of code points of class `k` starting at i.
function scanRun(s: string, i: number, k: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if (asciiClass[c] !== k) break;
      i++;
    } else {
      const cp = cpAt(s, i);
      if (classOf(cp) !== k) break;
      i += width(cp);
    }
  }
  return i;
}

function isAsciiRange(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

// Splits like /'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
// ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s/gu, first matching alternative wins.
export function encodeText(s: string): number[] {
  const out: number[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const cp = cpAt(s, i);
    const k = classOf(cp);
    const start = i;
    let ascii = cp < 128;
    let end = -1;
    if (cp === 39 && i + 1 < n) {
      const c1 = s.charCodeAt(i + 1) | 32;
      const c2 = i + 2 < n ? s.charCodeAt(i + 2) | 32 : 0;
      if (c1 === 115 || c1 === 100 || c1 === 109 || c1 === 116) end = i + 2; // s d m t
      else if ((c1 === 108 && c2 === 108) || (c1 === 118 && c2 === 101) || (c1 === 114 && c2 === 101)) end = i + 3; // ll ve re
    }
    if (end === -1) {
      let letters = -1;
      if (k === LETTER) letters = i;
      else if (k !== NUMBER && !isLineBreak(cp) && i + width(cp) < n && classOf(cpAt(s, i + width(cp))) === LETTER) letters = i + width(cp);
      if (letters !== -1) {
        end = scanRun(s, letters, LETTER);
        if (ascii) ascii = isAsciiRange(s, letters, end);
      } else if (k === NUMBER) {
        let j = i;
        for (let count = 0; count < 3 && j < n; count++) {
          const c = cpAt(s, j);
          if (classOf(c) !== NUMBER) break;
          if (c >= 128) ascii = false;
          j += width(c);
        }
        end = j;
      } else if (k === OTHER || (cp === 32 && i + 1 < n && classOf(cpAt(s, i + 1)) === OTHER)) {
        let j = scanRun(s, cp === 32 ? i + 1 : i, OTHER);
        if (ascii) ascii = isAsciiRange(s, i, j);
        while (j < n && isLineBreak(s.charCodeAt(j))) j++;
        end = j;
      } else {
        // Whitespace; every JS whitespace character is a single BMP code unit.
        let j = i;
        let lastBreak = -1;
        while (j < n) {
          const c = s.charCodeAt(j);
          if (classOf(c) !== SPACE) break;
          if (isLineBreak(c)) lastBreak = j;
          j++;
        }
        if (j === n) end = n;
        else if (lastBreak !== -1) end = lastBreak + 1;
        else if (j - i >= 2) end = j - 1;
        else end = i + 1;
        ascii = isAsciiRange(s, i, end);
      }
    }
    encodePiece(s, start, end, ascii, out);
    i = end;
  }
  return out;
}

// Ranks 0..100255 plus cl100k's special tokens; other ids have no bytes to decode.
const MERGEABLE_TOKENS = 100_256;
const SPECIAL_TOKENS = new Set([100257, 100258, 100259, 100260, 100264, 100265, 100276, 100266]);

export function isValidTokenId(t: unknown): t is number {
  return Number.isInteger(t) && (((t as number) >= 0 && (t as number) < MERGEABLE_TOKENS) || SPECIAL_TOKENS.has(t as number));
}
