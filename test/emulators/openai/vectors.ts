// Deterministic embeddings that keep textual similarity: each cl100k token and each pair of
// adjacent tokens is a feature, hashed (seeded by the model) to one of `dims` buckets with a ±
// sign; counts enter sub-linearly and the sum is L2-normalised. Texts sharing most tokens and
// token pairs share most buckets, so an edited copy stays close to its original while unrelated
// texts land near orthogonal. Hashing straight into `dims` buckets (rather than truncating the
// native width like the v3 models do) keeps small `dimensions` informative for short texts.
import { endianness } from 'node:os';

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function modelSeed(modelId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < modelId.length; i++) h = Math.imul(h ^ modelId.charCodeAt(i), 16777619);
  return mix(h);
}

// The most frequent pieces (spaces, punctuation, " the") carry little meaning; damping them keeps
// unrelated texts from looking alike. cl100k ranks below ~1000 are such pieces.
const COMMON_TOKEN_RANK = 1000;
const COMMON_WEIGHT = 0.35;

// Per-input feature counts, so repeats count sub-linearly (weight × √count) and a few frequent
// words cannot dominate. The table is reused across calls and cleared by a generation stamp.
interface Scratch {
  keys: Int32Array;
  weights: Float64Array;
  counts: Float64Array;
  stamps: Uint32Array;
  used: Int32Array;
  generation: number;
  acc: Float64Array;
}
let scratch: Scratch = grow(1024, 1536);

function grow(size: number, dims: number): Scratch {
  return {
    keys: new Int32Array(size),
    weights: new Float64Array(size),
    counts: new Float64Array(size),
    stamps: new Uint32Array(size),
    used: new Int32Array(size),
    generation: 0,
    acc: new Float64Array(dims),
  };
}

export function embedTokens(tokens: ArrayLike<number>, seed: number, dims: number): Float32Array {
  let size = scratch.keys.length;
  while (size < tokens.length * 4) size *= 2;
  if (size > scratch.keys.length || dims > scratch.acc.length) scratch = grow(size, Math.max(dims, scratch.acc.length));
  const { keys, weights, counts, stamps, used, acc } = scratch;
  const mask = keys.length - 1;
  if (++scratch.generation === 0xffffffff) {
    stamps.fill(0);
    scratch.generation = 1;
  }
  const gen = scratch.generation;
  let usedCount = 0;
  let prev = -1;
  for (let i = 0, n = tokens.length * 2; i < n; i++) {
    // Even steps: the token itself; odd steps: the pair (previous token, token).
    const t = tokens[i >> 1];
    let h: number;
    let w: number;
    if ((i & 1) === 0) {
      h = mix(seed ^ Math.imul(t + 1, 0x9e3779b1));
      w = t < COMMON_TOKEN_RANK ? COMMON_WEIGHT : 1;
    } else {
      if (prev === -1) {
        prev = t;
        continue;
      }
      h = mix(mix(seed ^ Math.imul(prev + 1, 0x85ebca77)) ^ Math.imul(t + 1, 0xc2b2ae3d));
      w = t < COMMON_TOKEN_RANK && prev < COMMON_TOKEN_RANK ? COMMON_WEIGHT : 1;
      prev = t;
    }
    for (let j = h & mask; ; j = (j + 1) & mask) {
      if (stamps[j] !== gen) {
        stamps[j] = gen;
        keys[j] = h;
        weights[j] = w;
        counts[j] = 1;
        used[usedCount++] = j;
        break;
      }
      if (keys[j] === h) {
        counts[j]++;
        break;
      }
    }
  }
  acc.fill(0, 0, dims);
  for (let u = 0; u < usedCount; u++) {
    const j = used[u];
    const h = keys[j];
    const c = counts[j];
    // High bits pick the bucket (no modulo), the low bit the sign.
    acc[((h >>> 0) * dims * 2.3283064365386963e-10) | 0] += (h & 1 ? -weights[j] : weights[j]) * (c === 1 ? 1 : Math.sqrt(c));
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += acc[i] * acc[i];
  const out = new Float32Array(dims);
  if (norm === 0) {
    out[0] = 1; // Features cancelled out exactly (tiny dims); any fixed unit vector will do.
    return out;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) out[i] = acc[i] * inv;
  return out;
}

const littleEndian = endianness() === 'LE';

/** Base64 of little-endian float32s, which is what the API sends and the SDK decodes. */
export function toBase64(v: Float32Array): string {
  if (littleEndian) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  const buf = Buffer.alloc(v.byteLength);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf.toString('base64');
}

/** JSON array of the float32 values (printed as doubles, like the API does). */
export function toJsonArray(v: Float32Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + String(v[i]);
  return s + ']';
}
