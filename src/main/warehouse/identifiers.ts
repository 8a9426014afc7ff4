import { OpsError } from '../../shared/errors.ts';

/** A Postgres identifier, always quoted: safe for any name a catalog can hold. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new OpsError('invalid_input', 'An identifier cannot contain a NUL byte');
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`. */
export const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

export { SCHEMA_NAME } from '../../shared/contract/profiles.ts';
