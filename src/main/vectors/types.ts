// The product's view of vector storage. MilvusVectorStore implements it over Milvus; code that
// only needs "somewhere to put and search vectors" depends on these interfaces, so it can be
// tested with a fake.
import type { SearchFilter } from './filter.ts';
import type { FieldInfo, ItemType } from './schema.ts';

/** One pull request, issue or discussion with its embedding. */
export interface VectorRow {
  /** Primary key, e.g. "pr:123456" or "issue:789". Upserting the same id replaces the row. */
  id: string;
  /** owner/name when embedded: for display; filters and counts use repositoryId. */
  repository: string;
  /** The repository's GitHub id, stable across renames and transfers. */
  repositoryId: number;
  itemType: ItemType;
  number: number;
  /** Cut to the collection's byte limit (with "…") when longer. */
  title: string;
  url: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  embedding: ArrayLike<number>;
}

/** A stored row as search returns it: without its vector and times, with its score. */
export interface SearchHit extends Omit<VectorRow, 'createdAt' | 'updatedAt' | 'embedding'> {
  /** Cosine similarity, higher is nearer (1 = same direction). */
  score: number;
}

export interface SearchOptions extends SearchFilter {
  /** Number of hits, 1–16384 (default 10). */
  limit?: number;
  /**
   * 'bounded' (default): may miss writes from the last moments, fastest. 'strong': sees every
   * write acknowledged before the search (read-your-writes), at some latency on a cluster.
   */
  consistency?: 'bounded' | 'strong';
}

export interface UpsertOptions {
  /** Rows per request (default 1000; fewer when a request would pass 48 MiB, e.g. very wide vectors). */
  batchSize?: number;
  /** Called after each batch with the rows written so far. */
  onProgress?: (written: number, total: number) => void;
  /** Checked between batches; batches already sent stay written. */
  signal?: AbortSignal;
}

export interface UpsertResult {
  /** Distinct ids written (a repeated id within one call is written once, last one wins). */
  upserted: number;
  batches: number;
  /** Titles that were cut to fit the collection. */
  truncatedTitles: number;
}

export type LoadState = 'loaded' | 'loading' | 'not_loaded' | 'not_exist';

export interface CollectionStats {
  name: string;
  exists: boolean;
  /** Distinct rows: an exact count(*) when the collection is loaded, else the server's row count. */
  entityCount: number;
  entityCountExact: boolean;
  dimension: number | null;
  metric: string | null;
  indexType: string | null;
  indexParams: Record<string, unknown>;
  loadState: LoadState;
  fields: FieldInfo[];
}

export interface EnsureOptions {
  /** The embedding model, named in the dimension-mismatch message. */
  model?: string;
}

/** Operations on one collection. */
export interface VectorCollection {
  readonly name: string;
  upsert(rows: readonly VectorRow[], options?: UpsertOptions): Promise<UpsertResult>;
  /** Makes written rows durable (sealed segments). */
  flush(): Promise<void>;
  /** Loads the collection into memory so it can be searched and counted. */
  load(): Promise<void>;
  /** Returns how many ids were deleted (as the server reports it). */
  deleteByIds(ids: readonly string[]): Promise<number>;
  /** Deletes every row of one repository (by GitHub id, else by name); returns how many there were. */
  deleteRepository(filter: Pick<SearchFilter, 'repository' | 'repositoryId'>): Promise<number>;
  /** Rows of repositories whose GitHub id is not tracked (removed repositories left behind): how many, and which. */
  untracked(trackedIds: readonly number[]): Promise<{ count: number; repositories: { id: number; name: string }[] }>;
  /** Exact number of distinct rows (strongly consistent count(*)), optionally of one repository/type. */
  count(filter?: SearchFilter): Promise<number>;
  search(vector: ArrayLike<number>, options?: SearchOptions): Promise<SearchHit[]>;
  stats(): Promise<CollectionStats>;
}

export interface VectorStore {
  /** scheme://host:port of the server, for display. */
  readonly server: string;
  serverVersion(): Promise<string>;
  listCollections(): Promise<string[]>;
  /**
   * Creates the collection (schema, COSINE index, loaded) or checks an existing one: a different
   * vector dimension or an incompatible schema is refused with an OpsError ('conflict').
   */
  ensureCollection(name: string, dimension: number, options?: EnsureOptions): Promise<VectorCollection>;
  /** Drops (if present) and creates the collection empty. */
  recreateCollection(name: string, dimension: number, options?: EnsureOptions): Promise<VectorCollection>;
  /** Returns whether the collection existed. */
  dropCollection(name: string): Promise<boolean>;
  /** A handle on an existing collection (checked on first use). */
  collection(name: string): VectorCollection;
  stats(name: string): Promise<CollectionStats>;
  close(): Promise<void>;
}
