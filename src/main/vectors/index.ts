// Milvus layer: the PR/issue vector collection over @zilliz/milvus2-sdk-node (Milvus, Milvus Lite,
// Zilliz Cloud).
//
// API
//   connectMilvus({ url, token?, connectTimeoutMs = 10 s, requestTimeoutMs = 60 s,
//                   longTimeoutMs = 10 min, upsertEncoding = 'raw' }) → MilvusVectorStore
//       url: http://host:port, https://… (TLS, Zilliz Cloud; port 443 by default) or host:port
//       (port 19530 by default). Unreachable, refused, TLS and credential failures are OpsErrors
//       naming the server; no message contains the token.
//   store.serverVersion() → string           store.listCollections() → string[]
//   store.ensureCollection(name, dim, { model? }) → VectorCollection
//       creates (schema below, HNSW/COSINE index — AUTOINDEX where HNSW is refused — loaded) or
//       checks an existing collection: another dimension, schema or metric → OpsError 'conflict'.
//   store.recreateCollection(name, dim) · store.dropCollection(name) → existed
//   store.collection(name) → handle on an existing collection · store.stats(name) · store.close()
//   coll.upsert(rows, { batchSize = 1000, onProgress?, signal? }) → { upserted, batches, truncatedTitles }
//       by primary key, so reruns never duplicate; all rows are checked before the first batch.
//   coll.flush() · coll.load() · coll.deleteByIds(ids) → n · coll.count() → exact distinct rows
//   coll.search(vector, { repository?, itemTypes?, limit = 10, consistency = 'bounded' })
//       → [{ id, score (cosine), repository, itemType, number, title, url }] best first.
//   coll.stats() → { exists, entityCount, entityCountExact, dimension, metric, indexType,
//                    indexParams, loadState, fields }
//
// Schema (DEFAULT_COLLECTION = "pr_index"): id VarChar(128) primary key ("pr:123456"),
// repository VarChar(256), item_type VarChar(16) (pr | issue | discussion), number Int64,
// title VarChar(1024 bytes; longer titles are cut with "…"), url VarChar(2048), created_at and
// updated_at Int64 epoch ms, embedding FloatVector(dim).
export { parseMilvusUrl, DEFAULT_MILVUS_PORT, type MilvusAddress } from './address.ts';
export { searchExpression, stringLiteral } from './filter.ts';
export { connectMilvus, MilvusVectorStore, type MilvusConnectOptions } from './milvus-store.ts';
export { DEFAULT_COLLECTION, ITEM_TYPES, MAX_BYTES, type FieldInfo, type ItemType } from './schema.ts';
export { truncateUtf8 } from './truncate.ts';
export type {
  CollectionStats, EnsureOptions, LoadState, SearchHit, SearchOptions, UpsertOptions, UpsertResult,
  VectorCollection, VectorRow, VectorStore,
} from './types.ts';
