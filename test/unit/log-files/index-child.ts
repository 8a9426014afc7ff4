// Child process for the kill -9 test: indexes a file with frequent checkpoints and
// reports each durable checkpoint over IPC, until the parent kills it.
import { LogFileIndex } from '../../../src/main/log-files/index.ts';

const [file, cacheDir] = process.argv.slice(2);
const idx = await LogFileIndex.open(file, { cacheDir, blockBytes: 16 * 1024, chunkBytes: 256 * 1024, workers: 2, inlineBelowBytes: 0 });
process.send?.({ type: 'opened', indexedBytes: idx.indexedBytes });
await idx.indexMore({
  checkpointEveryBytes: 512 * 1024,
  onCheckpoint: (c) => process.send?.({ type: 'checkpoint', ...c }),
});
process.send?.({ type: 'done', lines: idx.lineCount });
await idx.close();
process.disconnect?.();
