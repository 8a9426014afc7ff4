// Builds Milvus boolean expressions from values, never from raw text: field names are our
// constants, item types come from a fixed list, and every string value becomes a quoted literal
// with its quotes and backslashes escaped (the grammar Milvus and Milvus Lite share:
// "…" with \" \' \\ \n \r \t escapes).
import { OpsError } from '../../shared/errors.ts';
import { FIELD, ITEM_TYPES, type ItemType } from './schema.ts';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// Other control characters have no escape in the grammar; no repository or id contains them.
// eslint-disable-next-line no-control-regex
const OTHER_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A double-quoted expression literal for any string without control characters other than \n \r \t. */
export function stringLiteral(value: string): string {
  if (OTHER_CONTROL.test(value)) {
    throw new OpsError('invalid_input', `The filter value ${JSON.stringify(value)} contains a control character, which no stored value has: remove it.`);
  }
  return `"${value.replace(/[\\"\n\r\t]/g, (c) => ESCAPES[c]!)}"`;
}

export interface SearchFilter {
  /** owner/name as stored at embedding time: only hits from this repository (stale after a rename; prefer repositoryId). */
  repository?: string;
  /** The repository's GitHub id: only hits from this repository, whatever it is called now. */
  repositoryId?: number;
  /** Only these kinds of item (any, when empty or absent). */
  itemTypes?: readonly ItemType[];
}

export function isItemType(value: unknown): value is ItemType {
  return typeof value === 'string' && (ITEM_TYPES as readonly string[]).includes(value);
}

/** The expression for a search filter, or '' for no filter. */
export function searchExpression(filter: SearchFilter): string {
  const parts: string[] = [];
  if (filter.repository !== undefined) {
    if (typeof filter.repository !== 'string' || !filter.repository.trim()) {
      throw new OpsError('invalid_input', 'The repository filter is empty: give owner/name, or leave it out to search all repositories.');
    }
    parts.push(`${FIELD.repository} == ${stringLiteral(filter.repository)}`);
  }
  if (filter.repositoryId !== undefined) {
    if (!Number.isSafeInteger(filter.repositoryId) || filter.repositoryId < 0) {
      throw new OpsError('invalid_input', `The repository id filter ${String(filter.repositoryId)} is not a GitHub repository id (a non-negative integer).`);
    }
    parts.push(`${FIELD.repositoryId} == ${filter.repositoryId}`);
  }
  if (filter.itemTypes && filter.itemTypes.length > 0) {
    const bad = filter.itemTypes.filter((t) => !isItemType(t));
    if (bad.length) {
      throw new OpsError('invalid_input', `Unknown item type ${bad.map((t) => JSON.stringify(t)).join(', ')}: use ${ITEM_TYPES.join(', ')}.`);
    }
    const types = [...new Set(filter.itemTypes)];
    parts.push(`${FIELD.itemType} in [${types.map(stringLiteral).join(', ')}]`);
  }
  return parts.join(' and ');
}

/** `id in [...]` for a delete or lookup by primary key. */
export function idsExpression(ids: readonly string[]): string {
  return `${FIELD.id} in [${ids.map(stringLiteral).join(', ')}]`;
}

/** Rows of repositories whose GitHub id is not in `trackedIds` ('' when nothing is tracked: every row). */
export function untrackedExpression(trackedIds: readonly number[]): string {
  for (const id of trackedIds) if (!Number.isSafeInteger(id) || id < 0) throw new OpsError('invalid_input', `${String(id)} is not a GitHub repository id`);
  return trackedIds.length ? `${FIELD.repositoryId} not in [${trackedIds.join(', ')}]` : '';
}
