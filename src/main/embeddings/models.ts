// What the product knows about OpenAI's embedding models. Other (OpenAI-compatible) model ids are
// allowed; they just get no dimension checks and need a price override.

export interface EmbeddingModelInfo {
  id: string;
  /** Vector length when `dimensions` is not sent. */
  nativeDimensions: number;
  /** Whether the API accepts the `dimensions` parameter (not ada-002). */
  supportsDimensions: boolean;
}

/** OpenAI's documented per-input limit for its embedding models. */
export const MAX_INPUT_TOKENS = 8191;
/** What we truncate to: a margin under the limit in case the service tokenizes slightly differently. */
export const DEFAULT_INPUT_TOKEN_BUDGET = 8000;
/** API limits per request. */
export const MAX_INPUTS_PER_REQUEST = 2048;
export const MAX_TOKENS_PER_REQUEST = 300_000;

export const EMBEDDING_MODELS: Readonly<Record<string, EmbeddingModelInfo>> = {
  'text-embedding-3-small': { id: 'text-embedding-3-small', nativeDimensions: 1536, supportsDimensions: true },
  'text-embedding-3-large': { id: 'text-embedding-3-large', nativeDimensions: 3072, supportsDimensions: true },
  'text-embedding-ada-002': { id: 'text-embedding-ada-002', nativeDimensions: 1536, supportsDimensions: false },
};

export function modelInfo(model: string): EmbeddingModelInfo | undefined {
  return Object.hasOwn(EMBEDDING_MODELS, model) ? EMBEDDING_MODELS[model] : undefined;
}

/** The vector length a request will produce: explicit `dimensions`, else the model's native size (undefined if unknown). */
export function effectiveDimensions(model: string, dimensions?: number): number | undefined {
  return dimensions ?? modelInfo(model)?.nativeDimensions;
}
