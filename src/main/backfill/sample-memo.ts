import type { RequestTiming } from '../sync/size-scan.ts';
import type { SampledItem } from './sample.ts';

/** Measurements whose samples are kept: as many as the sync's memo keeps (measure-memo.ts). */
const MAX_MEASUREMENTS = 8;

interface Part {
  items: SampledItem[];
  timings: RequestTiming[];
}

/**
 * The texts an estimate drew, kept with the GitHub measurement they were drawn beside: an estimate
 * that reuses a measurement (the preflight's, a minute ago) reuses its texts and their request
 * times too, so both describe one reading of GitHub. The draw is seeded, so the parts repeat.
 */
export class SampleMemo {
  private readonly byMeasurement = new Map<string, Map<string, Part>>();

  get(measurement: string, numbers: readonly number[]): Part | null {
    return this.byMeasurement.get(measurement)?.get(numbers.join(',')) ?? null;
  }

  set(measurement: string, numbers: readonly number[], part: Part): void {
    let parts = this.byMeasurement.get(measurement);
    if (!parts) {
      parts = new Map();
      this.byMeasurement.set(measurement, parts);
      while (this.byMeasurement.size > MAX_MEASUREMENTS) this.byMeasurement.delete(this.byMeasurement.keys().next().value!);
    }
    parts.set(numbers.join(','), part);
  }
}
