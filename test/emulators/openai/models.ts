export interface EmbeddingModel {
  id: string;
  /** Native (maximum) vector length. */
  dimensions: number;
  /** Whether the `dimensions` request parameter is accepted (not for ada-002). */
  supportsDimensions: boolean;
  maxInputTokens: number;
  created: number;
  ownedBy: string;
}

// Values as GET /v1/models reports them for the real models.
export const DEFAULT_MODELS: readonly EmbeddingModel[] = [
  { id: 'text-embedding-3-small', dimensions: 1536, supportsDimensions: true, maxInputTokens: 8192, created: 1705948997, ownedBy: 'system' },
  { id: 'text-embedding-3-large', dimensions: 3072, supportsDimensions: true, maxInputTokens: 8192, created: 1705953180, ownedBy: 'system' },
  { id: 'text-embedding-ada-002', dimensions: 1536, supportsDimensions: false, maxInputTokens: 8192, created: 1671217299, ownedBy: 'openai-internal' },
];

export function modelObject(m: Pick<EmbeddingModel, 'id' | 'created' | 'ownedBy'>): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id: m.id, object: 'model', created: m.created, owned_by: m.ownedBy };
}
