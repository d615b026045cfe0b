/**
 * Options of {@link InMemoryLoadTracker}. Every option is checked at construction; a bad value
 * throws a `ZetaError` (`CONFIG_INVALID`) naming the option, what it must be and the value received.
 *
 * @example
 * // A shorter, finer window that refreshes its quantiles more often.
 * const tracker = new InMemoryLoadTracker({ windowMs: 30_000, buckets: 10, refreshEvery: 32 });
 */
export interface InMemoryLoadTrackerOptions {
  /**
   * Length of the sliding latency window, in milliseconds. The window moves in steps of
   * `windowMs / buckets`, so it spans between `windowMs - windowMs / buckets` and `windowMs` of
   * history.
   *
   * A finite number >= 1, and at least `buckets` (1 ms per bucket).
   * @default 60_000
   */
  readonly windowMs?: number;

  /**
   * Number of t-digests the window is split into. More buckets expire old samples more smoothly and
   * cost more memory and merge time.
   *
   * An integer from 1 to 100.
   * @default 6
   */
  readonly buckets?: number;

  /**
   * t-digest compression `delta`: the largest share of samples one centroid may hold. Smaller is
   * more accurate and bigger: each bucket holds at most `25 / compression + 1` centroids.
   *
   * A number from 0.001 to 1.
   * @default 0.01
   */
  readonly compression?: number;

  /**
   * Recompute a (model, task) pair's cached latency stats after this many new samples. This is
   * also the size of the per-pair sample buffer that is pushed into the digest in one batch.
   *
   * An integer from 1 to 10 000. Between refreshes, at most `refreshMs`, the router decides on the
   * cached figures: larger is cheaper on busy models.
   * @default 256
   */
  readonly refreshEvery?: number;

  /**
   * Recompute a pair's cached latency stats when new samples exist and the cache is this old, in
   * milliseconds, even if fewer than `refreshEvery` samples came. `0` recomputes on every read that
   * follows a new sample.
   *
   * A finite number >= 0.
   * @default 1000
   */
  readonly refreshMs?: number;

  /**
   * Half-life of a model's error rate, counted in calls: the outcome of a call weighs half as much
   * after this many further calls. The smoothing factor is `alpha = 1 - 2^(-1 / errorHalfLife)`
   * (about 0.067 for the default).
   *
   * A finite number > 0.
   * @default 10
   */
  readonly errorHalfLife?: number;

  /**
   * Time heals: a model's error rate also fades by half every `errorDecayMs` on the clock, calls or
   * no calls, so one early failure does not keep a model avoided under light traffic.
   *
   * A number > 0 (`Infinity` for no fading).
   * @default 30_000
   */
  readonly errorDecayMs?: number;

  /**
   * Distinct task types tracked (arrivals, and per model): task types are caller-chosen strings, so
   * past this many, new ones share one entry named `(other)` and memory stays bounded.
   *
   * An integer from 1 to 100000.
   * @default 256
   */
  readonly maxTaskTypes?: number;

  /**
   * Half-life of the time-decayed rates (model throughput and task arrival rate), in milliseconds.
   * A rate reaches half of a new steady level after one half-life and 87.5% after three.
   *
   * A finite number > 0.
   * @default 10_000
   */
  readonly rateHalfLifeMs?: number;

  /**
   * How far ahead the arrival forecast looks, in milliseconds.
   *
   * A finite number >= 0.
   * @default 5_000
   */
  readonly horizonMs?: number;

  /**
   * Length of the intervals whose arrival counts feed the forecast, in milliseconds.
   *
   * A finite number >= 1.
   * @default 1_000
   */
  readonly forecastIntervalMs?: number;

  /**
   * Holt level smoothing factor: the weight of the latest interval's count. Higher follows changes
   * faster and is noisier.
   *
   * A number > 0 and <= 1.
   * @default 0.5
   */
  readonly forecastAlpha?: number;

  /**
   * Holt trend smoothing factor: the weight of the latest change of level. Higher reacts to a ramp
   * faster and overshoots more.
   *
   * A number > 0 and <= 1.
   * @default 0.3
   */
  readonly forecastBeta?: number;

  /**
   * Half-life of what is learned from outcomes (per model, task type and complexity band: mean
   * latency, failures, quality, the latency-per-output-token fit, the token calibration), in
   * milliseconds on the clock: evidence weighs half as much after this long, calls or no calls,
   * so old evidence fades and a model that recovered is judged on new calls.
   *
   * A finite number > 0.
   * @default 60_000
   */
  readonly learnHalfLifeMs?: number;
}

/** The defaults of {@link InMemoryLoadTrackerOptions}, in one place. */
export const inMemoryLoadTrackerDefaults: Readonly<Required<InMemoryLoadTrackerOptions>> =
  Object.freeze({
    windowMs: 60_000,
    buckets: 6,
    compression: 0.01,
    refreshEvery: 256,
    refreshMs: 1000,
    errorHalfLife: 10,
    errorDecayMs: 30_000,
    maxTaskTypes: 256,
    rateHalfLifeMs: 10_000,
    horizonMs: 5_000,
    forecastIntervalMs: 1_000,
    forecastAlpha: 0.5,
    forecastBeta: 0.3,
    learnHalfLifeMs: 60_000,
  });

/** Where task types past `maxTaskTypes` are tracked together. */
export const OTHER_TASK_TYPE = '(other)';
