// Worker thread entry: builds blocks (levels + Bloom filters) for the segments it is sent.
import { parentPort } from 'node:worker_threads';
import { BlockBuilder } from './block-builder.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('index-worker must run in a worker thread');
const builders = new Map<number, BlockBuilder>();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    builders.delete(msg.seg);
    return;
  }
  try {
    let builder = builders.get(msg.seg);
    if (!builder) {
      builder = new BlockBuilder(msg.start, msg.blockBytes);
      builders.set(msg.seg, builder);
    }
    builder.push(Buffer.from(msg.bytes, 0, msg.length));
    if (!msg.final) {
      const reply: FromWorker = { type: 'spare', spare: msg.bytes };
      port.postMessage(reply, [msg.bytes]);
      return;
    }
    builders.delete(msg.seg);
    builder.flush();
    const result = builder.take();
    const reply: FromWorker = { type: 'done', seg: msg.seg, result, spare: msg.bytes };
    port.postMessage(reply, [result.headers.buffer as ArrayBuffer, result.blooms.buffer as ArrayBuffer, msg.bytes]);
  } catch (err) {
    builders.delete(msg.seg);
    const reply: FromWorker = { type: 'error', seg: msg.seg, message: err instanceof Error ? err.stack ?? err.message : String(err) };
    port.postMessage(reply);
  }
});
