/** Settings of a {@link HoltForecaster} (already validated). */
export interface HoltConfig {
  /** Length of one counting interval, in ms. */
  readonly intervalMs: number;
  /** Level smoothing factor, in (0, 1]. */
  readonly alpha: number;
  /** Trend smoothing factor, in (0, 1]. */
  readonly beta: number;
}

/**
 * Empty intervals replayed one by one after a gap; a longer gap resets the state to zero, which is
 * where replaying would lead anyway (and keeps a call after a long idle O(1)).
 */
const MAX_CATCH_UP = 128;

/**
 * Holt's double exponential smoothing (level + trend) over event counts per fixed clock interval.
 *
 * Events are counted into the open interval `floor(now / intervalMs)`; when time moves past it the
 * count is folded into the level and trend (empty intervals in between count as zero). Only closed
 * intervals are smoothed, so a half-filled interval never reads as a drop; the interval of the
 * first event is partial too and only starts the count.
 */
export class HoltForecaster {
  private readonly intervalMs: number;
  private readonly alpha: number;
  private readonly beta: number;
  /** Index of the open interval; -Infinity before the first event. */
  private interval = Number.NEGATIVE_INFINITY;
  private count = 0;
  /** Smoothed events per interval, as of the last closed interval. */
  private level = 0;
  /** Smoothed change of `level` per interval. */
  private slope = 0;
  private primed = false;
  private pastFirst = false;

  constructor(config: HoltConfig) {
    this.intervalMs = config.intervalMs;
    this.alpha = config.alpha;
    this.beta = config.beta;
  }

  /** Whether at least one interval has closed, so {@link HoltForecaster.forecast} means something. */
  get ready(): boolean {
    return this.primed;
  }

  /** Counts `n` events at `now` (ms). */
  add(now: number, n = 1): void {
    this.advance(now);
    this.count += n;
  }

  /**
   * Closes every interval that ended by `now`. Times before the open interval, and non-finite
   * ones, change nothing (their events count in the open interval).
   */
  advance(now: number): void {
    const k = Math.floor(now / this.intervalMs);
    if (!(k > this.interval && k < Number.POSITIVE_INFINITY)) return;
    if (this.interval !== Number.NEGATIVE_INFINITY) {
      // The first interval began before the first event was seen, so it is partial: skip it.
      if (this.pastFirst) this.update(this.count);
      this.pastFirst = true;
      const gap = k - this.interval - 1;
      if (gap > MAX_CATCH_UP) {
        this.level = 0;
        this.slope = 0;
      } else {
        for (let i = 0; i < gap; i++) this.update(0);
      }
    }
    this.interval = k;
    this.count = 0;
  }

  /**
   * Expected events per second at time `at` (ms), extrapolated from the last closed interval's
   * centre; never negative. Call {@link HoltForecaster.advance} first.
   */
  forecast(at: number): number {
    const steps = at / this.intervalMs - (this.interval - 0.5);
    const perInterval = this.level + steps * this.slope;
    return perInterval > 0 ? (perInterval * 1000) / this.intervalMs : 0;
  }

  /** Smoothed change of the rate, in events per second per second. */
  trendPerSecond(): number {
    return (this.slope * 1e6) / (this.intervalMs * this.intervalMs);
  }

  private update(x: number): void {
    if (!this.primed) {
      this.level = x;
      this.slope = 0;
      this.primed = true;
      return;
    }
    const previous = this.level;
    this.level = this.alpha * x + (1 - this.alpha) * (this.level + this.slope);
    this.slope = this.beta * (this.level - previous) + (1 - this.beta) * this.slope;
  }
}
