// The connection to one Milvus server (Milvus, Milvus Lite or Zilliz Cloud) and the
// collection-level operations: create/check, recreate, drop, list, stats.
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { OpsError } from '../../shared/errors.ts';
import { parseMilvusUrl } from './address.ts';
import { ensureOk, isSuccess, toOpsError, type ErrorContext, type StatusLike } from './errors.ts';
import { loadAndWait } from './load.ts';
import { MilvusCollection, type StoreContext } from './milvus-collection.ts';
import { checkSchema, collectionFields, FIELD, foreignSchemaError, MAX_BYTES, MAX_DIMENSION, MIN_DIMENSION, type DescribedField } from './schema.ts';
import { collectionStats } from './stats.ts';
import type { CollectionStats, EnsureOptions, VectorCollection, VectorStore } from './types.ts';

export interface MilvusConnectOptions {
  /** http://host:port, https://… (Zilliz Cloud), or host:port. */
  url: string;
  /** "user:password" for Milvus with authentication, or a Zilliz Cloud API key. */
  token?: string;
  /** How long to wait for the server to answer when connecting (default 10 s). */
  connectTimeoutMs?: number;
  /** Deadline of ordinary calls (default 60 s). */
  requestTimeoutMs?: number;
  /** Deadline of load, flush and index creation (default 10 min). */
  longTimeoutMs?: number;
  /** 'raw' (default) encodes vectors straight to protobuf; 'sdk' uses the SDK's slower row encoder. */
  upsertEncoding?: 'raw' | 'sdk';
}

/** The vector index we create: HNSW where the server takes it, else the server's AUTOINDEX. */
const INDEX_CHOICES = [
  { index_type: 'HNSW', metric_type: 'COSINE', params: { M: 16, efConstruction: 200 } },
  { index_type: 'AUTOINDEX', metric_type: 'COSINE', params: {} },
] as const;
export const METRIC = 'COSINE';
/** GetVersion's response; the SDK's type leaves out the status it carries. */
type VersionResponse = { version: string; status?: StatusLike };
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export async function connectMilvus(options: MilvusConnectOptions): Promise<MilvusVectorStore> {
  const { address, ssl, display } = parseMilvusUrl(options.url);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const token = options.token?.trim() || undefined;
  // logLevel is process-wide in the SDK (winston singleton); failures reach the operator as
  // OpsErrors, so its console logging (debug-level under NODE_ENV=test) stays off.
  const { MilvusClient: Client } = await import('@zilliz/milvus2-sdk-node');
  const client = new Client({ address, ssl, token, timeout: connectTimeoutMs, telemetry: { enabled: false }, logLevel: 'error' });
  const ctx: ErrorContext = { server: display, op: 'connect', timeoutMs: connectTimeoutMs, connecting: true };
  let timer: NodeJS.Timeout | undefined;
  try {
    // The gRPC deadline normally ends this; the timer bounds SDK retries and name resolution too.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OpsError('unavailable', `Milvus at ${display} did not answer within ${connectTimeoutMs / 1000} s. Check that the server is running and reachable, and that the URL's scheme matches the server (https:// for Zilliz Cloud and TLS servers, http:// otherwise).`)), connectTimeoutMs);
    });
    await Promise.race([
      (async () => {
        await client.connectPromise;
        // Connect can succeed without credentials on some servers; GetVersion is checked like any call.
        const v = (await client.getVersion()) as VersionResponse;
        ensureOk(v.status, ctx);
      })(),
      deadline,
    ]);
  } catch (e) {
    await client.closeConnection().catch(() => undefined);
    throw toOpsError(e, ctx);
  } finally {
    clearTimeout(timer);
  }
  return new MilvusVectorStore(client, display, options);
}

export class MilvusVectorStore implements VectorStore {
  readonly server: string;
  private readonly client: MilvusClient;
  private readonly ctx: StoreContext;
  private readonly writeQueues = new Map<string, Promise<unknown>>();

