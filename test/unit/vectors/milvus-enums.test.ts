import { ConsistencyLevelEnum, DataType as SdkDataType } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { ConsistencyLevel, DataType } from '../../../src/main/vectors/milvus-enums.ts';

describe('Milvus enum constants', () => {
  it('match the SDK they stand in for', () => {
    for (const [name, value] of Object.entries(DataType)) expect([name, value]).toEqual([name, SdkDataType[name as keyof typeof SdkDataType]]);
    for (const [name, value] of Object.entries(ConsistencyLevel)) expect([name, value]).toEqual([name, ConsistencyLevelEnum[name as keyof typeof ConsistencyLevelEnum]]);
  });
});
