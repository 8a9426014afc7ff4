// Fault injection for /v1/embeddings. Requests are numbered from 1 since the faults were configured.
import { rng as prng } from '../../helpers/random.ts';

export interface FaultTrigger {
  /** Every Nth request (N, 2N, …). */
  every?: number;
  /** Chance per request, drawn from a PRNG seeded with `seed` (default 1), so runs repeat. */
  probability?: number;
  seed?: number;
  /** Exact request numbers. */
  atRequests?: number[];
  /** Stop after firing this many times. */
  times?: number;
}

export type Fault = FaultTrigger &
  (
    | { kind: 'status'; status: 500 | 502 | 503 | 504; retryAfterMs?: number }
    | { kind: '429'; retryAfterSec?: number; limitType?: 'requests' | 'tokens' }
    | { kind: 'disconnect' }
  );


export class FaultInjector {
  private readonly faults: { fault: Fault; random?: () => number; fired: number }[];
  private request = 0;

  constructor(faults: readonly Fault[]) {
    this.faults = faults.map((fault) => ({ fault, random: fault.probability !== undefined ? prng(fault.seed ?? 1) : undefined, fired: 0 }));
  }

  /** Counts one request and returns the fault to inject, if any (first matching in list order). */
  next(): Fault | undefined {
    const n = ++this.request;
    let chosen: Fault | undefined;
    for (const f of this.faults) {
      const { every, probability, atRequests, times } = f.fault;
      // Draw every time so one fault firing does not shift another's sequence.
      const coin = f.random !== undefined && f.random() < (probability ?? 0);
      const hit = coin || (every !== undefined && every > 0 && n % every === 0) || (atRequests?.includes(n) ?? false);
      if (hit && !chosen && (times === undefined || f.fired < times)) {
        f.fired++;
        chosen = f.fault;
      }
    }
    return chosen;
  }
}
