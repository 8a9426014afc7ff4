// What every POST body's validation starts with, in the API's order: a JSON object, only arguments
// the endpoint knows, then a model this emulator serves.
import * as errors from './errors.ts';
import type { ApiError } from './errors.ts';

export function parseRequestHead<M>(body: unknown, allowedKeys: ReadonlySet<string>, models: ReadonlyMap<string, M>): { b: Record<string, unknown>; model: M } | ApiError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return errors.invalidJson();
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!allowedKeys.has(key)) return errors.unknownArgument(key);
  if (b.model === undefined || b.model === null || b.model === '') return errors.missingModel();
  if (typeof b.model !== 'string') return errors.invalidType('model', 'a string', b.model);
  const model = models.get(b.model);
  if (!model) return errors.embeddingModelNotFound(b.model);
  return { b, model };
}
