/** Smoothed throughput and ETA from successive (time, done) samples. */
export class RateMeter {
  private lastT = 0;
  private lastDone = 0;
  private rate: number | null = null;

  private readonly halfLifeMs: number;

  constructor(halfLifeMs = 5000) {
    this.halfLifeMs = halfLifeMs;
  }

  sample(done: number, now = Date.now()): number | null {
    if (this.lastT === 0 || done < this.lastDone) {
      this.lastT = now;
      this.lastDone = done;
      return this.rate;
    }
    const dt = now - this.lastT;
    if (dt < 250) return this.rate;
    const instant = ((done - this.lastDone) * 1000) / dt;
    const alpha = 1 - Math.pow(0.5, dt / this.halfLifeMs);
    this.rate = this.rate === null ? instant : this.rate + alpha * (instant - this.rate);
    this.lastT = now;
    this.lastDone = done;
    return this.rate;
  }

  eta(done: number, total: number | null): number | null {
    if (total === null || this.rate === null || this.rate <= 0) return null;
    return Math.max(0, (total - done) / this.rate);
  }
}
