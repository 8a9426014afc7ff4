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
