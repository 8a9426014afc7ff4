import { expect } from 'vitest';
import { OpsError } from '../../src/shared/errors.ts';

/** The typed error a call is refused with; the test fails if the call succeeds or throws anything else. */
export async function opsErrorOf(p: Promise<unknown>): Promise<OpsError> {
  const e = await p.then(
    () => {
      throw new Error('expected the call to be refused with an OpsError, but it succeeded');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OpsError);
  return e as OpsError;
}
