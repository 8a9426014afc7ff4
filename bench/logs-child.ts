// Stand-in for the app core in the log benchmark: hosts the log-file engine and
// answers JSON requests over the IPC channel. Contains no measuring code.
import { LogFileIndex } from '../src/main/log-files/index.ts';
import type { EngineRequest, EngineResponse } from './logs-protocol.ts';

let idx: LogFileIndex | null = null;

function current(): LogFileIndex {
  if (!idx) throw new Error('no log file open');
  return idx;
}

async function handle(req: EngineRequest): Promise<unknown> {
  switch (req.op) {
    case 'open':
      await idx?.close();
      idx = await LogFileIndex.open(req.path, { cacheDir: req.cacheDir });
      return { lineCount: idx.lineCount, indexedBytes: idx.indexedBytes, fileSize: idx.fileSize };
    case 'readLines':
      return current().readLines(req.start, req.count, req.levels ? { levels: req.levels } : undefined);
    case 'indexMore':
      await current().indexMore({});
      return { lineCount: current().lineCount, indexedBytes: current().indexedBytes, levelCounts: current().levelCounts() };
    case 'search':
      return current().search(req.query, { levels: req.levels, limit: req.limit });
    case 'close':
      await idx?.close();
      idx = null;
      return null;
  }
}

process.on('message', (req: EngineRequest) => {
  handle(req).then(
    (result) => process.send?.({ id: req.id, ok: true, result } satisfies EngineResponse),
    (err: unknown) => process.send?.({ id: req.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies EngineResponse),
  );
});
process.send?.({ id: 0, ok: true, result: 'ready' } satisfies EngineResponse);
