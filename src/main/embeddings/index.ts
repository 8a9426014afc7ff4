// The product's embedding client: text preparation, pricing, packing and the OpenAI embedder.
export { packBatches, resolveLimits, DEFAULT_MAX_INPUTS } from './batches.ts';
export type { Batch, EmbedItem, PackLimits } from './batches.ts';
export { cleanMarkdown } from './clean.ts';
export { parseDurationMs, retryAfterMs } from './durations.ts';
export { DEFAULT_INPUT_TOKEN_BUDGET, EMBEDDING_MODELS, MAX_INPUT_TOKENS, MAX_INPUTS_PER_REQUEST, MAX_TOKENS_PER_REQUEST, effectiveDimensions, modelInfo } from './models.ts';
export type { EmbeddingModelInfo } from './models.ts';
export { OpenAIEmbedder, minWallSeconds } from './openai-embedder.ts';
export type { BatchResult, EmbedAllOptions, EmbedRunSummary, EmbeddingEstimate, OpenAIEmbedderOptions, WorkloadShape } from './openai-embedder.ts';
export { EMBEDDING_PRICES_PER_MTOK, costUsd, priceTable, pricePerMillionTokens } from './pricing.ts';
export type { PriceTable } from './pricing.ts';
export { contentHash, countTokens, embeddingText, needsEmbedding, prepareEmbeddingText } from './text.ts';
export type { DocumentType, EmbeddableDocument, PreparedText } from './text.ts';