  constructor(client: MilvusClient, server: string, options: Pick<MilvusConnectOptions, 'requestTimeoutMs' | 'longTimeoutMs' | 'upsertEncoding'> = {}) {
    this.client = client;
    this.server = server;
    this.ctx = {
      client,
      server,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      longTimeoutMs: options.longTimeoutMs ?? 600_000,
      upsertEncoding: options.upsertEncoding ?? 'raw',
      exclusive: (name, fn) => this.exclusive(name, fn),
    };
  }

  async serverVersion(): Promise<string> {
    // getVersion takes no deadline; the connection's default (the connect timeout) applies.
    const v = await this.call('read the server version', undefined, async () => (await this.client.getVersion()) as VersionResponse);
    return v.version;
  }

  async listCollections(): Promise<string[]> {
    const r = await this.call('list collections', undefined, () => this.client.showCollections({ timeout: this.ctx.requestTimeoutMs }));
    return r.data.map((c) => c.name).sort();
  }

  async ensureCollection(name: string, dimension: number, options: EnsureOptions = {}): Promise<VectorCollection> {
    checkName(name);
    checkDimension(dimension);
    const has = await this.call(`check collection ${name}`, name, () => this.client.hasCollection({ collection_name: name, timeout: this.ctx.requestTimeoutMs }));
    if (!has.value) {
      const created = await this.create(name, dimension);
      if (created) return created;
      // Someone else created it meanwhile: check theirs like any existing collection.
    }
    return this.validateExisting(name, dimension, options);
  }

  async recreateCollection(name: string, dimension: number, options: EnsureOptions = {}): Promise<VectorCollection> {
    checkName(name);
    checkDimension(dimension);
    await this.dropCollection(name);
    return (await this.create(name, dimension)) ?? this.validateExisting(name, dimension, options);
  }

  async dropCollection(name: string): Promise<boolean> {
    checkName(name);
    return this.exclusive(name, async () => {
      const has = await this.call(`check collection ${name}`, name, () => this.client.hasCollection({ collection_name: name, timeout: this.ctx.requestTimeoutMs }));
      if (!has.value) return false;
      await this.call(`drop collection ${name}`, name, async () => ({ status: await this.client.dropCollection({ collection_name: name, timeout: this.ctx.requestTimeoutMs }) }));
      return true;
    });
  }

  collection(name: string): VectorCollection {
    checkName(name);
    return new MilvusCollection(this.ctx, name);
  }

  stats(name: string): Promise<CollectionStats> {
    checkName(name);
    return collectionStats(this.ctx, name, () => new MilvusCollection(this.ctx, name).count());
  }

  async close(): Promise<void> {
    await this.client.closeConnection();
  }

  /** Creates, indexes and loads the collection; undefined if it already exists (a concurrent creator). */
  private async create(name: string, dimension: number): Promise<MilvusCollection | undefined> {
    const op = `create collection ${name}`;
    const errCtx = this.errorContext(op, name, this.ctx.longTimeoutMs);
    try {
      const status = await this.createCollectionStatus(name, dimension);
      if (!isSuccess(status)) {
        if (/already exist/i.test(status.reason ?? '')) return undefined;
        ensureOk(status, errCtx);
      }
      const indexType = await this.createIndex(name);
      await loadAndWait(this.client, name, this.errorContext(`load ${name}`, name, this.ctx.longTimeoutMs));
      return new MilvusCollection(this.ctx, name, { dimension, titleMaxBytes: MAX_BYTES.title, indexType });
    } catch (e) {
      throw toOpsError(e, errCtx);
    }
  }

  private async createCollectionStatus(name: string, dimension: number): Promise<StatusLike> {
    try {
      return await this.client.createCollection({ collection_name: name, fields: collectionFields(dimension), enable_dynamic_field: false, timeout: this.ctx.requestTimeoutMs });
    } catch (e) {
      // The SDK throws the failed status itself rather than returning it.
      if (typeof e === 'object' && e !== null && 'error_code' in e) return e as StatusLike;
      throw e;
    }
  }

  private async createIndex(name: string): Promise<string> {
    let firstFailure: StatusLike | undefined;
    for (const choice of INDEX_CHOICES) {
      const status = await this.client.createIndex({ collection_name: name, field_name: FIELD.embedding, ...choice, params: { ...choice.params }, timeout: this.ctx.longTimeoutMs });
      if (isSuccess(status)) return choice.index_type;
      firstFailure ??= status;
    }
    ensureOk(firstFailure, this.errorContext(`create the vector index of ${name}`, name, this.ctx.longTimeoutMs));
    throw new Error('unreachable');
  }

