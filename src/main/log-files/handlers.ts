import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { LogFileService } from './log-file-service.ts';

export function logFileHandlers(files: LogFileService): HandlerGroup<'logFiles'> {
  return {
    // Over the WebSocket (repo-ops serve) a typed path is confined to the allowed directories.
    'logFiles.open': ({ path }, ctx) => files.open(path, { remote: ctx.transport === 'websocket' }),
    'logFiles.list': () => files.list(),
    'logFiles.lines': ({ fileId, start, count, levels }) => files.lines(fileId, start, count, levels),
    'logFiles.search': ({ fileId, query, levels, fromLine, limit }) => files.search(fileId, query, { levels, fromLine, limit }),
    'logFiles.export': ({ fileId, levels, query }) => files.export(fileId, { levels, query }),
    'logFiles.histogram': ({ fileId, query, levels, buckets }) => files.histogram(fileId, { query, levels, buckets }),
    'logFiles.merge': ({ fileIds, levels, cursor, limit }) => files.merge(fileIds, { levels, cursor, limit }),
    'logFiles.close': async ({ fileId }) => {
      await files.close(fileId);
      return { ok: true as const };
    },
  };
}

export function logFileTopicSources(files: LogFileService): Pick<TopicSources, 'logFiles.changed'> {
  return {
    'logFiles.changed': (filter, emit) => files.follow(filter.fileId, emit),
  };
}
