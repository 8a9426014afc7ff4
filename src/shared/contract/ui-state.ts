import { z } from 'zod';
import { call } from './define.ts';
import { ok } from './common.ts';

const key = z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/, 'lowercase letters, digits, dots and dashes');

/** Small pieces of UI state kept by the core, so they survive a closed window or a new serve port. */
export const uiStateCalls = {
  'ui.getState': call('Read a saved UI state blob', z.object({ key }), z.object({ value: z.unknown().nullable() })),
  'ui.setState': call('Save a UI state blob (at most 64 KB of JSON)', z.object({ key, value: z.unknown() }).refine((v) => JSON.stringify(v.value ?? null).length <= 65_536, 'state is larger than 64 KB'), ok),
};
