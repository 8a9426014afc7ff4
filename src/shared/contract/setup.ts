import { z } from 'zod';
import { call } from './define.ts';
import { noInput } from './common.ts';

export const SetupItem = z.object({ label: z.string(), done: z.boolean(), detail: z.string() });

export const SetupStep = z.object({
  id: z.enum(['profile', 'secrets', 'connections', 'backfill']),
  title: z.string(),
  done: z.boolean(),
  /** What is missing, or what was found. */
  detail: z.string(),
  /** Where in the console the step is done (a route). */
  link: z.string(),
  items: z.array(SetupItem),
});
export type SetupStep = z.infer<typeof SetupStep>;

export const SetupChecklist = z.object({ complete: z.boolean(), profileName: z.string().nullable(), steps: z.array(SetupStep) });
export type SetupChecklist = z.infer<typeof SetupChecklist>;

export const setupCalls = {
  'setup.checklist': call('The first-run checklist of the active profile (profile → secrets → tested connections → a verified backfill), from the real state', noInput, SetupChecklist),
};
