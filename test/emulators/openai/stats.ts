export interface ModelStats {
  requests: number;
  inputs: number;
  tokens: number;
}

export interface EmulatorStats {
  /** Every HTTP request received. */
  requests: number;
  /** Responses by HTTP status (200, 400, 401, 429, 500, …; 0 = connection dropped by a fault). */
  byStatus: Record<number, number>;
  /** Tokens of successful embeddings requests (what OpenAI would bill). */
  billedTokens: number;
  /** Inputs embedded by successful requests. */
  inputsEmbedded: number;
  /** Successful embeddings requests per model. */
  byModel: Record<string, ModelStats>;
  /** Every input embedded, in order (token-id inputs decoded); empty if `recordTexts` is off. */
  texts: string[];
  /** 429s from the RPM/TPM limits (not injected ones, not quota). */
  rateLimited: number;
  faultsInjected: number;
  /** Successful chat completions per model, with the tokens billed. */
  chat: Record<string, { requests: number; promptTokens: number; completionTokens: number }>;
  /** Synchronous processing (parse, tokenize, vectors, encode) of successful embeddings requests. */
  cpuMs: number;
  maxCpuMs: number;
}

export function emptyStats(): EmulatorStats {
  return { requests: 0, byStatus: {}, billedTokens: 0, inputsEmbedded: 0, byModel: {}, texts: [], rateLimited: 0, faultsInjected: 0, chat: {}, cpuMs: 0, maxCpuMs: 0 };
}

/** Resets in place, so references held by tests stay live. */
export function clearStats(s: EmulatorStats): void {
  Object.assign(s, emptyStats());
}
