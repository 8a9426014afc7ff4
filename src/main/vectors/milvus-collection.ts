// Operations on one collection of the PR/issue schema, over a connected MilvusClient.
import type { MilvusClient, RowData } from '@zilliz/milvus2-sdk-node';
import { ConsistencyLevel, DataType } from './milvus-enums.ts';
import { OpsError } from '../../shared/errors.ts';
import { ensureOk, isSuccess, toOpsError, type ErrorContext, type StatusLike } from './errors.ts';
import { loadAndWait } from './load.ts';
import { idsExpression, searchExpression, untrackedExpression, type SearchFilter } from './filter.ts';
import { rawUpsert, type ClientPool } from './raw-upsert.ts';
import { prepareRows, type PreparedBatch } from './rows.ts';
import { checkSchema, FIELD, foreignSchemaError, OUTPUT_FIELDS, type DescribedField, type ItemType } from './schema.ts';
import { collectionStats } from './stats.ts';
import type { CollectionStats, SearchHit, SearchOptions, UpsertOptions, UpsertResult, VectorCollection, VectorRow } from './types.ts';

export interface StoreContext {
  client: MilvusClient;
  server: string;
  requestTimeoutMs: number;
  /** For load, flush and index builds, which take long on big collections. */
  longTimeoutMs: number;
  upsertEncoding: 'raw' | 'sdk';
  /** Runs writes to one collection one at a time (Milvus Lite does not support concurrent writers). */
  exclusive<T>(collection: string, fn: () => Promise<T>): Promise<T>;
}

interface CollectionInfo {
  dimension: number;
  titleMaxBytes: number;
  indexType: string | null;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_SEARCH_LIMIT = 16_384;
const DELETE_CHUNK = 1000;
/** Requests stay well under gRPC/Zilliz Cloud message limits (64 MiB) whatever batchSize says. */
const MAX_REQUEST_BYTES = 48 * 2 ** 20;
const ROW_OVERHEAD_BYTES = 4096; // scalar fields at their maximum sizes

export class MilvusCollection implements VectorCollection {
  readonly name: string;
  private readonly ctx: StoreContext;
  private info: CollectionInfo | undefined;

  constructor(ctx: StoreContext, name: string, info?: CollectionInfo) {
    this.ctx = ctx;
    this.name = name;
    this.info = info;
  }

  async upsert(rows: readonly VectorRow[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
      throw new OpsError('invalid_input', `batchSize must be an integer in 1–100000, not ${batchSize}.`);
    }
    const info = await this.describe();
    // Everything is checked before the first batch is sent, so a bad row writes nothing.
    const prepared = prepareRows(rows, info.dimension, info.titleMaxBytes, this.name);
    const rowsPerRequest = Math.min(batchSize, Math.max(1, Math.floor(MAX_REQUEST_BYTES / (info.dimension * 4 + ROW_OVERHEAD_BYTES))));
    const total = prepared.ids.length;
    let batches = 0;
    await this.ctx.exclusive(this.name, async () => {
      for (let start = 0; start < total; start += rowsPerRequest) {
        if (options.signal?.aborted) throw new OpsError('cancelled', `Upsert into ${this.name} was cancelled after ${start} of ${total} rows.`);
        const end = Math.min(total, start + rowsPerRequest);
        await this.sendBatch(prepared.slice(start, end), info.dimension);
        batches++;
        options.onProgress?.(end, total);
      }
    });
    return { upserted: total, batches, truncatedTitles: prepared.truncatedTitles };
  }

  private async sendBatch(batch: PreparedBatch, dimension: number): Promise<void> {
    const ctx = this.errorContext(`upsert ${batch.ids.length} rows into ${this.name}`, this.ctx.requestTimeoutMs);
    try {
      let result: unknown;
      if (this.ctx.upsertEncoding === 'raw') {
        result = await rawUpsert(this.ctx.client.channelPool as unknown as ClientPool, {
          collectionName: this.name,
          numRows: batch.ids.length,
          scalarFields: scalarColumns(batch),
          vectorField: FIELD.embedding,
          dimension,
          vectors: batch.vectors,
        }, this.ctx.requestTimeoutMs);
      }
      result ??= await this.ctx.client.upsert({ collection_name: this.name, data: batch.toRows() as RowData[], timeout: this.ctx.requestTimeoutMs });
      ensureOk((result as { status?: Parameters<typeof ensureOk>[0] }).status, ctx);
    } catch (e) {
      throw toOpsError(e, ctx);
    }
  }

