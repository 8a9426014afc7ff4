import { createHash } from 'node:crypto';
import { OpsError } from '../../shared/errors.ts';

/** A Postgres identifier, always quoted: safe for any name a catalog can hold. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new OpsError('invalid_input', 'An identifier cannot contain a NUL byte');
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`. */
export const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

export { SCHEMA_NAME } from '../../shared/contract/profiles.ts';

/** Postgres keeps at most NAMEDATALEN - 1 bytes of an identifier. */
export const MAX_IDENTIFIER_BYTES = 63;

/** The first `maxBytes` bytes of `s` in UTF-8, cut at a character boundary. */
export function truncateBytes(s: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * A name derived from parts (e.g. an index name from table and columns) that fits the
 * identifier limit. Postgres would silently truncate a longer one, so two different long
 * names could collide: past the limit, a hash of the full name keeps them apart.
 */
export function derivedName(full: string): string {
  if (Buffer.byteLength(full, 'utf8') <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${truncateBytes(full, MAX_IDENTIFIER_BYTES - hash.length - 1)}_${hash}`;
}
