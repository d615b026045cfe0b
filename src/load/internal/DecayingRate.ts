/**
 * An event rate as an exponentially time-decayed count: each event weighs `2^(-age / halfLifeMs)`,
 * and the decayed count times the decay constant is the rate. For a steady rate the estimate
 * converges to it (50% after one half-life, 87.5% after three, starting from zero); after the
 * events stop it halves every half-life. O(1) state, no allocation.
 */
export class DecayingRate {
  /** Decay constant, per millisecond. */
  private readonly lambda: number;
  /** Decayed event count as of `at`. */
  private weight = 0;
  private at = Number.NEGATIVE_INFINITY;

  constructor(halfLifeMs: number) {
    this.lambda = Math.LN2 / halfLifeMs;
  }

  /**
   * Counts `n` events at `now` (ms). An earlier or non-finite `now` counts at the latest time seen.
   */
  add(now: number, n = 1): void {
    if (now > this.at && now < Number.POSITIVE_INFINITY) {
      this.weight *= Math.exp(-this.lambda * (now - this.at));
      this.at = now;
    }
    this.weight += n;
  }

  /** The rate at `now`, in events per second. */
  perSecond(now: number): number {
    if (this.weight === 0) return 0;
    const age = now > this.at ? now - this.at : 0;
    return this.weight * Math.exp(-this.lambda * age) * this.lambda * 1000;
  }
}
