// Time histogram of the lines matching a search (lnav's histogram view): the matches are
// streamed page by page through the index's search (Bloom-skipped blocks stay unread) and
// bucketed by each line's own time. A scan budget keeps a huge file's histogram bounded.
import type { LogHistogram } from '../../shared/contract/log-files.ts';
import { lineTime } from '../../shared/log-record.ts';
import type { Level } from './levels.ts';
import type { SearchOptions, SearchResult } from './types.ts';

const PAGE = 10_000;
export const HISTOGRAM_SCAN_BYTES = 512 * 1024 * 1024;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bucket widths an operator reads at a glance. */
const NICE = [1, 2, 5, 10, 15, 30].map((s) => s * SECOND)
  .concat([1, 2, 5, 10, 15, 30].map((m) => m * MINUTE), [1, 2, 3, 6, 12].map((h) => h * HOUR), [1, 2, 7, 14, 30, 91, 365].map((d) => d * DAY));

/** The smallest nice width that spreads [min, max] over at most `buckets` buckets. */
export function bucketWidth(min: number, max: number, buckets: number): number {
  const span = Math.max(1, max - min + 1);
  return NICE.find((w) => Math.ceil(span / w) <= buckets) ?? Math.ceil(span / buckets / DAY) * DAY;
}

export function bucketTimes(times: number[], buckets: number): Pick<LogHistogram, 'bucketMs' | 'from' | 'counts'> {
  if (!times.length) return { bucketMs: MINUTE, from: null, counts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const bucketMs = bucketWidth(min, max, buckets);
  const from = Math.floor(min / bucketMs) * bucketMs;
  const counts = new Array<number>(Math.floor((max - from) / bucketMs) + 1).fill(0);
  for (const t of times) counts[Math.floor((t - from) / bucketMs)]!++;
  return { bucketMs, from, counts };
}

type Search = (query: string, opts: SearchOptions) => Promise<SearchResult>;

export async function histogram(search: Search, query: string, opts: { levels?: Level[]; buckets: number; maxScanBytes?: number; signal?: AbortSignal }): Promise<LogHistogram> {
  const budget = opts.maxScanBytes ?? HISTOGRAM_SCAN_BYTES;
  const times: number[] = [];
  let matched = 0;
  let undated = 0;
  let scannedBytes = 0;
  let fromLine: number | null = 0;
  let complete = false;
  while (fromLine !== null && scannedBytes < budget) {
    const page: SearchResult = await search(query, { levels: opts.levels, fromLine, limit: PAGE, signal: opts.signal, maxScanBytes: budget - scannedBytes });
    scannedBytes += page.scannedBytes;
    for (const m of page.matches) {
      matched++;
      const t = lineTime(m.text);
      if (t === null) undated++;
      else times.push(t);
    }
    complete = page.done;
    // Not done but no progress: the rest of the file is not indexed yet.
    if (!page.done && page.nextLine === fromLine) break;
    fromLine = page.nextLine;
  }
  return { ...bucketTimes(times, opts.buckets), matched, undated, complete, scannedBytes };
}
