import { useEffect, useState } from 'react';
import type { FileLevel, LogHistogram } from '../../../../shared/contract/log-files.ts';
import { ops } from '../../client/ops.ts';
import { TimeHistogram } from '../../components/TimeHistogram.tsx';
import { attempt } from '../../state/app-store.ts';

/** When the matching lines happened (lnav's histogram): refreshed per filter and when indexing ends. */
export function FileHistogram({ fileId, query, levels, indexing }: { fileId: string; query: string; levels: FileLevel[]; indexing: boolean }) {
  const [h, setH] = useState<LogHistogram | null>(null);
  const levelKey = levels.join(',');
  useEffect(() => {
    let alive = true;
    void attempt('Histogram', () => ops.logFiles.histogram({ fileId, query: query || undefined, levels: levelKey ? (levelKey.split(',') as FileLevel[]) : undefined, buckets: 120 })).then((r) => {
      if (alive && r) setH(r);
    });
    return () => {
      alive = false;
    };
  }, [fileId, query, levelKey, indexing]);
  if (!h) return null;
  const what = query ? 'matches' : 'lines';
  return (
    <section aria-label="Time histogram" style={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <div className="row muted" style={{ fontSize: 'var(--fs-sm)' }} data-testid="histogram-summary">
        {h.from === null
          ? `No ${what} carry a time`
          : `${h.matched.toLocaleString()} ${what} over time · ${bucketLabel(h.bucketMs)} per bar (UTC)${h.undated ? ` · ${h.undated.toLocaleString()} without a time` : ''}${h.complete ? '' : ' · partial (indexing, or the first ' + Math.round(h.scannedBytes / 2 ** 20) + ' MiB scanned)'}`}
      </div>
      {h.from !== null && <TimeHistogram from={h.from} bucketMs={h.bucketMs} counts={h.counts} label={`${what} per ${bucketLabel(h.bucketMs)}`} />}
    </section>
  );
}

function bucketLabel(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  const [size, unit] = units.find(([u]) => ms >= u && ms % u === 0) ?? [1, 'ms'];
  return `${ms / size} ${unit}`;
}
