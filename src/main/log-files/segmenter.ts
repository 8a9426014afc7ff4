// Runs segments through BlockBuilders, either on worker threads (big backlogs) or
// inline on the calling thread (small increments, e.g. follow mode), same results.
import { Worker } from 'node:worker_threads';
import { BlockBuilder, type BuiltBlocks } from './block-builder.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';
import { indexWorkerUrl } from './worker-url.ts';

export interface Segmenter {
  /** A buffer of `len` bytes to read the next chunk into (recycled when possible). */
  buffer(len: number): Buffer;
  /** Feeds bytes of segment `seg` (taking ownership of their ArrayBuffer); returns its result once final. */
  push(seg: number, start: number, bytes: Buffer, final: boolean): Promise<BuiltBlocks> | null;
  cancel(seg: number): void;
  close(): Promise<void>;
}

export class InlineSegmenter implements Segmenter {
  private readonly builders = new Map<number, BlockBuilder>();
  private readonly blockBytes: number;
  private scratch: Buffer | null = null;
  constructor(blockBytes: number) { this.blockBytes = blockBytes; }

  // Builders copy what they keep, so one scratch buffer serves every chunk.
  buffer(len: number): Buffer {
    if (!this.scratch || this.scratch.length < len) this.scratch = Buffer.allocUnsafeSlow(len);
    return this.scratch.subarray(0, len);
  }

  push(seg: number, start: number, bytes: Buffer, final: boolean): Promise<BuiltBlocks> | null {
    let b = this.builders.get(seg);
    if (!b) {
      b = new BlockBuilder(start, this.blockBytes);
      this.builders.set(seg, b);
    }
    b.push(bytes);
    if (!final) return null;
    this.builders.delete(seg);
    b.flush();
    return Promise.resolve(b.take());
  }

  cancel(seg: number): void { this.builders.delete(seg); }
  async close(): Promise<void> { this.builders.clear(); }
}

interface Pending { resolve(r: BuiltBlocks): void; reject(e: Error): void }

export class WorkerSegmenter implements Segmenter {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly blockBytes: number;
  private failure: Error | null = null;
  private readonly spares: ArrayBuffer[] = [];

  constructor(count: number, blockBytes: number) {
    this.blockBytes = blockBytes;
    for (let i = 0; i < count; i++) {
      const w = new Worker(indexWorkerUrl());
      w.on('message', (msg: FromWorker) => this.onMessage(msg));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => { if (code !== 0) this.fail(new Error(`log index worker exited with code ${code}`)); });
      this.workers.push(w);
    }
  }

  buffer(len: number): Buffer {
    const spare = this.spares.pop();
    return spare && spare.byteLength >= len ? Buffer.from(spare, 0, len) : Buffer.allocUnsafeSlow(len);
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type !== 'error' && this.spares.length < 8) this.spares.push(msg.spare);
    if (msg.type === 'spare') return;
    const p = this.pending.get(msg.seg);
    if (!p) return;
    this.pending.delete(msg.seg);
    if (msg.type === 'done') p.resolve(msg.result);
    else p.reject(new Error(`log index worker: ${msg.message}`));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  push(seg: number, start: number, bytes: Buffer, final: boolean): Promise<BuiltBlocks> | null {
    if (this.failure) return Promise.reject(this.failure);
    // Contract: `bytes` starts its own ArrayBuffer (from buffer(), never Node's shared
    // pool), so the buffer is moved to the worker, not copied.
    if (bytes.byteOffset !== 0) throw new Error('segment bytes must own their ArrayBuffer');
    const msg: ToWorker = { type: 'chunk', seg, start, bytes: bytes.buffer as ArrayBuffer, length: bytes.length, final, blockBytes: this.blockBytes };
    const result = final ? new Promise<BuiltBlocks>((resolve, reject) => this.pending.set(seg, { resolve, reject })) : null;
    this.workers[seg % this.workers.length].postMessage(msg, [msg.bytes]);
    return result;
  }

  cancel(seg: number): void {
    const msg: ToWorker = { type: 'cancel', seg };
    this.workers[seg % this.workers.length].postMessage(msg);
  }

  async close(): Promise<void> {
    this.fail(new Error('indexing stopped'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
