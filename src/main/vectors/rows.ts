// Checks rows before anything is written and lays them out as columns (one Float32Array for all
// vectors), which is what an upsert request carries.
import { OpsError } from '../../shared/errors.ts';
import { isItemType } from './filter.ts';
import { FIELD, ITEM_TYPES, MAX_BYTES } from './schema.ts';
import { truncateUtf8 } from './truncate.ts';
import type { VectorRow } from './types.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F]/;

export interface PreparedBatch {
  ids: string[];
  repositories: string[];
  repositoryIds: number[];
  itemTypes: string[];
  numbers: number[];
  titles: string[];
  urls: string[];
  createdAts: number[];
  updatedAts: number[];
  /** ids.length × dimension floats, row-major. */
  vectors: Float32Array;
  /** Row objects for the SDK's own upsert (the fallback path). */
  toRows(): Record<string, unknown>[];
}

export interface PreparedRows extends PreparedBatch {
  truncatedTitles: number;
  slice(start: number, end: number): PreparedBatch;
}

/**
 * Validates every row (throwing an OpsError that names the first bad row), drops earlier rows
 * whose id repeats later in the input (the last one wins, as a second upsert would), and cuts
 * titles to the collection's byte limit.
 */
export function prepareRows(rows: readonly VectorRow[], dimension: number, titleMaxBytes: number, collection: string): PreparedRows {
  if (!Array.isArray(rows)) throw new OpsError('invalid_input', 'Upsert expects an array of rows.');
  const lastIndex = new Map<string, number>();
  rows.forEach((row, i) => {
    checkRow(row, i, dimension, collection);
    lastIndex.set(row.id, i);
  });
  const kept = rows.filter((row, i) => lastIndex.get(row.id) === i);
  const vectors = new Float32Array(kept.length * dimension);
  let truncatedTitles = 0;
  const titles = kept.map((r) => {
    const t = truncateUtf8(r.title, titleMaxBytes);
    if (t !== r.title) truncatedTitles++;
    return t;
  });
  kept.forEach((row, i) => {
    vectors.set(row.embedding, i * dimension);
  });
  // Float32 conversion can overflow finite doubles to Infinity; check what will be sent.
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      const row = kept[Math.floor(i / dimension)]!;
      throw rowError(rows.indexOf(row), row.id, `embedding[${i % dimension}] is ${row.embedding[i % dimension]}, which is not a finite 32-bit float`);
    }
  }
  const all = columns(kept, titles, vectors, dimension, 0, kept.length);
  return { ...all, truncatedTitles, slice: (start, end) => columns(kept, titles, vectors, dimension, start, end) };
}

function columns(rows: readonly VectorRow[], titles: string[], vectors: Float32Array, dimension: number, start: number, end: number): PreparedBatch {
  const part = rows.slice(start, end);
  const batch: PreparedBatch = {
    ids: part.map((r) => r.id),
    repositories: part.map((r) => r.repository),
    repositoryIds: part.map((r) => r.repositoryId),
    itemTypes: part.map((r) => r.itemType),
    numbers: part.map((r) => r.number),
    titles: titles.slice(start, end),
    urls: part.map((r) => r.url),
    createdAts: part.map((r) => r.createdAt),
    updatedAts: part.map((r) => r.updatedAt),
    vectors: vectors.subarray(start * dimension, end * dimension),
    toRows: () => batch.ids.map((id, i) => ({
      [FIELD.id]: id,
      [FIELD.repository]: batch.repositories[i],
      [FIELD.repositoryId]: batch.repositoryIds[i],
      [FIELD.itemType]: batch.itemTypes[i],
      [FIELD.number]: batch.numbers[i],
      [FIELD.title]: batch.titles[i],
      [FIELD.url]: batch.urls[i],
      [FIELD.createdAt]: batch.createdAts[i],
      [FIELD.updatedAt]: batch.updatedAts[i],
      [FIELD.embedding]: Array.from(batch.vectors.subarray(i * dimension, (i + 1) * dimension)),
    })),
  };
  return batch;
}

function checkRow(row: VectorRow, i: number, dimension: number, collection: string): void {
  if (typeof row !== 'object' || row === null) throw rowError(i, undefined, 'is not an object');
  const id = row.id;
  const fail = (problem: string): never => {
    throw rowError(i, typeof id === 'string' ? id : undefined, problem);
  };
  text(row.id, 'id', MAX_BYTES.id, fail);
  text(row.repository, 'repository', MAX_BYTES.repository, fail);
  if (!Number.isSafeInteger(row.repositoryId) || row.repositoryId < 0) fail(`repositoryId ${String(row.repositoryId)} is not a GitHub repository id (a non-negative integer)`);
  if (!isItemType(row.itemType)) fail(`itemType ${JSON.stringify(row.itemType)} is not one of ${ITEM_TYPES.join(', ')}`);
  if (!Number.isSafeInteger(row.number) || row.number < 0) fail(`number ${String(row.number)} is not a non-negative integer`);
  if (typeof row.title !== 'string') fail('title is not a string');
  if (typeof row.url !== 'string') fail('url is not a string');
  else if (Buffer.byteLength(row.url) > MAX_BYTES.url) fail(`url is longer than ${MAX_BYTES.url} bytes`);
  for (const key of ['createdAt', 'updatedAt'] as const) {
    if (!Number.isSafeInteger(row[key]) || row[key] < 0) fail(`${key} ${String(row[key])} is not epoch milliseconds (a non-negative integer)`);
  }
  const e = row.embedding;
  if (!e || typeof e.length !== 'number') fail('embedding is missing');
  if (e.length !== dimension) {
    fail(`embedding has ${e.length} dimensions but collection ${collection} stores ${dimension}-dimensional vectors`);
  }
}

function text(value: unknown, name: string, maxBytes: number, fail: (problem: string) => never): void {
  if (typeof value !== 'string' || !value) fail(`${name} is empty or not a string`);
  const s = value as string;
  if (CONTROL.test(s)) fail(`${name} contains a control character`);
  if (Buffer.byteLength(s) > maxBytes) fail(`${name} is longer than ${maxBytes} bytes`);
}

function rowError(i: number, id: string | undefined, problem: string): OpsError {
  const which = id ? `Row ${i} (id ${JSON.stringify(id)})` : `Row ${i}`;
  return new OpsError('invalid_input', `${which}: ${problem}. Nothing was written.`);
}
