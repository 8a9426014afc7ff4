// Bounded positional reads and line scanning over a FileHandle.
import type { FileHandle } from 'node:fs/promises';

/** Reads [pos, pos+len) (shorter at EOF), into `buf` when given (at least len bytes). */
export async function readRange(fh: FileHandle, pos: number, len: number, buf: Buffer = Buffer.allocUnsafe(len)): Promise<Buffer> {
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === len ? buf : buf.subarray(0, got);
}

/** Text of the line bytes [s, e) (newline excluded), without a trailing CR. */
export function lineText(buf: Buffer, s: number, e: number): string {
  if (e > s && buf[e - 1] === 13) e--;
  return buf.toString('utf8', s, e);
}

/** Calls visit(s, e) for each line of buf; the bytes after the last newline only if `partialToo`. */
export function forEachLine(buf: Buffer, partialToo: boolean, visit: (s: number, e: number) => boolean | void): void {
  let s = 0;
  while (s < buf.length) {
    const nl = buf.indexOf(10, s);
    if (nl < 0) {
      if (partialToo) visit(s, buf.length);
      return;
    }
    if (visit(s, nl) === false) return;
    s = nl + 1;
  }
}

export interface ScanOptions {
  /** Visit the bytes after the last newline before `to` as a line (the file's last line). */
  partialToo: boolean;
  chunkBytes?: number;
  /** Called after each chunk's lines, e.g. to flush output. */
  afterChunk?: () => Promise<void>;
}

/**
 * Streams the lines of [from, to) (from must be a line start). visit returns false to stop.
 * Memory: one chunk plus the longest line. Returns the offset after the last visited line.
 */
export async function scanLines(fh: FileHandle, from: number, to: number, opts: ScanOptions,
  visit: (buf: Buffer, s: number, e: number, offset: number) => boolean | void): Promise<number> {
  const chunk = opts.chunkBytes ?? 256 * 1024;
  let pos = from;
  let carry: Buffer | null = null;
  while (pos < to) {
    const fresh = await readRange(fh, pos, Math.min(chunk, to - pos));
    if (fresh.length === 0) break;
    const base = pos - (carry?.length ?? 0);
    const buf: Buffer = carry ? Buffer.concat([carry, fresh]) : fresh;
    pos += fresh.length;
    const last = pos >= to;
    let consumed = 0;
    let stop = false;
    forEachLine(buf, last && opts.partialToo, (s, e) => {
      consumed = e < buf.length ? e + 1 : e;
      if (visit(buf, s, e, base + s) === false) { stop = true; return false; }
    });
    if (opts.afterChunk) await opts.afterChunk();
    if (stop) return base + consumed;
    carry = consumed < buf.length ? buf.subarray(consumed) : null;
    if (carry && !last) carry = Buffer.from(carry); // don't pin the whole chunk
  }
  return pos - (carry?.length ?? 0);
}
