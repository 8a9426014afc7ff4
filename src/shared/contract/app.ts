import { z } from 'zod';
import { call } from './define.ts';
import { isoTime, noInput } from './common.ts';

export const AppInfo = z.object({
  name: z.literal('Repo Ops'),
  version: z.string(),
  mode: z.enum(['electron', 'serve', 'cli', 'test']),
  home: z.string(),
  startedAt: isoTime,
  pid: z.number(),
  node: z.string(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appCalls = {
  'app.info': call('Version, mode and data directory of the running core', noInput, AppInfo),
};
