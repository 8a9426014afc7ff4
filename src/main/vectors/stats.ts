// What the console shows about a collection: existence, size, vector shape, index, load state.
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { ensureOk, isSuccess, toOpsError, type ErrorContext } from './errors.ts';
import { checkSchema, FIELD, type DescribedField } from './schema.ts';
import type { CollectionStats, LoadState } from './types.ts';

interface StatsContext {
  client: MilvusClient;
  server: string;
  requestTimeoutMs: number;
}

const LOAD_STATES: Record<string, LoadState> = {
  LoadStateLoaded: 'loaded',
  LoadStateLoading: 'loading',
  LoadStateNotLoad: 'not_loaded',
  LoadStateNotExist: 'not_exist',
};

export async function collectionStats(ctx: StatsContext, name: string, exactCount: () => Promise<number>): Promise<CollectionStats> {
  const errCtx: ErrorContext = { server: ctx.server, op: `read statistics of ${name}`, collection: name, timeoutMs: ctx.requestTimeoutMs };
  const timeout = ctx.requestTimeoutMs;
  try {
    const has = await ctx.client.hasCollection({ collection_name: name, timeout });
    ensureOk(has.status, errCtx);
    if (!has.value) {
      return { name, exists: false, entityCount: 0, entityCountExact: true, dimension: null, metric: null, indexType: null, indexParams: {}, loadState: 'not_exist', fields: [] };
    }
    const desc = await ctx.client.describeCollection({ collection_name: name, timeout });
    ensureOk(desc.status, errCtx);
    const schema = checkSchema(desc.schema.fields as unknown as DescribedField[]);
    const index = await ctx.client.describeIndex({ collection_name: name, field_name: FIELD.embedding, timeout });
    // A missing index is a state to report, not an error.
    const params = isSuccess(index.status) ? (index.index_descriptions?.[0]?.params ?? []) : [];
    const param = (key: string): string | undefined => {
      const v = params.find((p) => p.key === key)?.value;
      return v === undefined ? undefined : String(v);
    };
    const load = await ctx.client.getLoadState({ collection_name: name, timeout });
    ensureOk(load.status, errCtx);
    const loadState = LOAD_STATES[String(load.state)] ?? 'not_loaded';
    let entityCount: number;
    let entityCountExact = true;
    if (loadState === 'loaded') {
      entityCount = await exactCount();
    } else {
      const st = await ctx.client.getCollectionStatistics({ collection_name: name, timeout });
      ensureOk(st.status, errCtx);
      entityCount = Number(st.data?.row_count ?? st.stats?.find((s) => s.key === 'row_count')?.value ?? 0);
      entityCountExact = false;
    }
    return {
      name,
      exists: true,
      entityCount,
      entityCountExact,
      dimension: schema.dimension ?? null,
      metric: param('metric_type') ?? null,
      indexType: param('index_type') ?? null,
      indexParams: parseParams(param('params')),
      loadState,
      fields: schema.fields,
    };
  } catch (e) {
    throw toOpsError(e, errCtx);
  }
}

/** Milvus index params arrive as a JSON string; anything unparsable counts as none. */
export function parseParams(json: string | null | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
