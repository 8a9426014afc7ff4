/**
 * Conditional GETs: GitHub answers `If-None-Match` with 304, which does not count
 * against the primary rate limit. The cache turns a 304 back into the cached 200.
 */
export class EtagCache {
  private readonly entries = new Map<string, { etag: string; body: string; headers: [string, string][] }>();
  private readonly max: number;

  constructor(max = 500) {
    this.max = max;
  }

  get(url: string) {
    const e = this.entries.get(url);
    if (e) {
      this.entries.delete(url);
      this.entries.set(url, e);
    }
    return e;
  }

  set(url: string, etag: string, body: string, headers: [string, string][]): void {
    this.entries.delete(url);
    this.entries.set(url, { etag, body, headers });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
