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

/** The built-in values behind each editable setting, so Settings can show and restore them. */
export const SettingDefaults = z.object({
  healthThresholds: z.record(z.string(), z.record(z.string(), z.number())),
  embeddingPrices: z.record(z.string(), z.number()),
  rotationDays: z.record(z.string(), z.number().int()),
});
export type SettingDefaults = z.infer<typeof SettingDefaults>;

export const appCalls = {
  'app.info': call('Version, mode and data directory of the running core', noInput, AppInfo),
  'app.settingDefaults': call('Built-in defaults of the editable settings (runbook thresholds, list prices, rotation intervals)', noInput, SettingDefaults),
};
