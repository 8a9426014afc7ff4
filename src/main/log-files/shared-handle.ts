// A FileHandle shared by concurrent readers; retiring it (after a rotation) closes it
// only once the readers that hold it are done.
import type { FileHandle } from 'node:fs/promises';

export class SharedHandle {
  readonly fh: FileHandle;
  private refs = 0;
  private retired = false;

  constructor(fh: FileHandle) { this.fh = fh; }

  acquire(): FileHandle {
    this.refs++;
    return this.fh;
  }

  release(): void {
    if (--this.refs === 0 && this.retired) void this.fh.close().catch(() => {});
  }

  async retire(): Promise<void> {
    this.retired = true;
    if (this.refs === 0) await this.fh.close().catch(() => {});
  }
}
