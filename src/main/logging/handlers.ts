import type { LogEntry } from '../../shared/contract/logs.ts';
import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { LEVEL_NUMBERS } from './levels.ts';
import type { LogStore } from './log-store.ts';

const EXPORT_MAX = 100_000;

export function logHandlers(store: LogStore, settings: SettingsService): HandlerGroup<'logs'> {
  return {
    'logs.query': ({ beforeId, limit, ...filter }) => store.query({ ...filter, beforeId }, limit),
    'logs.export': ({ format, ...filter }) => {
      const lines: string[] = format === 'csv' ? ['id,ts,level,event,run_id,component,msg'] : [];
      let n = 0;
      for (const e of store.iterate(filter, EXPORT_MAX + 1)) {
        if (n++ === EXPORT_MAX) break;
        lines.push(format === 'csv' ? csvRow(e) : JSON.stringify(e));
      }
      return { content: lines.join('\n') + '\n', lines: Math.min(n, EXPORT_MAX), truncated: n > EXPORT_MAX };
    },
    'logs.stats': () => ({ ...store.stats(), retentionDays: settings.get().logRetentionDays }),
  };
}

export function logTopicSources(store: LogStore): Pick<TopicSources, 'logs.line'> {
  return {
    'logs.line': (filter, emit) => {
      const min = filter.minLevel ? LEVEL_NUMBERS[filter.minLevel] : 0;
      const listener = (e: LogEntry) => {
        if (filter.runId && e.runId !== filter.runId) return;
        if (filter.component && e.component !== filter.component) return;
        if (LEVEL_NUMBERS[e.level] < min) return;
        emit(e);
      };
      store.events.on('entry', listener);
      return () => store.events.off('entry', listener);
    },
  };
}

function csvRow(e: LogEntry): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [e.id, e.ts, e.level, e.event, e.runId, e.component, e.msg].map(cell).join(',');
}
