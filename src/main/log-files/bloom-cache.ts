// Read-through cache of Bloom filters, in pages of consecutive blocks read with one
// positional read from blooms.seg. Bounded (default 64 MB), least recently used out first.
import type { BlockTable } from './block-table.ts';
import type { IndexStore } from './index-store.ts';

const PAGE_BLOCKS = 256;

interface Page { first: number; n: number; base: number; bytes: Buffer }

export interface BloomRef { bits: Uint8Array; off: number; len: number; hashes: number }

export class BloomCache {
  private readonly pages = new Map<number, Page>();
  private bytes = 0;
  private lastPage = -1;
  private readonly table: BlockTable;
  private readonly store: IndexStore;
  private readonly maxBytes: number;

  constructor(table: BlockTable, store: IndexStore, maxBytes = 64 * 1024 * 1024) {
    this.table = table;
    this.store = store;
    this.maxBytes = maxBytes;
  }

  clear(): void {
    this.pages.clear();
    this.bytes = 0;
    this.lastPage = -1;
  }

  /** Synchronous when the page is cached (the common case in a scan). */
  get(b: number): BloomRef | Promise<BloomRef> {
    const t = this.table;
    if (b >= t.committed) {
      if (!t.tailBloom) throw new Error(`No bloom for block ${b}`);
      return { bits: t.tailBloom, off: 0, len: t.bloomLen[b], hashes: t.hashes[b] };
    }
    const p = Math.floor(b / PAGE_BLOCKS);
    const page = this.pages.get(p);
    if (page && b < page.first + page.n) {
      if (p !== this.lastPage) {
        this.pages.delete(p); // re-insert: most recently used
        this.pages.set(p, page);
        this.lastPage = p;
      }
      return this.ref(page, b);
    }
    return this.load(p).then((loaded) => this.ref(loaded, b));
  }

  private ref(page: Page, b: number): BloomRef {
    const t = this.table;
    return { bits: page.bytes, off: t.bloomOff[b] - page.base, len: t.bloomLen[b], hashes: t.hashes[b] };
  }

  private async load(p: number): Promise<Page> {
    const t = this.table;
    const first = p * PAGE_BLOCKS;
    const n = Math.min(PAGE_BLOCKS, t.committed - first);
    const base = t.bloomOff[first];
    const len = t.bloomOff[first + n - 1] + t.bloomLen[first + n - 1] - base;
    const bytes = await this.store.readBlooms(base, len);
    if (bytes.length !== len) throw new Error('blooms.seg is shorter than its index');
    const page = { first, n, base, bytes };
    const old = this.pages.get(p);
    if (old) this.drop(p, old);
    this.pages.set(p, page);
    this.lastPage = p;
    this.bytes += len;
    while (this.bytes > this.maxBytes && this.pages.size > 1) {
      const [key, victim] = this.pages.entries().next().value as [number, Page];
      this.drop(key, victim);
    }
    return page;
  }

  private drop(key: number, page: Page): void {
    if (this.pages.get(key) === page) {
      this.pages.delete(key);
      this.bytes -= page.bytes.length;
    }
  }
}
