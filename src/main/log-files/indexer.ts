// The indexing pipeline: the calling thread reads the file in large chunks and hands
// line-aligned segments to the segmenter (worker threads); results come back in any
// order and are handed to `assemble` strictly in file order, so whatever has been
// assembled is always a contiguous prefix of the file.
import type { FileHandle } from 'node:fs/promises';
import type { BuiltBlocks } from './block-builder.ts';
import { InlineSegmenter, WorkerSegmenter, type Segmenter } from './segmenter.ts';
import { readRange } from './file-io.ts';

export interface IndexRangeOptions {
  fh: FileHandle;
  /** A line start. */
  from: number;
  to: number;
  blockBytes: number;
  chunkBytes: number;
  /** 0 = index inline on this thread. */
  workers: number;
  signal: AbortSignal;
  assemble(blocks: BuiltBlocks): Promise<void>;
}

const noop = (): void => {};

/** Reads into a buffer from the segmenter (exclusively owned, transferable to a worker). */
function readChunk(seg: Segmenter, fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  return readRange(fh, pos, len, seg.buffer(len));
}

/** Indexes the complete lines of [from, to); returns the end of the last complete line. */
export async function indexRange(o: IndexRangeOptions): Promise<number> {
  const seg: Segmenter = o.workers > 0 ? new WorkerSegmenter(o.workers, o.blockBytes) : new InlineSegmenter(o.blockBytes);
  const maxInFlight = Math.max(2, o.workers * 2);
  const queue: Promise<BuiltBlocks>[] = [];
  let pos = o.from;
  let lineEnd = o.from;
  let segId = 0;
  let open = false; // a segment (one very long line) is spread over several chunks
  let reading = true;
  try {
    for (;;) {
      o.signal.throwIfAborted();
      if (queue.length > 0 && (queue.length >= maxInFlight || !reading)) {
        const blocks = await (queue.shift() as Promise<BuiltBlocks>);
        o.signal.throwIfAborted();
        await o.assemble(blocks);
        continue;
      }
      if (!reading || pos >= o.to) break;
      const buf = await readChunk(seg, o.fh, pos, Math.min(o.chunkBytes, o.to - pos));
      const nl = buf.lastIndexOf(10);
      if (nl >= 0) {
        const done = seg.push(segId, pos, buf.subarray(0, nl + 1), true) as Promise<BuiltBlocks>;
        done.catch(noop); // awaited in order below; not "unhandled" meanwhile
        queue.push(done);
        segId++;
        open = false;
        pos += nl + 1;
        lineEnd = pos;
      } else if (buf.length === 0 || pos + buf.length >= o.to) {
        reading = false; // only an unterminated last line is left (or the file shrank)
      } else {
        const len = buf.length; // read before the buffer is moved to a worker
        seg.push(segId, pos, buf, false);
        open = true;
        pos += len;
      }
      if (pos >= o.to) reading = false;
    }
    if (open) seg.cancel(segId);
    return lineEnd;
  } finally {
    await seg.close();
  }
}
