// "Is this still the same file?" — device/inode plus hashes of the head and of the
// bytes just before the indexed end. Inode numbers get reused after delete+recreate,
// so the hashes are what tells a regenerated file at the same path from the old one.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { readRange } from './file-io.ts';

const PROBE_BYTES = 4096;

export interface FileStat { dev: string; ino: string; size: number }

export interface FileIdentity {
  dev: string;
  ino: string;
  headLen: number;
  headHash: string;
  /** The edge probe covers [edgeEnd - edgeLen, edgeEnd). */
  edgeEnd: number;
  edgeLen: number;
  edgeHash: string;
}

export async function statPath(path: string): Promise<FileStat | null> {
  try {
    const st = await stat(path, { bigint: true });
    return { dev: st.dev.toString(), ino: st.ino.toString(), size: Number(st.size) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function hashRange(fh: FileHandle, pos: number, len: number): Promise<string> {
  const bytes = await readRange(fh, pos, len);
  return bytes.length === len ? createHash('sha256').update(bytes).digest('hex') : '';
}

/** Identity of the file as it is now, with the edge probe ending at `indexedEnd`. */
export async function identify(fh: FileHandle, st: FileStat, indexedEnd: number): Promise<FileIdentity> {
  const headLen = Math.min(PROBE_BYTES, st.size);
  const edgeLen = Math.min(PROBE_BYTES, indexedEnd);
  return {
    dev: st.dev, ino: st.ino,
    headLen, headHash: await hashRange(fh, 0, headLen),
    edgeEnd: indexedEnd, edgeLen, edgeHash: await hashRange(fh, indexedEnd - edgeLen, edgeLen),
  };
}

/** True when fh/st is the file `id` was taken from, grown or unchanged but never rewritten. */
export async function sameFile(fh: FileHandle, st: FileStat, id: FileIdentity): Promise<boolean> {
  if (st.dev !== id.dev || st.ino !== id.ino) return false;
  if (st.size < id.edgeEnd || st.size < id.headLen) return false;
  if ((await hashRange(fh, 0, id.headLen)) !== id.headHash) return false;
  return (await hashRange(fh, id.edgeEnd - id.edgeLen, id.edgeLen)) === id.edgeHash;
}
