// Change counter per dataset object: the server re-indexes a dataset whose revision moved.
import type { Dataset } from './dataset.ts';

const revisions = new WeakMap<Dataset, number>();

export function datasetRevision(ds: Dataset): number {
  return revisions.get(ds) ?? 0;
}

/** Call after mutating a dataset in place (the mutate.ts helpers do). */
export function touchDataset(ds: Dataset): void {
  revisions.set(ds, datasetRevision(ds) + 1);
}
