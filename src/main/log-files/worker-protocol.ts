// Messages between the indexer and its worker threads. A segment is a run of whole
// lines; it usually fits one chunk, but a line longer than a chunk spans several
// messages (final=false) sent to the same worker, which keeps one builder per segment.
import type { BuiltBlocks } from './block-builder.ts';

export type ToWorker =
  | { type: 'chunk'; seg: number; start: number; bytes: ArrayBuffer; length: number; final: boolean; blockBytes: number }
  | { type: 'cancel'; seg: number };

// Chunk buffers travel back ('spare', or with 'done') to be reused for the next reads:
// the worker would otherwise hold many dead 4 MB buffers until its next GC.
export type FromWorker =
  | { type: 'done'; seg: number; result: BuiltBlocks; spare: ArrayBuffer }
  | { type: 'spare'; spare: ArrayBuffer }
  | { type: 'error'; seg: number; message: string };
