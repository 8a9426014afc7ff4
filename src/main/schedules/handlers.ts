import type { HandlerGroup } from '../rpc/types.ts';
import type { ScheduleService } from './schedule-service.ts';

export function scheduleHandlers(schedules: ScheduleService): HandlerGroup<'schedules'> {
  return {
    'schedules.list': () => schedules.list(),
    'schedules.presets': () => schedules.presets(),
    'schedules.add': (input) => schedules.add(input),
    'schedules.applyPreset': ({ presetId, enabled }) => schedules.applyPreset(presetId, enabled),
    'schedules.update': ({ id, patch }) => schedules.update(id, patch),
    'schedules.remove': async ({ id }) => {
      await schedules.remove(id);
      return { ok: true as const };
    },
    'schedules.setEnabled': ({ id, enabled }) => schedules.setEnabled(id, enabled),
    'schedules.runNow': ({ id }) => schedules.runNow(id),
    'schedules.history': ({ id, limit }) => schedules.history(id, limit),
    'schedules.preview': ({ cron, tz, count }) => schedules.preview(cron, tz, count),
  };
}
