// Identifier helpers shared by the generator, the loader and the server:
// GitHub-style global node ids, opaque cursors, fake SHAs and a seeded PRNG.
import { createHash } from 'node:crypto';

export { rng as createRng } from '../../helpers/random.ts';

// MessagePack encoding of non-negative integers, as used inside GitHub's "next" node ids.
function packUint(n: number, out: number[]): void {
  if (n < 0x80) out.push(n);
  else if (n <= 0xff) out.push(0xcc, n);
  else if (n <= 0xffff) out.push(0xcd, n >> 8, n & 0xff);
  else if (n <= 0xffffffff) out.push(0xce, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  else {
    const hi = Math.floor(n / 2 ** 32);
    out.push(0xcf, (hi >>> 24) & 0xff, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff);
    const lo = n >>> 0;
    out.push((lo >>> 24) & 0xff, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
  }
}

/**
 * GitHub's current global id format: `<PREFIX>_` + base64url(msgpack([0, ...ids])).
 * e.g. a pull request in repository 1300192 → `PR_kwDOABPHQM…`.
 */
export function nodeId(prefix: string, ...ids: number[]): string {
  const bytes: number[] = [0x90 + ids.length + 1, 0];
  for (const id of ids) packUint(id, bytes);
  return `${prefix}_${base64url(bytes)}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url without a Buffer per call (ids are minted by the hundred thousand). */
function base64url(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += B64[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += B64[n & 63];
  }
  return out;
}

/** Node id prefixes GitHub uses for each type. */
export const NODE_PREFIX = {
  User: 'U',
  Bot: 'BOT',
  Organization: 'O',
  Repository: 'R',
  Label: 'LA',
  PullRequest: 'PR',
  Issue: 'I',
  PullRequestReview: 'PRR',
  PullRequestReviewComment: 'PRRC',
  PullRequestReviewThread: 'PRRT',
  IssueComment: 'IC',
  Commit: 'C',
  Release: 'RE',
  ClosedEvent: 'CE',
} as const;

/** Opaque connection cursor over a (sortKey, tiebreak) position. */
export function encodeCursor(key: number, id: number): string {
  return Buffer.from(`cursor:v2:${key}:${id}`).toString('base64');
}

export function decodeCursor(cursor: string): [number, number] | null {
  const m = /^cursor:v2:(-?\d+(?:\.\d+)?):(-?\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Search uses offset cursors ("cursor:N"), like GitHub's search connection. */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`cursor:${offset}`).toString('base64');
}

export function decodeOffsetCursor(cursor: string): number | null {
  const m = /^cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** Deterministic 40-hex "commit SHA" for an arbitrary label. */
export function fakeSha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

const dayCache = new Map<number, string>();
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** GitHub timestamps: ISO 8601 without milliseconds (hot path in the generator, hence the day cache). */
export function isoSeconds(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  let prefix = dayCache.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    if (dayCache.size > 50_000) dayCache.clear();
    dayCache.set(day, prefix);
  }
  const s = Math.floor((ms - day * 86_400_000) / 1000);
  return `${prefix}${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}Z`;
}
