// The few Milvus SDK enum values the core needs, as plain constants: importing the SDK's
// enums would load the whole SDK (gRPC, protobufs: ≈ 50 MB) into every process, syncs and
// CLI calls that never touch Milvus included. The SDK itself is imported on first connect.
// A unit test checks these against the SDK.

export const DataType = {
  Bool: 1,
  Int8: 2,
  Int16: 3,
  Int32: 4,
  Int64: 5,
  Float: 10,
  Double: 11,
  VarChar: 21,
  Array: 22,
  JSON: 23,
  BinaryVector: 100,
  FloatVector: 101,
  Float16Vector: 102,
  BFloat16Vector: 103,
  SparseFloatVector: 104,
} as const;

export const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k]));

export const ConsistencyLevel = { Strong: 0, Session: 1, Bounded: 2, Eventually: 3 } as const;