  async flush(): Promise<void> {
    await this.call(`flush ${this.name}`, this.ctx.longTimeoutMs, async (timeout) => {
      const res = await this.ctx.client.flushSync({ collection_names: [this.name], timeout });
      return { status: res.status, value: undefined };
    });
  }

  async load(): Promise<void> {
    await loadAndWait(this.ctx.client, this.name, this.errorContext(`load ${this.name}`, this.ctx.longTimeoutMs));
  }

  async deleteByIds(ids: readonly string[]): Promise<number> {
    for (const id of ids) {
      if (typeof id !== 'string' || !id) throw new OpsError('invalid_input', 'Every id to delete must be a non-empty string.');
    }
    const unique = [...new Set(ids)];
    let deleted = 0;
    await this.ctx.exclusive(this.name, async () => {
      for (let i = 0; i < unique.length; i += DELETE_CHUNK) {
        const chunk = unique.slice(i, i + DELETE_CHUNK);
        const res = await this.call(`delete ${chunk.length} rows from ${this.name}`, this.ctx.requestTimeoutMs, async (timeout) => {
          const r = await this.ctx.client.delete({ collection_name: this.name, filter: idsExpression(chunk), timeout });
          return { status: r.status, value: Number(r.delete_cnt ?? 0) };
        });
        deleted += res;
      }
    });
    return deleted;
  }

  async deleteRepository(filter: Pick<SearchFilter, 'repository' | 'repositoryId'>): Promise<number> {
    const only = filter.repositoryId !== undefined ? { repositoryId: filter.repositoryId } : { repository: filter.repository };
    const expr = searchExpression(only);
    // Never an empty expression here: that would delete every row.
    if (!expr) throw new OpsError('invalid_input', 'Name the repository whose vectors to delete');
    const before = await this.count(only);
    if (!before) return 0;
    await this.ctx.exclusive(this.name, () =>
      this.call(`delete the rows of ${filter.repository ?? filter.repositoryId} from ${this.name}`, this.ctx.requestTimeoutMs, async (timeout) => {
        const r = await this.ctx.client.delete({ collection_name: this.name, filter: expr, timeout });
        return { status: r.status, value: Number(r.delete_cnt ?? 0) };
      }),
    );
    return before;
  }

  async untracked(trackedIds: readonly number[]): Promise<{ count: number; repositories: { id: number; name: string }[] }> {
    const expr = untrackedExpression(trackedIds);
    const count = await this.countExpression(expr);
    if (!count) return { count, repositories: [] };
    // Which repositories: those of a sample of the rows (Milvus has no GROUP BY).
    const repositories = await this.call(`list untracked repositories in ${this.name}`, this.ctx.requestTimeoutMs, async (timeout) => {
      const r = await this.ctx.client.query({ collection_name: this.name, filter: expr || `${FIELD.id} != ""`, output_fields: [FIELD.repository, FIELD.repositoryId], limit: 1000, consistency_level: ConsistencyLevel.Strong, timeout });
      const byId = new Map<number, string>();
      for (const d of r.data as Record<string, unknown>[]) byId.set(Number(d[FIELD.repositoryId]), String(d[FIELD.repository]));
      return { status: r.status, value: [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)) };
    });
    return { count, repositories };
  }

  async count(filter: SearchFilter = {}): Promise<number> {
    return this.countExpression(searchExpression(filter));
  }

  private async countExpression(expr: string): Promise<number> {
    // count(*) with strong consistency: num_entities / collection statistics can still include
    // replaced versions of upserted rows and deleted rows until compaction.
    return this.call(`count rows in ${this.name}`, this.ctx.requestTimeoutMs, async (timeout) => {
      const r = await this.ctx.client.query({
        collection_name: this.name,
        filter: expr,
        output_fields: ['count(*)'],
        consistency_level: ConsistencyLevel.Strong,
        timeout,
      });
      return { status: r.status, value: Number((r.data[0] as Record<string, unknown> | undefined)?.['count(*)'] ?? 0) };
    });
  }

