// The hand-written protobuf for the vector column, byte for byte, and the fallback when the SDK's
// pooled clients do not expose what the raw path needs. (Against a real server, see
// upsert-search.test.ts: raw and SDK encodings store identical vectors.)
import { describe, expect, it } from 'vitest';
import { encodeFloatVectorFieldData, rawUpsert, type ClientPool } from '../../../src/main/vectors/raw-upsert.ts';

describe('encodeFloatVectorFieldData', () => {
  it('writes UpsertRequest.fields_data { type FloatVector, field_name, vectors { dim, float_vector { packed data } } }', () => {
    const bytes = encodeFloatVectorFieldData('v', 2, new Float32Array([1, 2]));
    expect(bytes.toString('hex')).toBe([
      '2a15', // field 5 (fields_data), 21 bytes
      '0865', // FieldData.type = 101 (FloatVector)
      '120176', // FieldData.field_name = "v"
      '220e', // FieldData.vectors, 14 bytes
      '0802', // VectorField.dim = 2
      '120a', // VectorField.float_vector, 10 bytes
      '0a08', // FloatArray.data, packed, 8 bytes
      '0000803f', '00000040', // 1.0f, 2.0f little-endian
    ].join(''));
  });

  it('uses multi-byte lengths for real batches', () => {
    const bytes = encodeFloatVectorFieldData('embedding', 1536, new Float32Array(1536 * 1000));
    // 6,144,000 float bytes; FloatArray +5, VectorField +8, FieldData +18, fields_data tag +5.
    expect(bytes.length).toBe(6_144_036);
    // fields_data length 6,144,031 as a 4-byte varint (9f 80 f7 02), then FieldData.type.
    expect(bytes.subarray(0, 7).toString('hex')).toBe('2a9f80f7020865');
  });
});

describe('rawUpsert', () => {
  it('returns undefined (use the SDK path) and releases the client when the pool lacks the raw API', async () => {
    const released: unknown[] = [];
    const client = { Upsert: undefined };
    const pool: ClientPool = { acquire: async () => client, release: (c) => void released.push(c) };
    const res = await rawUpsert(pool, { collectionName: 'c', numRows: 1, scalarFields: [], vectorField: 'v', dimension: 2, vectors: new Float32Array(2) }, 1000);
    expect(res).toBeUndefined();
    expect(released).toEqual([client]);
  });

  it('sends one request with the SDK serializer for scalars plus the vector column, and releases once', async () => {
    const released: unknown[] = [];
    const sent: { path: string; bytes: Buffer; deadline: Date; json: string }[] = [];
    const client = {
      Upsert: {
        path: '/milvus.proto.milvus.MilvusService/Upsert',
        requestSerialize: (v: { num_rows: number }) => Buffer.from([0x38, v.num_rows]), // field 7 (num_rows)
        responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
      },
      makeUnaryRequest(path: string, serialize: (a: unknown) => Buffer, deserialize: (b: Buffer) => unknown, arg: unknown, options: { deadline: Date }, cb: (e: Error | null, v?: unknown) => void) {
        sent.push({ path, bytes: serialize(arg), deadline: options.deadline, json: JSON.stringify(arg) });
        setImmediate(() => cb(null, deserialize(Buffer.from('{"status":{"code":0}}'))));
      },
    };
    const pool: ClientPool = { acquire: async () => client, release: (c) => void released.push(c) };
    const before = Date.now();
    const res = await rawUpsert(pool, { collectionName: 'c', numRows: 1, scalarFields: [], vectorField: 'v', dimension: 2, vectors: new Float32Array([1, 2]) }, 5000);
    expect(res).toEqual({ status: { code: 0 } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe('/milvus.proto.milvus.MilvusService/Upsert');
    expect(sent[0]!.bytes.toString('hex')).toBe(`3801${encodeFloatVectorFieldData('v', 2, new Float32Array([1, 2])).toString('hex')}`);
    expect(sent[0]!.deadline.getTime()).toBeGreaterThanOrEqual(before + 5000);
    expect(sent[0]!.json).toBe('"Upsert c: 1 rows, 25 bytes"');
    expect(released).toEqual([client]);
  });
});
