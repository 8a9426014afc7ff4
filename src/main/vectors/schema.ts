// The PR/issue collection's schema: what we create, and how an existing collection is checked
// against it. VarChar limits are UTF-8 bytes (Milvus counts bytes; Milvus Lite counts characters,
// so staying under the byte limit satisfies both).
import type { FieldType } from '@zilliz/milvus2-sdk-node';
import { DATA_TYPE_NAMES, DataType } from './milvus-enums.ts';
import { OpsError } from '../../shared/errors.ts';

export const DEFAULT_COLLECTION = 'pr_index';
export const ITEM_TYPES = ['pr', 'issue', 'discussion'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const FIELD = {
  id: 'id',
  repository: 'repository',
  repositoryId: 'repository_id',
  itemType: 'item_type',
  number: 'number',
  title: 'title',
  url: 'url',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  embedding: 'embedding',
} as const;

export const MAX_BYTES = {
  id: 128,
  repository: 256,
  itemType: 16,
  title: 1024,
  url: 2048,
} as const;

/** Milvus's own bounds for a float vector's dimension. */
export const MIN_DIMENSION = 2;
export const MAX_DIMENSION = 32_768;

/** Scalar fields returned with search hits. */
export const OUTPUT_FIELDS = [FIELD.id, FIELD.repository, FIELD.repositoryId, FIELD.itemType, FIELD.number, FIELD.title, FIELD.url];

export function collectionFields(dimension: number): FieldType[] {
  return [
    { name: FIELD.id, data_type: DataType.VarChar, is_primary_key: true, autoID: false, max_length: MAX_BYTES.id, description: 'pr:<id> / issue:<id> / discussion:<id>' },
    { name: FIELD.repository, data_type: DataType.VarChar, max_length: MAX_BYTES.repository, description: 'owner/name when embedded (display only)' },
    { name: FIELD.repositoryId, data_type: DataType.Int64, description: "the repository's GitHub id (stable across renames)" },
    { name: FIELD.itemType, data_type: DataType.VarChar, max_length: MAX_BYTES.itemType, description: 'pr | issue | discussion' },
    { name: FIELD.number, data_type: DataType.Int64 },
    { name: FIELD.title, data_type: DataType.VarChar, max_length: MAX_BYTES.title },
    { name: FIELD.url, data_type: DataType.VarChar, max_length: MAX_BYTES.url },
    { name: FIELD.createdAt, data_type: DataType.Int64, description: 'epoch ms' },
    { name: FIELD.updatedAt, data_type: DataType.Int64, description: 'epoch ms' },
    { name: FIELD.embedding, data_type: DataType.FloatVector, dim: dimension },
  ];
}

const EXPECTED_TYPES: Record<string, string> = {
  [FIELD.id]: 'VarChar',
  [FIELD.repository]: 'VarChar',
  [FIELD.repositoryId]: 'Int64',
  [FIELD.itemType]: 'VarChar',
  [FIELD.number]: 'Int64',
  [FIELD.title]: 'VarChar',
  [FIELD.url]: 'VarChar',
  [FIELD.createdAt]: 'Int64',
  [FIELD.updatedAt]: 'Int64',
  [FIELD.embedding]: 'FloatVector',
};

/** A field as describeCollection reports it (the SDK's formatted shape, loosely typed). */
export interface DescribedField {
  name: string;
  data_type: string | number;
  is_primary_key?: boolean;
  dim?: string | number;
  max_length?: string | number;
  type_params?: { key: string; value: string }[];
}

export interface FieldInfo {
  name: string;
  type: string;
  primaryKey: boolean;
  maxLength?: number;
  dimension?: number;
}

export function fieldInfo(f: DescribedField): FieldInfo {
  const param = (key: string): number | undefined => {
    const v = (f as unknown as Record<string, unknown>)[key] ?? f.type_params?.find((p) => p.key === key)?.value;
    return v === undefined || v === null || v === '' ? undefined : Number(v);
  };
  const type = typeof f.data_type === 'number' ? (DATA_TYPE_NAMES[f.data_type] ?? String(f.data_type)) : f.data_type;
  const info: FieldInfo = { name: f.name, type, primaryKey: f.is_primary_key === true };
  const maxLength = param('max_length');
  const dimension = param('dim');
  if (maxLength !== undefined) info.maxLength = maxLength;
  if (dimension !== undefined) info.dimension = dimension;
  return info;
}

export interface SchemaCheck {
  fields: FieldInfo[];
  /** The vector dimension, if the collection has our vector field. */
  dimension: number | undefined;
  /** Differences from our schema that make the collection unusable, worded for an operator. */
  problems: string[];
  /** The title field's byte limit as the collection defines it (we truncate to it). */
  titleMaxBytes: number;
  /** Our collection as an earlier version made it (keyed by repository name only). */
  legacy: boolean;
}

export function checkSchema(described: readonly DescribedField[]): SchemaCheck {
  const fields = described.map(fieldInfo);
  const byName = new Map(fields.map((f) => [f.name, f]));
  const problems: string[] = [];
  for (const [name, type] of Object.entries(EXPECTED_TYPES)) {
    const f = byName.get(name);
    if (!f) problems.push(`field "${name}" is missing`);
    else if (f.type !== type) problems.push(`field "${name}" is ${f.type}, not ${type}`);
  }
  const id = byName.get(FIELD.id);
  if (id && !id.primaryKey) problems.push(`field "${FIELD.id}" is not the primary key`);
  const legacy = problems.length === 1 && problems[0] === `field "${FIELD.repositoryId}" is missing`;
  return {
    fields,
    dimension: byName.get(FIELD.embedding)?.dimension,
    problems,
    legacy,
    titleMaxBytes: byName.get(FIELD.title)?.maxLength ?? MAX_BYTES.title,
  };
}

/** The error for a collection that exists under our name but not with our schema. */
export function foreignSchemaError(name: string, server: string, check: SchemaCheck): OpsError {
  if (check.legacy) {
    return new OpsError('conflict', `Collection ${name} on ${server} was made by an earlier Repo Ops that keyed entities by repository name (renames broke its counts). Recreate it (\`repo-ops milvus recreate\`), then reload it from the warehouse (\`repo-ops milvus reload\`) or re-embed.`);
  }
  const why = check.problems.join('; ') || 'it has no embedding field';
  return new OpsError('conflict', `Collection ${name} on ${server} is not a Repo Ops collection: ${why}. Recreate it, or use another collection name.`);
}