  async search(vector: ArrayLike<number>, options: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = options.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw new OpsError('invalid_input', `The search limit must be an integer in 1–${MAX_SEARCH_LIMIT}, not ${limit}.`);
    }
    const filter = searchExpression(options);
    const info = await this.describe();
    const query = Array.from(vector);
    if (query.length !== info.dimension) {
      throw new OpsError('invalid_input', `The query vector has ${query.length} dimensions but collection ${this.name} stores ${info.dimension}-dimensional vectors: embed the query with the collection's model.`);
    }
    if (!query.every(Number.isFinite)) throw new OpsError('invalid_input', 'The query vector contains NaN or infinite values.');
    const hits = await this.call(`search ${this.name}`, this.ctx.requestTimeoutMs, async (timeout) => {
      const r = await this.ctx.client.search({
        collection_name: this.name,
        anns_field: FIELD.embedding,
        data: [query],
        limit,
        filter: filter || undefined,
        output_fields: OUTPUT_FIELDS,
        // HNSW needs ef >= limit; other index types take no search parameters here.
        params: info.indexType === 'HNSW' ? { ef: Math.max(64, limit) } : {},
        consistency_level: options.consistency === 'strong' ? ConsistencyLevel.Strong : ConsistencyLevel.Bounded,
        timeout,
      });
      return { status: r.status, value: r.results as unknown as Record<string, unknown>[] };
    });
    return hits.map(toHit).sort((a, b) => b.score - a.score);
  }

  stats(): Promise<CollectionStats> {
    return collectionStats(this.ctx, this.name, () => this.count());
  }

  /** Dimension, title limit and index type, described once per handle. */
  private async describe(): Promise<CollectionInfo> {
    if (this.info) return this.info;
    const desc = await this.call(`describe ${this.name}`, this.ctx.requestTimeoutMs, async (timeout) => {
      const r = await this.ctx.client.describeCollection({ collection_name: this.name, timeout });
      return { status: r.status, value: r };
    });
    const check = checkSchema(desc.schema.fields as unknown as DescribedField[]);
    if (check.problems.length || check.dimension === undefined) {
      throw foreignSchemaError(this.name, this.ctx.server, check);
    }
    // A missing index is a state (reported in the status), not a failed call.
    const index = await this.guard(`describe the index of ${this.name}`, this.ctx.requestTimeoutMs, (timeout) =>
      this.ctx.client.describeIndex({ collection_name: this.name, field_name: FIELD.embedding, timeout }));
    const indexType = isSuccess(index.status) ? index.index_descriptions?.[0]?.params.find((p) => p.key === 'index_type')?.value : undefined;
    const info: CollectionInfo = { dimension: check.dimension, titleMaxBytes: check.titleMaxBytes, indexType: indexType === undefined ? null : String(indexType) };
    this.info = info;
    return info;
  }

  /** Runs one SDK call, maps a failed status or a thrown error to an OpsError, returns the value. */
  private async call<T>(op: string, timeoutMs: number, fn: (timeout: number) => Promise<{ status: StatusLike | undefined; value: T }>): Promise<T> {
    const res = await this.guard(op, timeoutMs, fn);
    ensureOk(res.status, this.errorContext(op, timeoutMs));
    return res.value;
  }

  /** Runs one SDK call, mapping a thrown error to an OpsError. */
  private async guard<T>(op: string, timeoutMs: number, fn: (timeout: number) => Promise<T>): Promise<T> {
    try {
      return await fn(timeoutMs);
    } catch (e) {
      throw toOpsError(e, this.errorContext(op, timeoutMs));
    }
  }

  private errorContext(op: string, timeoutMs: number): ErrorContext & { timeoutMs: number } {
    return { server: this.ctx.server, op, collection: this.name, timeoutMs };
  }
}

function scalarColumns(batch: PreparedBatch): object[] {
  const strings = (name: string, data: string[]) => ({ type: DataType.VarChar, field_name: name, scalars: { string_data: { data } } });
  const longs = (name: string, data: number[]) => ({ type: DataType.Int64, field_name: name, scalars: { long_data: { data } } });
  return [
    strings(FIELD.id, batch.ids),
    strings(FIELD.repository, batch.repositories),
    longs(FIELD.repositoryId, batch.repositoryIds),
    strings(FIELD.itemType, batch.itemTypes),
    longs(FIELD.number, batch.numbers),
    strings(FIELD.title, batch.titles),
    strings(FIELD.url, batch.urls),
    longs(FIELD.createdAt, batch.createdAts),
    longs(FIELD.updatedAt, batch.updatedAts),
  ];
}

function toHit(h: Record<string, unknown>): SearchHit {
  return {
    id: String(h.id ?? h[FIELD.id]),
    score: Number(h.score),
    repository: String(h[FIELD.repository] ?? ''),
    repositoryId: Number(h[FIELD.repositoryId] ?? 0),
    itemType: String(h[FIELD.itemType] ?? '') as ItemType,
    number: Number(h[FIELD.number]),
    title: String(h[FIELD.title] ?? ''),
    url: String(h[FIELD.url] ?? ''),
  };
}
