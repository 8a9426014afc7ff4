// Persistence of one file's index in <cacheDir>/log-index-<hash of path>/:
//   headers.seg   append-only fixed-size block headers (block-format.ts)
//   blooms.seg    append-only Bloom filters, in block order
//   manifest.json the durable checkpoint: file identity + how many bytes of each segment
//                 are valid. Written to a temp file, fsynced, renamed, directory fsynced,
//                 and only after the segments were fsynced — so after a crash (kill -9,
//                 power loss) the manifest always describes fully written data; anything
//                 past its lengths is garbage from an interrupted append and is cut off.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FileIdentity } from './file-identity.ts';
import { readRange } from './file-io.ts';

export const FORMAT_VERSION = 1;

export interface Manifest {
  format: number;
  path: string;
  identity: FileIdentity;
  /** Log-file bytes covered by the checkpoint (always at a line boundary). */
  bytes: number;
  lines: number;
  blocks: number;
  headersBytes: number;
  bloomsBytes: number;
}

async function openRw(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return open(path, 'w+');
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Not supported everywhere (e.g. Windows); the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

export class IndexStore {
  readonly dir: string;
  private headers!: FileHandle;
  private blooms!: FileHandle;
  headersBytes = 0;
  bloomsBytes = 0;

  private constructor(dir: string) { this.dir = dir; }

  static dirFor(cacheDir: string, filePath: string): string {
    return join(cacheDir, `log-index-${createHash('sha256').update(resolve(filePath)).digest('hex').slice(0, 24)}`);
  }

  static async open(cacheDir: string, filePath: string): Promise<IndexStore> {
    const store = new IndexStore(IndexStore.dirFor(cacheDir, filePath));
    await mkdir(store.dir, { recursive: true });
    store.headers = await openRw(join(store.dir, 'headers.seg'));
    store.blooms = await openRw(join(store.dir, 'blooms.seg'));
    return store;
  }

  async readManifest(): Promise<Manifest | null> {
    try {
      const m = JSON.parse(await readFile(join(this.dir, 'manifest.json'), 'utf8')) as Manifest;
      return m.format === FORMAT_VERSION ? m : null;
    } catch {
      return null;
    }
  }

  /** Cuts the segments back to the manifest's lengths and returns the valid headers. */
  async load(m: Manifest): Promise<Uint8Array | null> {
    const [hs, bs] = await Promise.all([this.headers.stat(), this.blooms.stat()]);
    if (hs.size < m.headersBytes || bs.size < m.bloomsBytes) return null;
    await this.headers.truncate(m.headersBytes);
    await this.blooms.truncate(m.bloomsBytes);
    this.headersBytes = m.headersBytes;
    this.bloomsBytes = m.bloomsBytes;
    return readRange(this.headers, 0, m.headersBytes);
  }

  async append(headers: Uint8Array, blooms: Uint8Array): Promise<void> {
    await Promise.all([
      this.headers.write(headers, 0, headers.length, this.headersBytes),
      this.blooms.write(blooms, 0, blooms.length, this.bloomsBytes),
    ]);
    this.headersBytes += headers.length;
    this.bloomsBytes += blooms.length;
  }

  async readBlooms(pos: number, len: number): Promise<Buffer> {
    return readRange(this.blooms, pos, len);
  }

  /** Makes everything appended so far durable, then publishes `m` atomically. */
  async checkpoint(m: Manifest): Promise<void> {
    await Promise.all([this.headers.datasync(), this.blooms.datasync()]);
    await this.writeManifest(m);
  }

  /** Starts over: the manifest is replaced first, so a crash in between is harmless. */
  async reset(m: Manifest): Promise<void> {
    await this.writeManifest(m);
    await this.headers.truncate(0);
    await this.blooms.truncate(0);
    this.headersBytes = this.bloomsBytes = 0;
  }

  private async writeManifest(m: Manifest): Promise<void> {
    const target = join(this.dir, 'manifest.json');
    const tmp = `${target}.tmp`;
    await writeFile(tmp, JSON.stringify(m), { flush: true });
    await rename(tmp, target);
    await fsyncDir(this.dir);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.headers.close(), this.blooms.close()]);
  }
}
