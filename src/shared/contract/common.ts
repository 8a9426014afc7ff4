import { z } from 'zod';

/** Input of calls that take no arguments. */
export const noInput = z.object({}).strict().default({});

export const isoTime = z.string().describe('ISO-8601 timestamp');

export const ok = z.object({ ok: z.literal(true) });

/** http(s) URL with a message an operator understands. */
export const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const id = z.string().min(1).max(200);

/**
 * A partial-update schema: the same fields, none required, and no defaults filled in
 * (zod applies defaults inside `.partial()`, which would reset untouched fields).
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>): z.ZodType<Partial<z.output<z.ZodObject<T>>>> {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([k, v]) => [k, v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)]));
  return z.object(shape).partial().strict() as unknown as z.ZodType<Partial<z.output<z.ZodObject<T>>>>;
}