  private async validateExisting(name: string, dimension: number, options: EnsureOptions): Promise<MilvusCollection> {
    const desc = await this.call(`describe ${name}`, name, () => this.client.describeCollection({ collection_name: name, timeout: this.ctx.requestTimeoutMs }));
    const check = checkSchema(desc.schema.fields as unknown as DescribedField[]);
    if (check.problems.length || check.dimension === undefined) {
      throw foreignSchemaError(name, this.server, check);
    }
    if (check.dimension !== dimension) {
      const producer = options.model ? options.model : 'the embedding model';
      throw new OpsError('conflict', `Collection ${name} stores ${check.dimension}-dimensional vectors but ${producer} produces ${dimension}. Recreate the collection or change the model's dimensions.`);
    }
    let indexType: string;
    // A missing index is a state (reported in the status), not a failed call.
    const index = await this.guard(`describe the index of ${name}`, name, () =>
      this.client.describeIndex({ collection_name: name, field_name: FIELD.embedding, timeout: this.ctx.requestTimeoutMs }));
    const params = isSuccess(index.status) ? (index.index_descriptions?.[0]?.params ?? []) : [];
    if (params.length === 0) {
      // Created by a run that stopped before indexing: finish the job.
      indexType = await this.exclusive(name, () => this.createIndex(name));
    } else {
      const metric = String(params.find((p) => p.key === 'metric_type')?.value ?? '');
      if (metric && metric.toUpperCase() !== METRIC) {
        throw new OpsError('conflict', `Collection ${name} is indexed for ${metric} distance, but Repo Ops scores by ${METRIC} similarity. Recreate the collection.`);
      }
      indexType = String(params.find((p) => p.key === 'index_type')?.value ?? 'unknown');
    }
    const load = await this.call(`check whether ${name} is loaded`, name, () => this.client.getLoadState({ collection_name: name, timeout: this.ctx.requestTimeoutMs }));
    if (String(load.state) !== 'LoadStateLoaded') {
      await loadAndWait(this.client, name, this.errorContext(`load ${name}`, name, this.ctx.longTimeoutMs));
    }
    return new MilvusCollection(this.ctx, name, { dimension, titleMaxBytes: check.titleMaxBytes, indexType });
  }

  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.writeQueues.get(name) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.writeQueues.set(name, settled);
    void settled.then(() => {
      if (this.writeQueues.get(name) === settled) this.writeQueues.delete(name);
    });
    return next;
  }

  /** Runs an SDK call whose response has a `status`, mapping failures to OpsErrors. */
  private async call<T extends { status?: StatusLike }>(op: string, collection: string | undefined, fn: () => Promise<T>, timeoutMs = this.ctx.requestTimeoutMs): Promise<T> {
    const res = await this.guard(op, collection, fn, timeoutMs);
    ensureOk(res.status, this.errorContext(op, collection, timeoutMs));
    return res;
  }

  /** Runs an SDK call, mapping a thrown error to an OpsError. */
  private async guard<T>(op: string, collection: string | undefined, fn: () => Promise<T>, timeoutMs = this.ctx.requestTimeoutMs): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toOpsError(e, this.errorContext(op, collection, timeoutMs));
    }
  }

  private errorContext(op: string, collection: string | undefined, timeoutMs: number): ErrorContext & { timeoutMs: number } {
    return collection === undefined ? { server: this.server, op, timeoutMs } : { server: this.server, op, collection, timeoutMs };
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new OpsError('invalid_input', `${JSON.stringify(name)} is not a valid collection name: use letters, digits and underscores (starting with a letter or underscore), at most 255 characters.`);
  }
}

function checkDimension(dimension: number): void {
  if (!Number.isInteger(dimension) || dimension < MIN_DIMENSION || dimension > MAX_DIMENSION) {
    throw new OpsError('invalid_input', `The vector dimension must be an integer in ${MIN_DIMENSION}–${MAX_DIMENSION}, not ${dimension}.`);
  }
}
